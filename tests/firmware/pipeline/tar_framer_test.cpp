// The framer alone, between a scripted opener and a consumer that reads the
// ring: it turns the member table into one continuous pax stream (preamble,
// data, zero padding) whose offsets it records in the table, skips what
// could not be opened, marks a file that shrank or was touched while copied
// `changed` and appends one retry of it, sizes each manifest from the lines
// it will list, and ends with a drain slot at a member boundary.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "firmware/format/sha256_manifest.hpp"
#include "firmware/format/tar_fixture.hpp"
#include "firmware/format/tar_reader.hpp"
#include "firmware/pipeline/tar_framer.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::pipeline;

namespace {

constexpr std::size_t kSlot = 4096;

// How the scripted opener presents a file's first attempt.
enum class Script { ok, refuse, shrinks, touched };

std::int64_t ns(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

// Does what SourceOpener does for one member, or lies about it as scripted:
// a file that "shrinks" is announced 1000 bytes longer than it is, a
// "touched" one with an mtime the file no longer has.
void open_scripted(Member& m, Script s) {
  if (m.is_manifest) {
    m.open_state.store(OpenState::ready);
    return;
  }
  if (s == Script::refuse) {
    m.outcome_detail = "vanished after the repository was scanned";
    m.open_state.store(OpenState::failed);
    return;
  }
  // On the opener's thread: no REQUIRE here (Catch asserts on the test's
  // thread only); a failure shows as a skipped member in the checks.
  int fd = ::open(m.source.data(), O_RDONLY | O_CLOEXEC);  // NUL-terminated (TextArena)
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    if (fd >= 0) ::close(fd);
    m.outcome_detail = "test setup: cannot open " + std::string(m.source);
    m.open_state.store(OpenState::failed);
    return;
  }
  m.size = static_cast<std::uint64_t>(st.st_size) + (s == Script::shrinks ? 1000 : 0);
  m.opened_mtime_ns = ns(st.st_mtim) - (s == Script::touched ? 1 : 0);
  m.opened_ctime_ns = ns(st.st_ctim);
  m.fd = fd;
  m.open_state.store(OpenState::ready);
}

struct Captured final : format::TarEvents {
  std::vector<format::TarEntry> entries;
  std::map<std::string, std::vector<std::uint8_t>> data;
  Status on_entry(const format::TarEntry& e) override {
    entries.push_back(e);
    data[e.path].clear();  // a retry's copy replaces the first attempt's
    return {};
  }
  Status on_data(std::span<const std::uint8_t> b) override {
    auto& d = data[entries.back().path];
    d.insert(d.end(), b.begin(), b.end());
    return {};
  }
  Status on_entry_end() override { return {}; }
};

}  // namespace

