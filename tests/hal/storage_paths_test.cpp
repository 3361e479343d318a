// State, socket and log directories are the owner's only, whatever the umask.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "hal/storage_paths.hpp"

namespace fs = std::filesystem;
using tg::hal::create_private_directories;

namespace {

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

struct Umask {
  mode_t old;
  explicit Umask(mode_t m) : old(::umask(m)) {}
  ~Umask() { ::umask(old); }
};

}  // namespace

TEST_CASE("create_private_directories: every new directory is 0700 under umask 000") {
  const fs::path base = fs::temp_directory_path() / ("tg-private-" + std::to_string(::getpid()));
  fs::remove_all(base);
  {
    Umask open_umask(0);
    REQUIRE(create_private_directories(base / "a/b/c").ok());
  }
  CHECK(mode_of(base) == 0700);
  CHECK(mode_of(base / "a") == 0700);
  CHECK(mode_of(base / "a/b") == 0700);
  CHECK(mode_of(base / "a/b/c") == 0700);

  // An existing directory is left as it is; a second call is no error.
  ::chmod((base / "a").c_str(), 0750);
  REQUIRE(create_private_directories(base / "a/b/c").ok());
  CHECK(mode_of(base / "a") == 0750);

  // A umask that takes the owner's bits does not make the directory unusable.
  {
    Umask closed_umask(0277);
    REQUIRE(create_private_directories(base / "d").ok());
  }
  CHECK(mode_of(base / "d") == 0700);

  // A file in the way is an error naming it.
  std::ofstream(base / "file") << "x";
  auto st = create_private_directories(base / "file/sub");
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message, Catch::Contains((base / "file").string()));
  fs::remove_all(base);
}

TEST_CASE("StoragePaths::ensure makes the state tree private") {
  const fs::path base = fs::temp_directory_path() / ("tg-state-" + std::to_string(::getpid()));
  fs::remove_all(base);
  {
    Umask open_umask(0);
    REQUIRE(tg::hal::StoragePaths{.root = base / "state"}.ensure().ok());
  }
  CHECK(mode_of(base) == 0700);
  CHECK(mode_of(base / "state") == 0700);
  CHECK(mode_of(base / "state/run") == 0700);
  fs::remove_all(base);
}
