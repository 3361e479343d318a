#include "hal/atomic_file.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "firmware/console/test_support.hpp"

using namespace tg;

TEST_CASE("a state file is replaced as a whole, private, and leaves no temporary behind", "[hal]") {
  test::TempDir d;
  const auto f = d.path() / "state.txt";
  CHECK(hal::read_small_file(f).error().code == Errc::not_found);
  REQUIRE(hal::write_file_atomic(f, "first\n").ok());
  REQUIRE(hal::write_file_atomic(f, "second\n", false).ok());
  CHECK(hal::read_small_file(f).value() == "second\n");
  struct stat st{};
  REQUIRE(::stat(f.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(std::filesystem::exists(d.path() / "state.txt.tmp"));

  // A directory where the file should go: the rename fails, the error names
  // both paths, and the temporary is cleaned up.
  std::filesystem::create_directories(d.path() / "dir" / "x");
  auto r = hal::write_file_atomic(d.path() / "dir", "data");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("cannot rename") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.path() / "dir.tmp"));
  CHECK(hal::write_file_atomic(d.path() / "missing-dir" / "f", "x").error().message.find("cannot create") !=
        std::string::npos);
}
