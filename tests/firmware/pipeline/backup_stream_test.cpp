// The tape format writer and pipeline against an in-memory tape, checked
// by GNU tar: every cut class (early warning inside data, inside a header,
// at a member boundary, on the last block; overflow inside data and inside
// a header; medium error), then `tar -x` / `tar -x -M` must give back every
// file with its original SHA-256, and without a single warning.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <map>
#include <thread>

#include "backup_test_tape.hpp"
#include "firmware/pipeline/backup_stream.hpp"

namespace fs = std::filesystem;
using namespace tg;
using namespace tg::firmware::pipeline;

namespace {

constexpr std::size_t kBlock = 16 * 1024;

struct SourceFile {
  std::string rel;
  std::vector<std::uint8_t> bytes;
};

struct StreamFixture {
  test::ScratchDir dir{"backup-stream"};
  std::vector<SourceFile> files;

  void add(const std::string& rel, std::size_t size, std::uint32_t seed) {
    files.push_back({rel, test::pseudo_random_bytes(size, seed)});
    test::write_file(dir.path / "repo" / rel, files.back().bytes);
  }

  std::unique_ptr<MemberTable> table(std::uint64_t manifest_interval = MemberTable::kDefaultManifestInterval) {
    auto t = std::make_unique<MemberTable>(MemberTable::capacity_for(files.size()), "repo1", "job-uuid-1",
                                           manifest_interval);
    for (auto& f : files) {
      fs::path p = dir.path / "repo" / f.rel;
      struct stat st {};
      ::stat(p.c_str(), &st);
      REQUIRE(t->append(MemberInput{.source = p.string(),
                                    .path = f.rel,
                                    .size = f.bytes.size(),
                                    .mtime = st.st_mtim.tv_sec,
                                    .group = "grp",
                                    .kind = "full"})
                  .ok());
    }
    return t;
  }
};

StreamConfig small_config() {
  StreamConfig c;
  c.writer.block_size = kBlock;
  c.ring_bytes = 8 * kBlock;
  return c;
}

// Dumps every tape file to disk, groups them into multi-volume chains (a
// tape file continues the previous one when it starts with a continuation
// piece), extracts each chain with GNU tar and compares every file.
void verify_with_gnu_tar(StreamFixture& fx, test::RecordingEvents& ev, bool allow_damaged_tail) {
  fs::path tapes = fx.dir.path / "tapes";
  fs::path out = fx.dir.path / "out";
  fs::remove_all(tapes);
  fs::remove_all(out);
  fs::create_directories(tapes);
  fs::create_directories(out);
  struct TapeFile {
    fs::path path;
    std::size_t volume, index;
    bool unterminated;
  };
  std::vector<TapeFile> all;
  for (std::size_t v = 0; v < ev.volumes.size(); ++v) {
    auto& vol = *ev.volumes[v];
    for (std::size_t f = 0; f <= vol.files.size(); ++f) {
      bool cur = f == vol.files.size();
      auto& bytes = cur ? vol.current : vol.files[f];
      if (cur && bytes.empty()) continue;
      fs::path p = tapes / ("v" + std::to_string(v) + "f" + std::to_string(f) + ".tar");
      test::write_file(p, bytes);
      all.push_back({p, v, f, cur});
    }
  }
  auto continues = [&](const TapeFile& t) {
    for (auto& p : ev.pieces)
      if (p.volume == t.volume && p.tape_file == t.index && p.info.volume_index > 0 && p.info.header_offset == 0)
        return true;
    return false;
  };
  std::vector<std::vector<TapeFile>> chains;
  for (auto& t : all) {
    if (!chains.empty() && continues(t)) chains.back().push_back(t);
    else chains.push_back({t});
  }
  for (auto& c : chains) {
    std::string cmd = "cd " + out.string() + " && tar -x";
    if (c.size() > 1) cmd += " -M";
    for (auto& t : c) cmd += " -f " + t.path.string();
    auto r = test::run_shell(cmd);
    bool damaged_ok = allow_damaged_tail || c.back().unterminated;
    INFO(cmd << "\n" << r.output);
    if (!damaged_ok) {
      CHECK(r.status == 0);
      CHECK(r.output.empty());  // not even "unknown keyword" warnings
    }
  }
  for (auto& f : fx.files) {
    INFO("file " << f.rel);
    auto got = test::read_file(out / f.rel);
    REQUIRE(fs::exists(out / f.rel));
    CHECK(got.size() == f.bytes.size());
    CHECK(test::sha256_hex(got) == test::sha256_hex(f.bytes));
  }
  // TAPEGATE-2: the manifests that came with the tape files verify every
  // extracted file with coreutils alone, and list every file.
  auto check = test::run_shell("cd " + out.string() +
                               " && sha256sum -c --strict --ignore-missing tapegate-manifest/*/*.sha256");
  INFO(check.output);
  CHECK(check.status == 0);
  auto listed = test::run_shell("cd " + out.string() + " && cat tapegate-manifest/*/*.sha256");
  for (auto& f : fx.files) CHECK_THAT(listed.output, Catch::Contains("  " + f.rel + "\n"));
}

// Every original file has exactly one attempt that finished, hashed right
// and was not given up.
void verify_events(MemberTable& t, std::size_t originals, test::RecordingEvents& ev) {
  std::map<std::uint32_t, int> good;
  for (std::size_t m : ev.finished) {
    Member& mm = t.at(m);
    if (mm.outcome.load() == MemberOutcome::ok && !mm.w_abandoned) good[mm.origin]++;
  }
  for (std::uint32_t i = 0; i < originals; ++i) {
    INFO("member " << i << " " << t.at(i).path);
    CHECK(good[i] == 1);
  }
}

void add_mixed_files(StreamFixture& fx) {
  // Sizes chosen so headers straddle 16 KiB block boundaries at various
  // places: empty, tiny, exactly one record, multi-block, block-aligned.
  // 14336: the first member ends 512 bytes before the first 16 KiB block
  // boundary, so the second member's headers straddle it.
  std::size_t sizes[] = {14336, 0, 1, 511, 512, 5000, 40000, 100000, 49152, 3000, 70000};
  std::uint32_t seed = 1;
  for (std::size_t s : sizes) {
    fx.add("vm-" + std::to_string(seed) + "/disk-" + std::to_string(s) + ".img", s, seed);
    ++seed;
  }
}

}  // namespace

