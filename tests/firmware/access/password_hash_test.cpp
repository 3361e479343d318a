#include "firmware/access/password_hash.hpp"

#include <catch2/catch.hpp>

using namespace tg;
using namespace tg::firmware::access;

namespace {
constexpr std::uint32_t kFast = kMinPbkdf2Iterations;  // tests need no work factor
}

TEST_CASE("a stored password hash verifies its password only, salted afresh each time", "[access]") {
  auto a = hash_password("correct horse", kFast);
  auto b = hash_password("correct horse", kFast);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->rfind("pbkdf2-sha256$1000$", 0) == 0);
  CHECK(*a != *b);  // a random salt per password
  CHECK(check_stored_hash(*a).ok());
  CHECK(verify_password("correct horse", *a).value());
  CHECK(verify_password("correct horse", *b).value());
  CHECK_FALSE(verify_password("correct horsf", *a).value());
  CHECK_FALSE(verify_password("", *a).value());
  // The default work factor is what new passwords get.
  auto slow = hash_password("correct horse");
  REQUIRE(slow);
  CHECK(slow->rfind("pbkdf2-sha256$600000$", 0) == 0);
}

TEST_CASE("the stored hash is PBKDF2-HMAC-SHA256 as other tools compute it", "[access]") {
  // P="password", S="saltSALTsaltSALT" (16 bytes), c=1000, dkLen=32, as
  // computed independently by `openssl kdf ... PBKDF2` and Python's
  // hashlib.pbkdf2_hmac('sha256', ...).
  const std::string salt = "73616c7453414c5473616c7453414c54";
  const std::string stored =
      "pbkdf2-sha256$1000$" + salt + "$46f895baaa185f0265c1da708d799953de592f576c4538b7eba99ced700ee75b";
  CHECK(verify_password("password", stored).value());
  CHECK_FALSE(verify_password("Password", stored).value());
  // Upper-case hex from another tool reads the same.
  const std::string upper =
      "pbkdf2-sha256$1000$" + salt + "$46F895BAAA185F0265C1DA708D799953DE592F576C4538B7EBA99CED700EE75B";
  CHECK(verify_password("password", upper).value());
}

TEST_CASE("a damaged stored hash is an error naming what is wrong, never a wrong password", "[access]") {
  const std::string salt(32, 'a'), hash(64, 'b');
  struct Case {
    std::string stored, says;
  };
  for (const auto& c : std::vector<Case>{
           {"", "too few fields"},
           {"pbkdf2-sha256$1000$" + salt, "too few fields"},
           {"pbkdf2-sha256$1000$" + salt + "$" + hash + "$x", "too many fields"},
           {"md5$1000$" + salt + "$" + hash, "unknown scheme"},
           {"pbkdf2-sha256$abc$" + salt + "$" + hash, "not a number"},
           {"pbkdf2-sha256$$" + salt + "$" + hash, "not a number"},
           {"pbkdf2-sha256$999$" + salt + "$" + hash, "outside"},
           {"pbkdf2-sha256$4294967295$" + salt + "$" + hash, "outside"},
           {"pbkdf2-sha256$99999999999999999999$" + salt + "$" + hash, "not a number"},
           {"pbkdf2-sha256$1000$" + salt.substr(2) + "$" + hash, "salt"},
           {"pbkdf2-sha256$1000$" + std::string(31, 'a') + "z$" + hash, "salt"},
           {"pbkdf2-sha256$1000$" + salt + "$" + hash + "00", "hash"},
       }) {
    INFO(c.stored);
    auto v = verify_password("x", c.stored);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == Errc::invalid_argument);
    CHECK(v.error().message.find(c.says) != std::string::npos);
    CHECK_FALSE(check_stored_hash(c.stored).ok());
  }
}

TEST_CASE("new passwords are 8 to 255 characters without control characters", "[access]") {
  CHECK(check_new_password("12345678").ok());
  CHECK(check_new_password(std::string(255, 'p')).ok());
  CHECK(check_new_password("1234567").error().message.find("shorter than 8") != std::string::npos);
  CHECK(check_new_password(std::string(256, 'p')).error().message.find("longer than 255") != std::string::npos);
  CHECK(check_new_password("pass\tword").error().message.find("control character") != std::string::npos);
  CHECK(check_new_password(std::string("pass\0word", 9)).error().message.find("control character") != std::string::npos);
  CHECK_FALSE(hash_password("password", 10).ok());  // below the minimum work factor
}
