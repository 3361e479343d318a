// The writer's own contract, behind the opener and framer (no hasher: the
// writer never looks at hashes) and in front of in-memory cartridges:
// whole blocks only, the tape file closed with end-of-archive records and
// one filemark, each piece reported where the table placed it, and at early
// warning inside a member's data the cut at the block boundary with the
// member continuing on the next cartridge behind GNU's continuation headers.
// The whole pipeline, every cut class and GNU tar: backup_stream_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "firmware/format/tar_reader.hpp"
#include "firmware/pipeline/backup_test_tape.hpp"
#include "firmware/pipeline/source_opener.hpp"
#include "firmware/pipeline/tar_framer.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::pipeline;

namespace {

constexpr std::size_t kBlock = 16 * 1024;

struct Entries final : format::TarEvents {
  std::vector<format::TarEntry> entries;
  std::map<std::string, std::vector<std::uint8_t>> data;  // by original path
  Status on_entry(const format::TarEntry& e) override {
    entries.push_back(e);
    return {};
  }
  Status on_data(std::span<const std::uint8_t> b) override {
    auto& d = data[entries.back().original_path()];
    d.insert(d.end(), b.begin(), b.end());
    return {};
  }
  Status on_entry_end() override { return {}; }
};

struct WriterBench {
  test::ScratchDir dir{"writer"};
  std::map<std::string, std::vector<std::uint8_t>> content;
  std::unique_ptr<MemberTable> table;

  explicit WriterBench(const std::vector<std::pair<std::string, std::size_t>>& files) {
    table = std::make_unique<MemberTable>(MemberTable::capacity_for(files.size()), "repo", "job-1");
    std::uint32_t seed = 1;
    for (const auto& [path, size] : files) {
      content[path] = test::pseudo_random_bytes(size, seed++);
      test::write_file(dir.path / path, content[path]);
      REQUIRE(table->append(MemberInput{.source = (dir.path / path).string(), .path = path, .size = size,
                                        .kind = "full"})
                  .ok());
    }
  }

  // Runs opener, framer and writer to the end of the stream.
  WriterStats run(test::RecordingEvents& events) {
    auto ring = BlockRing::create(kBlock, 4 * kBlock);
    REQUIRE(ring.ok());
    SourceOpener opener(*table);
    TarFramer framer(*table, **ring);
    WriterConfig cfg;
    cfg.block_size = kBlock;
    TapeStreamWriter writer(cfg, *table, **ring, events.first(), events);
    opener.start();
    framer.start();
    Status st = writer.run();
    table->stop();
    (*ring)->close();
    framer.join();
    opener.join();
    INFO((st.ok() ? std::string() : st.error().message));
    REQUIRE(st.ok());
    REQUIRE(framer.error() == nullptr);
    return writer.stats();
  }

  std::size_t index_of(const std::string& path) const {
    for (std::size_t i = 0; i < table->count(); ++i)
      if (table->at(i).path == path && !table->at(i).is_manifest) return i;
    FAIL("no member " << path);
    return SIZE_MAX;
  }
};

}  // namespace

TEST_CASE("tape stream writer: whole blocks, end-of-archive and one filemark, pieces where the table placed them") {
  WriterBench b({{"vm/a.img", 5000}, {"vm/b.img", 70000}, {"vm/c.cfg", 100}});
  test::RecordingEvents ev({test::TestTapeLimits{}});
  const WriterStats st = b.run(ev);

  REQUIRE(ev.volumes.size() == 1);
  const test::TestCartridge& cart = ev.first();
  REQUIRE(cart.files.size() == 1);  // one tape file, one filemark
  CHECK(cart.current.empty());
  const auto& tf = cart.files[0];
  CHECK(tf.size() % kBlock == 0);
  CHECK(cart.blocks * kBlock == tf.size());
  CHECK(st.blocks == cart.blocks);
  CHECK(st.tape_files == 1);
  CHECK(ev.tape_files_started == 1);
  CHECK(ev.tape_files_closed == 1);
  // Durable once, for every block of the tape file (sync_at_end).
  REQUIRE_FALSE(ev.durable_calls.empty());
  CHECK(ev.durable_calls.back() == cart.blocks);

  // The stream as framed, then the two zero records, then zeros to the block.
  const std::uint64_t stream_end = b.table->at(b.table->count() - 1).end_offset;
  CHECK(std::all_of(tf.begin() + static_cast<std::ptrdiff_t>(stream_end), tf.end(),
                    [](std::uint8_t x) { return x == 0; }));
  CHECK(tf.size() - stream_end >= format::kEndOfArchiveBytes);
  CHECK(tf.size() - stream_end < format::kEndOfArchiveBytes + kBlock);

  // One piece per backup file, all on the first tape file; the manifest
  // the framer added is written but is no backup file.
  for (const char* path : {"vm/a.img", "vm/b.img", "vm/c.cfg"}) {
    INFO(path);
    const std::size_t i = b.index_of(path);
    const Member& m = b.table->at(i);
    std::vector<test::RecordedPiece> mine;
    for (const auto& p : ev.pieces)
      if (p.member == i) mine.push_back(p);
    REQUIRE(mine.size() == 1);
    const PieceInfo& p = mine[0].info;
    CHECK(p.offset == 0);
    CHECK(p.length == m.size);
    CHECK(p.volume_index == 0);
    CHECK(p.header_offset == m.preamble_offset);
    CHECK(p.first_block == m.preamble_offset / kBlock);
    CHECK(p.end_block == (m.data_offset + m.size + kBlock - 1) / kBlock);
  }
  CHECK(ev.finished.size() == 3);
  CHECK(st.manifests == 1);
  CHECK(ev.requeued.empty());

  Entries got;
  format::TarReader reader;
  REQUIRE(reader.feed(tf, got).ok());
  CHECK(reader.at_end_of_archive());
  for (const auto& [path, bytes] : b.content) {
    INFO(path);
    CHECK(got.data[path] == bytes);
  }
}