TEST_CASE("single cartridge stream extracts with GNU tar, no warnings") {
  StreamFixture fx;
  add_mixed_files(fx);
  auto t = fx.table();
  test::RecordingEvents ev(std::vector<test::TestTapeLimits>{test::TestTapeLimits{}});
  auto r = run_backup_stream(small_config(), *t, ev.first(), ev);
  REQUIRE(r.ok());
  CHECK(ev.volumes.size() == 1);
  CHECK(ev.first().files.size() == 1);   // one tape file, one filemark
  CHECK(ev.first().current.empty());
  CHECK(ev.first().files[0].size() % kBlock == 0);
  // Sparse syncs: the filemark that closes the tape file is the only one.
  CHECK(r->writer.flushes == 0);
  CHECK(r->writer.manifests == 1);
  CHECK(r->framer.changed == 0);
  verify_events(*t, fx.files.size(), ev);
  verify_with_gnu_tar(fx, ev, false);
  // The manifest is a member tar lists like any other.
  auto listing = test::run_shell("tar --xattrs -tvvf " + (fx.dir.path / "tapes" / "v0f0.tar").string());
  CHECK(listing.status == 0);
}

TEST_CASE("every early-warning and overflow position: GNU tar joins the pieces") {
  WriterStats total;
  for (std::size_t k = 1; k <= 22; ++k) {
    for (int mode = 0; mode < 3; ++mode) {
      if (mode == 2 && k % 4 != 1) continue;  // a sample is enough for the EW+overflow combination
      // mode 0: early warning after k blocks; 1: overflow after k blocks
      // (no early warning, as tgt behaves); 2: early warning then overflow
      // on the very next block.
      test::TestTapeLimits lim;
      if (mode == 0) lim.early_warning_after = k;
      if (mode == 1) lim.capacity = k;
      if (mode == 2) lim.early_warning_after = k, lim.capacity = k + 1;
      {
        INFO("k=" << k << " mode=" << mode);
        StreamFixture fx;
        add_mixed_files(fx);
        auto t = fx.table();
        test::RecordingEvents ev({lim, lim, lim, lim});
        auto r = run_backup_stream(small_config(), *t, ev.first(), ev);
        REQUIRE(r.ok());
        total.cuts_in_data += r->writer.cuts_in_data;
        total.cuts_at_boundary += r->writer.cuts_at_boundary;
        total.ew_in_header += r->writer.ew_in_header;
        total.header_rewrites += r->writer.header_rewrites;
        verify_events(*t, fx.files.size(), ev);
        verify_with_gnu_tar(fx, ev, r->writer.header_rewrites > 0);
      }
    }
  }
  // The sweep really covered every cut class.
  CHECK(total.cuts_in_data > 0);
  CHECK(total.cuts_at_boundary > 0);
  CHECK(total.ew_in_header > 0);
  CHECK(total.header_rewrites > 0);
}

