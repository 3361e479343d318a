#include "hal/secret_file.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "firmware/console/test_support.hpp"

using namespace tg;

// The full rules (modes, FIFOs, lines) are exercised through the CHAP
// wrapper in tests/iscsi/chap_secret_test.cpp; here: what the caller names.
TEST_CASE("a secret file's errors say what the file is for, and its length limit is the caller's", "[hal]") {
  test::TempDir d;
  const auto f = d.path() / "pw";
  std::ofstream(f) << "0123456789\n";
  ::chmod(f.c_str(), 0600);
  CHECK(hal::read_secret_file(f, "password file", 10).value() == "0123456789");
  auto longer = hal::read_secret_file(f, "password file", 9);
  REQUIRE_FALSE(longer);
  CHECK(longer.error().message == "password file " + f.string() + " is longer than 9 bytes");
  ::chmod(f.c_str(), 0640);
  auto open = hal::read_secret_file(f, "password file", 10);
  REQUIRE_FALSE(open);
  CHECK(open.error().message.rfind("password file " + f.string() + " has mode 0640", 0) == 0);
  CHECK(open.error().message.find("0123456789") == std::string::npos);
}
