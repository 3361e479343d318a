// The opener refuses what the scan did not see: a symbolic link, FIFO or
// another file swapped in at a backup file's path after the scan. A FIFO
// never hangs it (it used to hang the job, beyond the reach of cancel).
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "firmware/pipeline/source_opener.hpp"

namespace fs = std::filesystem;
using namespace tg::firmware::pipeline;

namespace {

struct Scratch {
  fs::path path = fs::temp_directory_path() / ("tg-opener-" + std::to_string(::getpid()));
  Scratch() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
};

SourceIdentity identity_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace

TEST_CASE("the opener opens regular files and refuses links, FIFOs and replaced files") {
  Scratch d;
  std::ofstream(d.path / "plain") << "hello";
  std::ofstream(d.path / "secret") << "root only";
  std::ofstream(d.path / "victim") << "scanned";
  std::ofstream(d.path / "replaced") << "old";
  const SourceIdentity victim = identity_of(d.path / "victim");
  const SourceIdentity old_replaced = identity_of(d.path / "replaced");
  // After the scan: victim becomes a link to the secret, another becomes a
  // FIFO, `replaced` another file with the same name.
  fs::remove(d.path / "victim");
  fs::create_symlink(d.path / "secret", d.path / "victim");
  REQUIRE(::mkfifo((d.path / "fifo").c_str(), 0600) == 0);
  fs::rename(d.path / "replaced", d.path / "replaced.old");  // kept: its inode is not reused
  std::ofstream(d.path / "other") << "new content, grown";
  fs::rename(d.path / "other", d.path / "replaced");

  MemberTable t(16, "repo", "job");
  auto add = [&](const char* name, SourceIdentity id) {
    REQUIRE(t.append(MemberInput{.source = (d.path / name).string(), .path = name, .size = 5, .kind = "full",
                                 .identity = id})
                .ok());
  };
  add("plain", identity_of(d.path / "plain"));
  add("victim", victim);
  add("fifo", {});
  add("replaced", old_replaced);
  add("missing", {});
  SourceOpener opener(t);
  opener.start();
  for (std::size_t i = 0; i < 5; ++i) t.wait_open(i);
  t.stop();
  CHECK(t.at(0).open_state.load() == OpenState::ready);
  CHECK(t.at(0).fd >= 0);
  CHECK(t.at(0).size == 5);
  CHECK(t.at(1).open_state.load() == OpenState::failed);
  CHECK_THAT(t.at(1).outcome_detail, Catch::Contains("symbolic link"));
  CHECK(t.at(2).open_state.load() == OpenState::failed);
  CHECK_THAT(t.at(2).outcome_detail, Catch::Contains("no longer a regular file"));
  CHECK(t.at(3).open_state.load() == OpenState::failed);
  CHECK_THAT(t.at(3).outcome_detail, Catch::Contains("replaced by another file"));
  CHECK(t.at(4).open_state.load() == OpenState::failed);
  CHECK_THAT(t.at(4).outcome_detail, Catch::Contains("vanished"));
  opener.join();
  CHECK(t.at(0).fd == -1);  // closed: the framer never took it
  CHECK(opener.stats().opened == 1);
  CHECK(opener.stats().refused == 4);
}

TEST_CASE("a file that grew after the scan is copied as it is now") {
  Scratch d;
  std::ofstream(d.path / "grows") << "12345";
  MemberTable t(4, "repo", "job");
  REQUIRE(t.append(MemberInput{.source = (d.path / "grows").string(), .path = "grows", .size = 2, .mtime = 1}).ok());
  SourceOpener opener(t);
  opener.start();
  CHECK(t.wait_open(0) == OpenState::ready);
  t.stop();
  opener.join();
  CHECK(t.at(0).size == 5);
  CHECK(t.at(0).mtime > 1);
}

TEST_CASE("manifests are appended after the interval and at the end, listing the files before them") {
  MemberTable t(64, "repo", "job-1", 100);
  for (int i = 0; i < 5; ++i)
    REQUIRE(t.append(MemberInput{.source = "/x", .path = "f" + std::to_string(i), .size = 60}).ok());
  // 60 + 60 >= 100: a manifest after every second file.
  REQUIRE(t.count() == 7);
  CHECK(t.at(2).is_manifest);
  CHECK(t.at(2).list_from == 0);
  CHECK(t.at(2).list_to == 2);
  CHECK(t.at(2).path == "tapegate-manifest/job-1/1.sha256");
  CHECK(t.at(5).is_manifest);
  CHECK(t.at(5).list_from == 3);
  CHECK(t.at(5).list_to == 5);
  auto last = t.append_pending_manifest();
  REQUIRE(last.ok());
  REQUIRE(last->has_value());
  CHECK(t.at(**last).list_from == 6);
  CHECK(t.at(**last).list_to == 7);
  CHECK(t.meta(**last).kind == "manifest");
  auto none = t.append_pending_manifest();
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}