TEST_CASE("a file spanning three cartridges is joined by tar -M") {
  StreamFixture fx;
  fx.add("big.vma", 600000, 7);
  fx.add("after.txt", 100, 8);
  auto t = fx.table();
  test::TestTapeLimits lim{.early_warning_after = 12};
  test::RecordingEvents ev({lim, lim, lim, lim, lim});
  auto r = run_backup_stream(small_config(), *t, ev.first(), ev);
  REQUIRE(r.ok());
  CHECK(ev.volumes.size() >= 3);
  CHECK(r->writer.cuts_in_data >= 2);
  std::uint64_t covered = 0;
  for (auto& p : ev.pieces)
    if (p.member == 0) {
      CHECK(p.info.offset == covered);  // pieces are contiguous: no byte lost or written twice
      covered += p.info.length;
    }
  CHECK(covered == 600000);
  verify_events(*t, fx.files.size(), ev);
  verify_with_gnu_tar(fx, ev, false);
}

TEST_CASE("a medium error rewrites every uncommitted file on the next cartridge") {
  StreamFixture fx;
  add_mixed_files(fx);
  auto t = fx.table();
  test::TestTapeLimits bad{.medium_error_at = 9};
  test::RecordingEvents ev(std::vector<test::TestTapeLimits>{bad, test::TestTapeLimits{}});
  auto r = run_backup_stream(small_config(), *t, ev.first(), ev);
  REQUIRE(r.ok());
  CHECK(r->writer.medium_errors == 1);
  CHECK(!ev.requeued.empty());
  CHECK(ev.volumes.size() == 2);
  verify_events(*t, fx.files.size(), ev);
  verify_with_gnu_tar(fx, ev, false);
}