TEST_CASE("tar framer: members, skips, changed files and their retries, manifests, then a drain") {
  test::ScratchDir dir("framer");
  struct Source {
    std::string path;
    std::size_t size;
    Script script;
  };
  const std::vector<Source> sources = {{"vm-1/disk.img", 10000, Script::ok},
                                       {"vm-1/gone.img", 100, Script::refuse},
                                       {"vm-2/empty", 0, Script::ok},
                                       {"vm-2/shrinks.img", 3000, Script::shrinks},
                                       {"vm-3/touched.img", 700, Script::touched},
                                       {"vm-3/tail", 511, Script::ok}};
  std::map<std::string, std::vector<std::uint8_t>> content;
  MemberTable t(MemberTable::capacity_for(sources.size()), "repo", "job-1");
  std::vector<Script> script;
  for (std::size_t k = 0; k < sources.size(); ++k) {
    const auto& s = sources[k];
    content[s.path] = test::pseudo_random_bytes(s.size, static_cast<std::uint32_t>(k + 1));
    if (s.script != Script::refuse) test::write_file(dir.path / s.path, content[s.path]);
    REQUIRE(t.append(MemberInput{.source = (dir.path / s.path).string(), .path = s.path, .size = s.size,
                                 .kind = "full"})
                .ok());
    script.push_back(s.script);
  }

  auto ring = BlockRing::create(kSlot, 4 * kSlot);
  REQUIRE(ring.ok());
  BlockRing& r = **ring;
  // The opener: first attempts as scripted, retries and manifests plainly.
  std::thread opener([&] {
    for (std::size_t i = 0;; ++i) {
      t.wait_for_members(i);
      if (t.stopped()) return;
      open_scripted(t.at(i), i < script.size() ? script[i] : Script::ok);
      t.notify_open();
    }
  });
  TarFramer framer(t, r);
  framer.start();

  // The writer's side: slots in stream order until the drain that ends it.
  std::vector<std::uint8_t> stream;
  std::size_t drains = 0;
  for (;;) {
    long i = r.acquire_full(false);
    REQUIRE(i >= 0);
    const SlotInfo info = r.info(static_cast<std::size_t>(i));
    CHECK(info.stream_offset == stream.size());
    auto slot = r.slot(static_cast<std::size_t>(i));
    stream.insert(stream.end(), slot.begin(), slot.begin() + static_cast<std::ptrdiff_t>(info.length));
    r.release(static_cast<std::size_t>(i));
    if (!info.drain) {
      CHECK(info.length == kSlot);  // only a drain publishes a partial slot
      continue;
    }
    ++drains;
    // Only the writer appends after a drain: this one ends the stream.
    if (info.members_at_drain == t.count()) break;
  }
  t.stop();
  r.close();
  framer.join();
  opener.join();
  REQUIRE(framer.error() == nullptr);
  CHECK(drains == 1);
  CHECK(stream.size() % format::kRecordSize == 0);

  // The table: skips take no bytes, changed members get one retry each.
  const std::size_t n = t.count();
  REQUIRE(n == sources.size() + 2 + 1);  // two retries and the manifest of everything
  const Member& gone = t.at(1);
  CHECK(gone.outcome.load() == MemberOutcome::skipped);
  CHECK(gone.outcome_detail == "vanished after the repository was scanned");
  CHECK(gone.preamble_offset == gone.end_offset);
  CHECK(t.at(3).outcome.load() == MemberOutcome::changed);
  CHECK_THAT(t.at(3).outcome_detail, Catch::Contains("shrank to 3000 bytes"));
  CHECK(t.at(4).outcome.load() == MemberOutcome::changed);
  CHECK_THAT(t.at(4).outcome_detail, Catch::Contains("modified while being copied"));
  const Member& retry_shrunk = t.at(6);
  const Member& retry_touched = t.at(7);
  CHECK(retry_shrunk.path == "vm-2/shrinks.img");
  CHECK(retry_shrunk.origin == 3);
  CHECK(retry_shrunk.attempt == 2);
  CHECK(retry_touched.origin == 4);
  for (std::size_t i : {0, 2, 5, 6, 7}) {
    INFO(t.at(i).path);
    CHECK(t.at(i).outcome.load() == MemberOutcome::ok);
    CHECK(t.at(i).fd == -1);  // the framer closed it
  }
  const Member& manifest = t.at(8);
  REQUIRE(manifest.is_manifest);
  CHECK(manifest.list_from == 0);
  CHECK(manifest.list_to == 8);
  // One line per member that reached the stream (the skipped one has none).
  std::uint64_t lines = 0;
  for (std::size_t i = 0; i < 8; ++i)
    if (i != 1) lines += format::manifest_line_length(t.at(i).path);
  CHECK(manifest.size == lines);

  // Offsets are contiguous: each member begins where the one before ended.
  std::uint64_t at = 0;
  for (std::size_t i = 0; i < n; ++i) {
    INFO(t.at(i).path);
    CHECK(t.at(i).preamble_offset == at);
    if (t.at(i).outcome.load() == MemberOutcome::skipped) CHECK(t.at(i).end_offset == at);
    else CHECK(t.at(i).end_offset == t.at(i).data_offset + format::padded_to_record(t.at(i).size));
    at = t.at(i).end_offset;
  }
  CHECK(at == stream.size());

  // GNU-compatible pax as our reader sees it: every framed member in order,
  // the data where the table says, the bytes of the files.
  stream.resize(stream.size() + format::kEndOfArchiveBytes, 0);
  format::TarReader reader;
  Captured got;
  REQUIRE(reader.feed(stream, got).ok());
  CHECK(reader.at_end_of_archive());
  REQUIRE(got.entries.size() == n - 1);  // all but the skipped one
  std::size_t e = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i == 1) continue;
    INFO(t.at(i).path);
    CHECK(got.entries[e].path == t.at(i).path);
    CHECK(got.entries[e].preamble_offset == t.at(i).preamble_offset);
    CHECK(got.entries[e].header_offset + format::kRecordSize == t.at(i).data_offset);
    CHECK(got.entries[e].size == t.at(i).size);
    ++e;
  }
  for (const char* p : {"vm-1/disk.img", "vm-2/empty", "vm-3/tail"}) {
    INFO(p);
    CHECK(got.data[p] == content[p]);
  }
  // The shrunk copy: what the file had, then zeros up to the size its
  // header promised. Its retry, read last, carries the file whole.
  const Member& shrunk = t.at(3);
  REQUIRE(shrunk.size == 4000);
  const auto* d = stream.data() + shrunk.data_offset;
  CHECK(std::vector<std::uint8_t>(d, d + 3000) == content["vm-2/shrinks.img"]);
  CHECK(std::vector<std::uint8_t>(d + 3000, d + 4000) == std::vector<std::uint8_t>(1000, 0));
  CHECK(got.data["vm-2/shrinks.img"] == content["vm-2/shrinks.img"]);
  CHECK(got.data["vm-3/touched.img"] == content["vm-3/touched.img"]);
  // The manifest's data is left to the hasher: zeros here.
  const std::string mpath = format::manifest_member_name("job-1", 1);
  REQUIRE(got.data.count(mpath) == 1);
  CHECK(got.data[mpath] == std::vector<std::uint8_t>(lines, 0));

  const FramerStats st = framer.stats();
  CHECK(st.members_framed == 7);
  CHECK(st.skipped == 1);
  CHECK(st.changed == 2);
  CHECK(st.read_errors == 0);
  CHECK(st.manifests == 1);
  CHECK(st.stream_bytes == stream.size() - format::kEndOfArchiveBytes);
}
