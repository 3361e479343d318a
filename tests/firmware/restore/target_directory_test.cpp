// The restore target: directories beneath --to are reached without
// following a symlink, made 0700 while the restore runs and given their
// final mode (0755 less the umask) at its end; directories that existed
// are left as they are.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "firmware/restore/target_directory.hpp"
#include "firmware/format/tar_fixture.hpp"

using namespace tg;
using namespace tg::firmware::restore;
namespace fs = std::filesystem;

namespace {

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// umask for a scope (the process's: these tests create files in one thread).
struct Umask {
  mode_t old;
  explicit Umask(mode_t m) : old(::umask(m)) {}
  ~Umask() { ::umask(old); }
};

}  // namespace

TEST_CASE("directories a restore creates are 0700 until finish, then 0755 less the umask") {
  test::ScratchDir d("target-dir");
  fs::create_directories(d.path / "to/kept");
  fs::permissions(d.path / "to/kept", fs::perms(0711));
  Umask u(027);
  auto t = TargetDirectory::open(d.path / "to");
  REQUIRE(t.ok());
  CHECK((*t)->final_directory_mode() == 0750);
  auto dir = (*t)->open_parent("kept/new/deeper/file.bin", true);
  REQUIRE(dir.ok());
  CHECK(dir->valid());
  CHECK(mode_of(d.path / "to/kept/new") == 0700);
  CHECK(mode_of(d.path / "to/kept/new/deeper") == 0700);
  CHECK((*t)->finish().empty());
  CHECK(mode_of(d.path / "to/kept/new") == 0750);
  CHECK(mode_of(d.path / "to/kept/new/deeper") == 0750);
  CHECK(mode_of(d.path / "to/kept") == 0711);
}

TEST_CASE("under umask 000 created directories are 0755, the target too") {
  test::ScratchDir d("target-umask");
  Umask u(0);
  CHECK(current_umask() == 0);
  auto t = TargetDirectory::open(d.path / "made/to");
  REQUIRE(t.ok());
  REQUIRE((*t)->open_parent("a/b/file", true).ok());
  CHECK((*t)->finish().empty());
  CHECK(mode_of(d.path / "made") == 0755);
  CHECK(mode_of(d.path / "made/to") == 0755);
  CHECK(mode_of(d.path / "made/to/a") == 0755);
  CHECK(mode_of(d.path / "made/to/a/b") == 0755);
}

TEST_CASE("a symlink beneath the target is never followed") {
  test::ScratchDir d("target-links");
  fs::create_directories(d.path / "elsewhere");
  fs::create_directories(d.path / "to/a");
  fs::create_directory_symlink(d.path / "elsewhere", d.path / "to/a/sub");
  test::write_file(d.path / "to/plain", {1});
  auto t = TargetDirectory::open(d.path / "to");
  REQUIRE(t.ok());
  const std::string want = (d.path / "to/a/sub").string() + " is a symbolic link: not followed";
  for (bool create : {false, true}) {
    auto dir = (*t)->open_parent("a/sub/deeper/x", create);
    REQUIRE_FALSE(dir.ok());
    CHECK(dir.error().code == Errc::invalid_argument);
    CHECK(dir.error().message == want);
  }
  auto e = (*t)->exists("a/sub/x");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message == want);
  CHECK(fs::is_empty(d.path / "elsewhere"));   // nothing created through it

  auto file = (*t)->open_parent("plain/x", true);
  REQUIRE_FALSE(file.ok());
  CHECK(file.error().message == (d.path / "to/plain").string() + " is not a directory");

  // A symlink as the last component exists (lstat), even dangling.
  fs::create_symlink("nowhere", d.path / "to/a/dangling");
  auto dangling = (*t)->exists("a/dangling");
  REQUIRE(dangling.ok());
  CHECK(*dangling);
  auto missing = (*t)->exists("a/nothing/here");
  REQUIRE(missing.ok());
  CHECK_FALSE(*missing);
}

TEST_CASE("a created directory replaced by a symlink before the end is reported, not followed") {
  test::ScratchDir d("target-swap");
  fs::create_directories(d.path / "elsewhere");
  fs::permissions(d.path / "elsewhere", fs::perms(0700));
  auto t = TargetDirectory::open(d.path / "to");
  REQUIRE(t.ok());
  REQUIRE((*t)->open_parent("made/x", true).ok());
  fs::remove(d.path / "to/made");
  fs::create_directory_symlink(d.path / "elsewhere", d.path / "to/made");
  auto failures = (*t)->finish();
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].path == "made");
  CHECK(failures[0].reason.find("is a symbolic link: not followed") != std::string::npos);
  CHECK(mode_of(d.path / "elsewhere") == 0700);
}