TEST_CASE("a medium error after the framer drained: retries it framed early are still written") {
  // The framer has framed every member and published its drain slot before
  // the medium error; the cartridge change below waits until the framer has
  // also framed every retry. The writer must not take that drain slot (seen
  // after the retries were framed) for the end of the stream.
  StreamFixture fx;
  add_mixed_files(fx);
  auto t = fx.table();
  struct WaitForFramer : test::RecordingEvents {
    using RecordingEvents::RecordingEvents;
    MemberTable* table = nullptr;
    std::size_t originals = 0;
    Status member_started(std::size_t m) override {
      // Hold the writer at its first block until the framer has drained.
      if (m == 0)
        while (table->framer_idle_at() == SIZE_MAX) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return RecordingEvents::member_started(m);
    }
    Result<BlockSink*> next_volume(VolumeEnd why, const Error* e) override {
      if (why == VolumeEnd::failed)
        while (table->framed() != table->count()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return RecordingEvents::next_volume(why, e);
    }
  };
  test::TestTapeLimits bad{.medium_error_at = 14};
  WaitForFramer ev(std::vector<test::TestTapeLimits>{bad, test::TestTapeLimits{}});
  ev.table = t.get();
  ev.originals = fx.files.size();
  StreamConfig c = small_config();
  c.ring_bytes = 64 * kBlock;  // room for the whole stream and its retries: the framer never waits
  auto r = run_backup_stream(c, *t, ev.first(), ev);
  REQUIRE(r.ok());
  CHECK(r->writer.medium_errors == 1);
  REQUIRE(!ev.requeued.empty());
  verify_events(*t, fx.files.size(), ev);
  verify_with_gnu_tar(fx, ev, false);
}

TEST_CASE("a second medium error while writing through the staging block loses nothing") {
  // After the first medium error the writer skips to the next member
  // boundary, which lies inside a ring slot: from there on the stream is
  // written through the staging block. The second cartridge fails in that
  // mode; the bytes staged after the failed write must not start the third
  // cartridge's tape file.
  for (std::size_t second = 1; second <= 8; ++second) {
    INFO("second medium error at block " << second);
    StreamFixture fx;
    add_mixed_files(fx);
    auto t = fx.table();
    test::TestTapeLimits bad1{.medium_error_at = 9}, bad2{.medium_error_at = second};
    test::RecordingEvents ev(std::vector<test::TestTapeLimits>{bad1, bad2, test::TestTapeLimits{}});
    auto r = run_backup_stream(small_config(), *t, ev.first(), ev);
    REQUIRE(r.ok());
    CHECK(r->writer.medium_errors == 2);
    CHECK(r->writer.staged_blocks > 0);
    verify_events(*t, fx.files.size(), ev);
    verify_with_gnu_tar(fx, ev, false);
  }
}

TEST_CASE("tape files are closed at a member boundary after tape_file_bytes") {
  StreamFixture fx;
  add_mixed_files(fx);
  // A manifest after every ~40 KB of files: a tape file closed for its size
  // ends right after one, so each tape file verifies on its own.
  auto t = fx.table(40000);
  test::RecordingEvents ev(std::vector<test::TestTapeLimits>{test::TestTapeLimits{}});
  StreamConfig c = small_config();
  c.writer.tape_file_bytes = 2 * kBlock;
  auto r = run_backup_stream(c, *t, ev.first(), ev);
  REQUIRE(r.ok());
  CHECK(ev.first().files.size() >= 4);
  CHECK(ev.tape_files_started == ev.first().files.size());
  for (auto& tf : ev.first().files) {
    // The last member of every tape file is a manifest.
    std::string text(tf.begin(), tf.end());
    auto last_x = text.rfind("tapegate.kind=");
    REQUIRE(last_x != std::string::npos);
    CHECK(text.compare(last_x, 22, "tapegate.kind=manifest") == 0);
  }
  verify_with_gnu_tar(fx, ev, false);
}

TEST_CASE("sync_bytes: a flush after the files once that much was written, none before") {
  for (std::uint64_t sync : {std::uint64_t{0}, std::uint64_t{64 * 1024}}) {
    INFO("sync_bytes " << sync);
    StreamFixture fx;
    add_mixed_files(fx);
    auto t = fx.table();
    test::RecordingEvents ev(std::vector<test::TestTapeLimits>{test::TestTapeLimits{}});
    StreamConfig c = small_config();
    c.writer.sync_bytes = sync;
    auto r = run_backup_stream(c, *t, ev.first(), ev);
    REQUIRE(r.ok());
    // The stream is ~290 KB in 16 KiB blocks: a flush after each block in
    // which files ended (several small ones share one), or about every 64 KiB.
    if (sync == 0) CHECK(r->writer.flushes >= 5);
    else CHECK((r->writer.flushes >= 2 && r->writer.flushes <= 5));
    // Every durable point commits whole blocks in order.
    for (std::size_t i = 1; i < ev.durable_calls.size(); ++i) CHECK(ev.durable_calls[i] >= ev.durable_calls[i - 1]);
    verify_events(*t, fx.files.size(), ev);
  }
}

// The backup job's catalog copy follows the stream at once, and its sync
// covers the stream's last tape file too: that file ends with a buffered
// filemark, no stop, and is not reported durable.
TEST_CASE("sync_at_end false: the last tape file ends with a buffered filemark and waits for the caller's sync") {
  StreamFixture fx;
  add_mixed_files(fx);
  auto t = fx.table();
  test::RecordingEvents ev(std::vector<test::TestTapeLimits>{test::TestTapeLimits{}});
  StreamConfig c = small_config();
  c.writer.sync_at_end = false;
  auto r = run_backup_stream(c, *t, ev.first(), ev);
  REQUIRE(r.ok());
  REQUIRE(ev.volumes.size() == 1);
  const auto& cart = *ev.volumes[0];
  CHECK(cart.flushes == 0);
  CHECK(cart.buffered_filemarks == 1);
  REQUIRE(cart.files.size() == 1);
  CHECK(ev.tape_files_closed == 1);
  CHECK(r->writer.unsynced_blocks == cart.blocks);
  CHECK(r->writer.unsynced_blocks > 0);
  CHECK(ev.durable_calls.empty());  // the sparse-sync defaults never fired on 300 KB
  verify_events(*t, fx.files.size(), ev);
  verify_with_gnu_tar(fx, ev, false);
}

TEST_CASE("sync_at_end false at early warning: the last tape file is synced, a cartridge change follows") {
  StreamFixture fx;
  add_mixed_files(fx);
  auto t = fx.table();
  // Early warning on the stream's last block (about 19 blocks of 16 KiB).
  test::RecordingEvents ev(std::vector<test::TestTapeLimits>{test::TestTapeLimits{.early_warning_after = 10}});
  StreamConfig c = small_config();
  c.writer.sync_at_end = false;
  auto r = run_backup_stream(c, *t, ev.first(), ev);
  REQUIRE(r.ok());
  REQUIRE(ev.volumes.size() >= 2);
  // Whatever ended the stream, nothing on a cartridge that was changed
  // is left unsynced: only the last cartridge's last file may be.
  for (std::size_t v = 0; v + 1 < ev.volumes.size(); ++v) CHECK(ev.volumes[v]->buffered_filemarks == 0);
  CHECK(r->writer.unsynced_blocks <= ev.volumes.back()->blocks);
  verify_events(*t, fx.files.size(), ev);
  verify_with_gnu_tar(fx, ev, false);
}

TEST_CASE("a file that changes while it is copied is never committed and is retried once") {
  StreamFixture fx;
  add_mixed_files(fx);
  auto t = fx.table();
  // Member 7 (100,000 bytes) is touched while the writer writes its header:
  // with a ring of two blocks the framer is then inside its data, so its
  // ctime changes between open and the end of the copy (GNU tar's rule).
  struct TouchAtStart : test::RecordingEvents {
    using RecordingEvents::RecordingEvents;
    fs::path file;
    bool touched = false;
    Status member_started(std::size_t m) override {
      if (m == 7 && !touched) {
        struct timespec ts[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
        touched = ::utimensat(AT_FDCWD, file.c_str(), ts, 0) == 0;
      }
      return RecordingEvents::member_started(m);
    }
  };
  TouchAtStart ev(std::vector<test::TestTapeLimits>{test::TestTapeLimits{}});
  ev.file = fx.dir.path / "repo" / fx.files[7].rel;
  StreamConfig c = small_config();
  c.ring_bytes = 2 * kBlock;
  auto r = run_backup_stream(c, *t, ev.first(), ev);
  REQUIRE(r.ok());
  REQUIRE(ev.touched);
  CHECK(r->framer.changed == 1);
  CHECK(t->at(7).outcome.load() == MemberOutcome::changed);
  CHECK_THAT(t->at(7).outcome_detail, Catch::Contains("modified while being copied"));
  std::size_t retry = SIZE_MAX;
  for (std::size_t i = fx.files.size(); i < t->count(); ++i)
    if (!t->at(i).is_manifest) retry = i;
  REQUIRE(retry != SIZE_MAX);
  CHECK(t->at(retry).origin == 7);
  CHECK(t->at(retry).outcome.load() == MemberOutcome::ok);
  verify_events(*t, fx.files.size(), ev);
  verify_with_gnu_tar(fx, ev, false);
}

TEST_CASE("cancellation closes the tape file with a filemark") {
  StreamFixture fx;
  add_mixed_files(fx);
  auto t = fx.table();
  struct CancelAfterFlushes : test::RecordingEvents {
    using RecordingEvents::RecordingEvents;
    bool cancelled() override { return durable_calls.size() >= 3; }
  } ev(std::vector<test::TestTapeLimits>{test::TestTapeLimits{}});
  StreamConfig c = small_config();
  c.writer.sync_bytes = 0;  // a sync after every file
  auto r = run_backup_stream(c, *t, ev.first(), ev);
  REQUIRE(!r.ok());
  CHECK(r.error().code == Errc::cancelled);
  CHECK(ev.first().current.empty());     // nothing left after the last filemark
  CHECK(ev.first().files.size() == 1);
  CHECK(ev.tape_files_closed == 1);
}

TEST_CASE("a block size below 16 KiB is refused") {
  StreamFixture fx;
  fx.add("a", 10, 1);
  auto t = fx.table();
  test::RecordingEvents ev(std::vector<test::TestTapeLimits>{test::TestTapeLimits{}});
  StreamConfig c = small_config();
  c.writer.block_size = 4096;
  auto r = run_backup_stream(c, *t, ev.first(), ev);
  REQUIRE(!r.ok());
  CHECK(r.error().code == Errc::invalid_argument);
}
