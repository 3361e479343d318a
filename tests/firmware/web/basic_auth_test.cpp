// HTTP Basic credentials are taken only in their exact form.
#include "firmware/web/basic_auth.hpp"

#include <catch2/catch.hpp>

using namespace tg;
using namespace tg::firmware::web;

TEST_CASE("base64 decodes the canonical form only", "[web]") {
  CHECK(decode_base64("").value().empty());
  CHECK(decode_base64("YQ==").value() == "a");
  CHECK(decode_base64("YWI=").value() == "ab");
  CHECK(decode_base64("YWJj").value() == "abc");
  CHECK(decode_base64("YWxpY2U6cGFzcw==").value() == "alice:pass");
  CHECK_FALSE(decode_base64("YQ=").has_value());     // length
  CHECK_FALSE(decode_base64("YR==").has_value());    // non-zero padding bits
  CHECK_FALSE(decode_base64("Y===").has_value());    // too much padding
  CHECK_FALSE(decode_base64("YQ==YWJj").has_value());  // data after padding
  CHECK_FALSE(decode_base64("YW J").has_value());
  CHECK_FALSE(decode_base64("YW-_").has_value());    // the URL alphabet is another encoding
}

TEST_CASE("Basic authorization: user and password, or a reason", "[web]") {
  auto c = parse_basic_authorization("Basic YWxpY2U6cGE6c3M=");  // alice:pa:ss
  REQUIRE(c.ok());
  CHECK(c->user == "alice");
  CHECK(c->password == "pa:ss");  // only the first ':' separates
  CHECK(parse_basic_authorization("basic   YWxpY2U6cGFzcw==  ").ok());
  CHECK_FALSE(parse_basic_authorization("Bearer abc").ok());
  CHECK_FALSE(parse_basic_authorization("Basic").ok());
  CHECK_FALSE(parse_basic_authorization("Basic !!!!").ok());
  CHECK_FALSE(parse_basic_authorization("Basic YWxpY2U=").ok());          // alice: no ':'
  CHECK_FALSE(parse_basic_authorization("Basic OnBhc3M=").ok());          // :pass: no user
  CHECK_FALSE(parse_basic_authorization("Basic YWxpY2U6cGEKc3M=").ok());  // newline in the password
  CHECK_FALSE(parse_basic_authorization("Basic " + std::string(2000, 'A')).ok());
}
