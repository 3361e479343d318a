// The pipeline's steady state allocates nothing. This binary replaces the
// global operator new/delete with counting versions and streams a large
// file to a sink that only counts blocks.
//
// Measured window (stated honestly): from the writer's first block that
// lies entirely inside the large file's data to its last such block. In
// that window the framer reads into ring slots and hashes, the writer
// writes slots, the ring hands slots over; the hasher is idle (the large
// file is the last member, so nothing is left to hash ahead). Start-up
// (ring, member table, threads, OpenSSL contexts, per-file headers and
// catalog work) is outside the window by design.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "backup_test_tape.hpp"
#include "firmware/pipeline/backup_stream.hpp"

#include "firmware/counting_new.hpp"

using namespace tg;
using namespace tg::firmware::pipeline;

namespace {

// Counts blocks; samples the allocation counter at two block numbers.
class CountingSink final : public BlockSink {
 public:
  std::uint64_t blocks = 0, first_mark = 0, last_mark = 0;
  std::uint64_t at_first = 0, at_last = 0;
  Result<drivers::WriteStatus> write_block(std::span<const std::uint8_t>) override {
    ++blocks;
    if (blocks == first_mark) at_first = g_allocations.load();
    if (blocks == last_mark) at_last = g_allocations.load();
    return drivers::WriteStatus{};
  }
  Result<drivers::WriteStatus> write_filemarks(std::uint32_t) override { return drivers::WriteStatus{}; }
};

class QuietEvents final : public StreamEvents {
 public:
  std::uint64_t progress_calls = 0;
  Status tape_file_started() override { return {}; }
  Status member_started(std::size_t) override { return {}; }
  Status piece_written(std::size_t, const PieceInfo&) override { return {}; }
  Status member_finished(std::size_t) override { return {}; }
  Status durable(std::uint64_t) override { return {}; }
  Status tape_file_closed(std::uint64_t) override { return {}; }
  void member_requeued(std::size_t, std::size_t, const char*) override {}
  Result<BlockSink*> next_volume(VolumeEnd, const Error*) override {
    return make_error(Errc::internal, "no second cartridge in this test");
  }
  bool cancelled() override { return false; }
  void progress(const WriterProgress&) override { ++progress_calls; }
};

}  // namespace

TEST_CASE("no heap allocation while a large file streams") {
  test::ScratchDir dir("backup-alloc");
  constexpr std::size_t kBlock = 256 * 1024;
  constexpr std::size_t kBig = 96u << 20;  // 384 blocks
  auto small = test::pseudo_random_bytes(100000, 1);
  test::write_file(dir.path / "a.bin", small);
  {
    auto chunk = test::pseudo_random_bytes(1 << 20, 2);
    std::filesystem::create_directories(dir.path);
    std::FILE* f = std::fopen((dir.path / "big.vma").c_str(), "wb");
    for (std::size_t i = 0; i < kBig / chunk.size(); ++i) std::fwrite(chunk.data(), 1, chunk.size(), f);
    std::fclose(f);
  }
  MemberTable table(8, "repo", "job");
  for (const char* n : {"a.bin", "big.vma"}) {
    struct stat st {};
    ::stat((dir.path / n).c_str(), &st);
    REQUIRE(table.append(MemberInput{.source = (dir.path / n).string(),
                                     .path = n,
                                     .size = static_cast<std::uint64_t>(st.st_size),
                                     .mtime = st.st_mtim.tv_sec,
                                     .kind = "full"})
                .ok());
  }
  // The job lists its files' manifest up front (backup_job.cpp): nothing is
  // appended while the stream runs.
  REQUIRE(table.append_pending_manifest().ok());
  CountingSink sink;
  // The big file's data starts within the first block (a.bin is ~100 KB):
  // blocks 2 .. N-1 lie entirely inside it.
  std::uint64_t total_blocks = (100000 + 4096 + kBig + kBlock - 1) / kBlock;
  sink.first_mark = 2;
  sink.last_mark = total_blocks - 1;
  QuietEvents ev;
  StreamConfig cfg;
  cfg.writer.block_size = kBlock;
  cfg.writer.progress_interval = std::chrono::milliseconds(0);  // progress on every block: it must not allocate either
  cfg.ring_bytes = 8u << 20;
  auto r = run_backup_stream(cfg, table, sink, ev);
  REQUIRE(r.ok());
  REQUIRE(sink.blocks >= sink.last_mark);
  INFO("blocks in window: " << sink.last_mark - sink.first_mark << ", allocations: " << sink.at_last - sink.at_first);
  CHECK(sink.last_mark - sink.first_mark > 300);
  CHECK(sink.at_last - sink.at_first == 0);
  CHECK(ev.progress_calls > 300);
  CHECK(table.at(1).outcome.load() == MemberOutcome::ok);
}
