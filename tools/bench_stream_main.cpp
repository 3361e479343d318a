// tapegate_bench_stream: the streaming pipeline alone (opener, framer, hasher,
// framing, ring, writer with re-hash) into a sink that discards blocks,
// i.e. a drive that is never the bottleneck. It measures what the pipeline
// itself can feed, hashing on, with the same output format as
// tapegate_bench.
//
//   tapegate_bench_stream --repo DIR [--block BYTES] [--ring MIB] [--drive-mbps N]
//
// --drive-mbps N paces the sink like a drive of N MB/s (sleeping per block),
// to count stalls at that rate.
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "firmware/pipeline/backup_stream.hpp"
#include "tools/rss_kib.hpp"

using namespace tg;
using namespace tg::firmware::pipeline;
namespace fs = std::filesystem;

namespace {

class PacedSink final : public BlockSink {
 public:
  explicit PacedSink(double mbps) : mbps_(mbps) {}
  std::uint64_t bytes = 0;
  Result<drivers::WriteStatus> write_block(std::span<const std::uint8_t> b) override {
    bytes += b.size();
    if (mbps_ > 0) {
      // A drive of mbps_ MB/s: block i may complete at start + bytes / rate.
      if (bytes == b.size()) start_ = std::chrono::steady_clock::now();
      auto due = start_ + std::chrono::duration<double>(static_cast<double>(bytes) / (mbps_ * 1e6));
      std::this_thread::sleep_until(due);
    }
    return drivers::WriteStatus{};
  }
  Result<drivers::WriteStatus> write_filemarks(std::uint32_t) override { return drivers::WriteStatus{}; }

 private:
  double mbps_;
  std::chrono::steady_clock::time_point start_;
};

class NoEvents final : public StreamEvents {
 public:
  Status tape_file_started() override { return {}; }
  Status member_started(std::size_t) override { return {}; }
  Status piece_written(std::size_t, const PieceInfo&) override { return {}; }
  Status member_finished(std::size_t) override { return {}; }
  Status durable(std::uint64_t) override { return {}; }
  Status tape_file_closed(std::uint64_t) override { return {}; }
  void member_requeued(std::size_t, std::size_t, const char*) override {}
  Result<BlockSink*> next_volume(VolumeEnd, const Error*) override { return make_error(Errc::internal, "one volume"); }
  bool cancelled() override { return false; }
  void progress(const WriterProgress&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  std::string repo;
  std::size_t block = 256 * 1024, ring_mib = 64;
  double mbps = 0;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    std::string v = i + 1 < argc ? argv[i + 1] : "";
    if (k == "--repo") repo = v, ++i;
    else if (k == "--block") block = std::stoul(v), ++i;
    else if (k == "--ring") ring_mib = std::stoul(v), ++i;
    else if (k == "--drive-mbps") mbps = std::stod(v), ++i;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 1;
    }
  }
  std::vector<fs::path> files;
  for (auto& e : fs::recursive_directory_iterator(repo))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  MemberTable table(MemberTable::capacity_for(files.size()), "bench", "bench-job");
  for (auto& p : files) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    (void)table.append(MemberInput{.source = p.string(),
                                   .path = fs::relative(p, repo).generic_string(),
                                   .size = static_cast<std::uint64_t>(st.st_size),
                                   .mtime = st.st_mtim.tv_sec,
                                   .kind = "full"});
  }
  long before = tools::rss_kib("VmRSS:");
  PacedSink sink(mbps);
  NoEvents ev;
  StreamConfig cfg;
  cfg.writer.block_size = block;
  cfg.ring_bytes = ring_mib << 20;
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_backup_stream(cfg, table, sink, ev);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r) {
    std::fprintf(stderr, "stream: %s\n", r.error().message.c_str());
    return 1;
  }
  std::printf("mode=stream bytes=%llu seconds=%.3f MBps=%.1f stalls=%llu stalled_s=%.3f peak_rss_mb=%.1f "
              "rss_before_job_mb=%.1f ring_mb=%zu staged_blocks=%llu\n",
              static_cast<unsigned long long>(r->framer.data_bytes), s, static_cast<double>(r->framer.data_bytes) / s / 1e6,
              static_cast<unsigned long long>(r->ring.writer_waits), static_cast<double>(r->ring.writer_wait_ns) / 1e9,
              tools::rss_kib("VmHWM:") / 1024.0, before / 1024.0, ring_mib,
              static_cast<unsigned long long>(r->writer.staged_blocks));
  return 0;
}