TEST_CASE("tape stream writer: early warning inside data cuts at the block, the member continues on the next cartridge") {
  // b.img's data spans blocks 1 to 12; early warning on the 4th block.
  WriterBench b({{"vm/a.img", 5000}, {"vm/b.img", 200000}, {"vm/c.cfg", 100}});
  test::RecordingEvents ev({test::TestTapeLimits{.early_warning_after = 4}, test::TestTapeLimits{}});
  const WriterStats st = b.run(ev);

  REQUIRE(ev.volumes.size() == 2);
  CHECK(st.volumes == 2);
  CHECK(st.early_warnings >= 1);
  CHECK(st.cuts_in_data == 1);
  const test::TestCartridge& first = *ev.volumes[0];
  const test::TestCartridge& second = *ev.volumes[1];
  REQUIRE(first.files.size() == 1);
  CHECK(first.blocks == 4);  // cut right after the block that warned
  REQUIRE(second.files.size() == 1);

  // Two pieces of b.img that join: the second behind the continuation.
  const std::size_t bi = b.index_of("vm/b.img");
  std::vector<test::RecordedPiece> pieces;
  for (const auto& p : ev.pieces)
    if (p.member == bi) pieces.push_back(p);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0].volume == 0);
  CHECK(pieces[1].volume == 1);
  CHECK(pieces[0].info.offset == 0);
  CHECK(pieces[0].info.volume_index == 0);
  CHECK(pieces[1].info.offset == pieces[0].info.length);
  CHECK(pieces[1].info.volume_index == 1);
  CHECK(pieces[1].info.header_offset == 0);  // the new tape file starts with it
  CHECK(pieces[0].info.length + pieces[1].info.length == 200000);
  // The cut is at the block boundary: the first piece fills the tape file.
  CHECK(b.table->at(bi).data_offset + pieces[0].info.length == 4 * kBlock);

  // The first cartridge ends inside b.img's data; the second begins with
  // its continuation and ends with a complete archive.
  Entries one;
  format::TarReader r1;
  REQUIRE(r1.feed(first.files[0], one).ok());
  const format::TarFinish end1 = r1.finish();
  CHECK(end1.end == format::TarEnd::inside_data);
  CHECK(end1.member == "vm/b.img");
  CHECK(end1.data_done == pieces[0].info.length);

  Entries two;
  format::TarReader r2;
  REQUIRE(r2.feed(second.files[0], two).ok());
  CHECK(r2.at_end_of_archive());
  REQUIRE_FALSE(two.entries.empty());
  REQUIRE(two.entries[0].continuation.has_value());
  CHECK(two.entries[0].original_path() == "vm/b.img");
  CHECK(two.entries[0].file_offset() == pieces[0].info.length);

  std::vector<std::uint8_t> joined = one.data["vm/b.img"];
  joined.insert(joined.end(), two.data["vm/b.img"].begin(), two.data["vm/b.img"].end());
  CHECK(joined == b.content["vm/b.img"]);
  CHECK(one.data["vm/a.img"] == b.content["vm/a.img"]);
  CHECK(two.data["vm/c.cfg"] == b.content["vm/c.cfg"]);
}
