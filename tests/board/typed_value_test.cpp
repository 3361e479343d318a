// Typed values of board descriptions: decimal or 0x hexadecimal within a
// range, booleans in their four spellings, and errors that say what was
// expected (they reach the operator with the file and line).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "board/typed_value.hpp"

using namespace tg;
using namespace tg::board;

namespace {

std::string refused_number(const std::string& text, std::uint64_t min, std::uint64_t max) {
  auto r = parse_unsigned(text, min, max);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::invalid_argument);
  return r.error().message;
}

}  // namespace

TEST_CASE("typed value: unsigned numbers in decimal or hex, within their range") {
  CHECK(*parse_unsigned("0", 0, 10) == 0);
  CHECK(*parse_unsigned("42", 0, 100) == 42);
  CHECK(*parse_unsigned("0x1D", 0, 255) == 0x1D);
  CHECK(*parse_unsigned("0XfF", 0, 255) == 255);
  CHECK(*parse_unsigned("65535", 0, 65535) == 65535);
  CHECK(*parse_unsigned("18446744073709551615", 0, UINT64_MAX) == UINT64_MAX);
  // The bounds are inclusive.
  CHECK(*parse_unsigned("5", 5, 5) == 5);

  CHECK(refused_number("70000", 0, 65535) == "70000 is not in 0..65535");
  CHECK(refused_number("0", 1, 8) == "0 is not in 1..8");
  CHECK(refused_number("12x", 0, 100) == "'12x' is not a number");
  CHECK(refused_number("", 0, 100) == "'' is not a number");
  CHECK(refused_number("0x", 0, 100) == "'0x' is not a number");
  CHECK(refused_number("-1", 0, 100) == "'-1' is not a number");
  CHECK(refused_number(" 1", 0, 100) == "' 1' is not a number");
  CHECK(refused_number("0x1G", 0, 100) == "'0x1G' is not a number");
  CHECK(refused_number("18446744073709551616", 0, UINT64_MAX) == "'18446744073709551616' is not a number");
}

TEST_CASE("typed value: booleans as true/false, yes/no, on/off, 1/0 and nothing else") {
  for (const char* t : {"true", "yes", "on", "1"}) {
    INFO(t);
    auto r = parse_bool(t);
    REQUIRE(r.ok());
    CHECK(*r);
  }
  for (const char* f : {"false", "no", "off", "0"}) {
    INFO(f);
    auto r = parse_bool(f);
    REQUIRE(r.ok());
    CHECK_FALSE(*r);
  }
  for (const char* bad : {"", "TRUE", "y", "2", "enabled"}) {
    INFO(bad);
    auto r = parse_bool(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().message == "'" + std::string(bad) + "' is not a boolean (true/false)");
  }
}
