// run_restore on archives written by GNU tar (an independent writer of
// modes and owners): a symlink planted inside --to is never followed, with
// or without --overwrite, and the file is a named failure; files get the
// mode and owner of their tape header; directories the restore makes are
// 0755 less the umask, never 0777.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "firmware/format/sha256.hpp"
#include "firmware/restore/restore_job.hpp"
#include "firmware/restore/tape_file_scanner.hpp"
#include "firmware/restore/memory_tape.hpp"
#include "firmware/format/tar_fixture.hpp"
#include "firmware/restore/file_stat_fixture.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::restore;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kBlock = 10240;

using test::stat_of;
using Stat = test::FileStat;

// Files archived by GNU tar onto one cartridge of an in-memory library,
// and the plan a catalog would give for them.
struct TarTape {
  test::ScratchDir dir{"restore-job"};
  test::MemoryLibrary lib;
  RestorePlan plan;
  std::map<std::string, std::vector<std::uint8_t>> originals;

  fs::path src() const { return dir.path / "src"; }
  fs::path to() const { return dir.path / "to"; }

  void add(const std::string& rel, std::vector<std::uint8_t> bytes, mode_t mode = 0644, uid_t uid = 0, gid_t gid = 0) {
    test::write_file(src() / rel, bytes);
    REQUIRE(::chown((src() / rel).c_str(), uid, gid) == 0);
    REQUIRE(::chmod((src() / rel).c_str(), mode) == 0);
    originals[rel] = std::move(bytes);
  }

  void archive() {
    std::string list;
    for (auto& [p, b] : originals) list += " '" + p + "'";
    REQUIRE(test::run_in(src(), "tar -c --format=pax -f ../files.tar" + list) == 0);
    test::write_file(dir.path / "TAPEGATE.LABEL", {'x', '\n'});
    REQUIRE(test::run_in(dir.path, "tar -c --format=pax -f label.tar TAPEGATE.LABEL") == 0);
    auto& tape = lib.tapes["TP0001L9"];
    tape.append_file(test::read_file(dir.path / "label.tar"), kBlock);
    std::uint64_t first = tape.append_file(test::read_file(dir.path / "files.tar"), kBlock);
    tape.pos = first;
    std::vector<std::uint8_t> buffer(kBlock);
    auto scan = scan_tape_file(tape, buffer, 1, first);
    REQUIRE(scan.ok());
    REQUIRE_FALSE(scan->error);
    for (auto& m : scan->members) {
      PlannedFile pf;
      pf.file.path = m.entry.path;
      pf.file.size = m.entry.size;
      pf.file.mtime = m.entry.mtime;
      pf.file.sha256 = format::sha256_hex(originals.at(m.entry.path));
      pf.file.on_tape = true;
      catalog::PieceLocation loc;
      loc.piece.offset = 0;
      loc.piece.length = m.length;
      loc.piece.first_block = m.first_block;
      loc.piece.end_block = m.end_block;
      loc.piece.header_offset = m.header_offset;
      loc.cartridge = "TP0001L9";
      loc.media_set = "set-1";
      loc.sequence = 1;
      loc.file_number = 1;
      loc.tape_file_first_block = first;
      pf.pieces.push_back(loc);
      plan.files.push_back(pf);
    }
    plan.description = "test";
    REQUIRE(plan.files.size() == originals.size());
  }

  RunReport restore(RestoreOptions options) {
    test::RecordingContext ctx;
    auto r = run_restore(plan, lib, ctx, options);
    if (!r) FAIL(r.error().message);
    return *r;
  }
};

}  // namespace

TEST_CASE("a directory symlink inside --to is not followed, with or without --overwrite") {
  for (bool overwrite : {false, true}) {
    INFO("overwrite " << overwrite);
    TarTape t;
    t.add("sub/x", {'t', 'a', 'p', 'e'});
    t.add("sub/new", {'n'});
    t.add("other/y", {'y'});
    t.archive();
    // DIR/sub -> /elsewhere, where a file x of someone else's lives.
    fs::create_directories(t.to());
    fs::create_directories(t.dir.path / "elsewhere");
    test::write_file(t.dir.path / "elsewhere/x", {'m', 'i', 'n', 'e'});
    fs::create_directory_symlink(t.dir.path / "elsewhere", t.to() / "sub");

    auto report = t.restore(RestoreOptions{.target = t.to(), .overwrite = overwrite});
    CHECK_FALSE(report.ok());
    REQUIRE(report.failures.size() == 2);
    const std::string why = (t.to() / "sub").string() + " is a symbolic link: not followed";
    for (auto& f : report.failures) {
      INFO(f.path << ": " << f.error);
      CHECK((f.path == "sub/x" || f.path == "sub/new"));
      CHECK(f.error.find(why) != std::string::npos);
    }
    // Outside stays as it was: the same file, nothing added.
    CHECK(test::read_file(t.dir.path / "elsewhere/x") == std::vector<std::uint8_t>{'m', 'i', 'n', 'e'});
    CHECK(std::distance(fs::directory_iterator(t.dir.path / "elsewhere"), fs::directory_iterator()) == 1);
    CHECK(fs::is_symlink(t.to() / "sub"));
    // The rest of the restore went on.
    CHECK(report.files_ok == 1);
    CHECK(test::read_file(t.to() / "other/y") == std::vector<std::uint8_t>{'y'});
  }
}

TEST_CASE("files get the mode and owner of their tape header") {
  TarTape t;
  t.add("home/secret.key", {1, 2, 3}, 0600, 1234, 2345);
  t.add("bin/tool", {4}, 04755, 1234, 1234);
  t.add("srv/shared", {5}, 0664, 0, 0);
  t.archive();
  // As root (the tests run as root) owners are restored by default.
  auto report = t.restore(RestoreOptions{.target = t.to()});
  INFO(report.summary());
  REQUIRE(report.ok());
  Stat secret = stat_of(t.to() / "home/secret.key");
  CHECK(secret.mode == 0600);
  CHECK(secret.uid == 1234);
  CHECK(secret.gid == 2345);
  CHECK(secret.mtime == stat_of(t.src() / "home/secret.key").mtime);
  Stat tool = stat_of(t.to() / "bin/tool");
  CHECK(tool.mode == 04755);
  CHECK(tool.uid == 1234);
  CHECK(stat_of(t.to() / "srv/shared").mode == 0664);
}

TEST_CASE("a setuid file of another user never gets setuid when owners are not restored") {
  TarTape t;
  t.add("bin/tool", {4}, 04755, 1234, 1234);
  t.add("home/secret.key", {1}, 0600, 1234, 1234);
  t.archive();
  auto report = t.restore(RestoreOptions{.target = t.to(), .restore_owners = false});
  REQUIRE(report.ok());
  Stat tool = stat_of(t.to() / "bin/tool");
  CHECK(tool.mode == 0755);
  CHECK(tool.uid == ::geteuid());
  Stat secret = stat_of(t.to() / "home/secret.key");
  CHECK(secret.mode == 0600);
  CHECK(secret.uid == ::geteuid());
}

TEST_CASE("under umask 000 the directories a restore makes are 0755, not 0777") {
  TarTape t;
  t.add("a/b/file", {1});
  t.archive();
  mode_t old = ::umask(0);
  auto report = t.restore(RestoreOptions{.target = t.to()});
  ::umask(old);
  REQUIRE(report.ok());
  CHECK(stat_of(t.to()).mode == 0755);
  CHECK(stat_of(t.to() / "a").mode == 0755);
  CHECK(stat_of(t.to() / "a/b").mode == 0755);
}
