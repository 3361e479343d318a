// LOG SENSE page 0x0C (SSC-4 8.2.2): byte counters, each optional, bounded.
#include "drivers/scsi/sequential_access_page.hpp"

#include <catch2/catch.hpp>

#include "drivers/scsi/log_page_builder.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

namespace {
void param(B& page, std::uint16_t code, std::uint64_t value, std::uint8_t length = 8) { test::log_param(page, code, value, length); }
B page_of(const B& params, std::uint8_t code = 0x0C) { return test::log_page_of(code, params); }
}  // namespace

TEST_CASE("sequential-access page: bytes from and to the host and the medium") {
  B ps;
  param(ps, 0x0000, 5'000'000'000ull);
  param(ps, 0x0001, 2'500'000'000ull);  // compressed 2:1
  param(ps, 0x0002, 1'000, 2);
  param(ps, 0x0003, 2'000, 4);
  param(ps, 0x0100, 1);  // another counter: ignored
  auto c = parse_sequential_access_page(page_of(ps));
  REQUIRE(c.ok());
  CHECK(c->bytes_from_host == 5'000'000'000ull);
  CHECK(c->bytes_to_medium == 2'500'000'000ull);
  CHECK(c->bytes_from_medium == 1'000u);
  CHECK(c->bytes_to_host == 2'000u);
}

TEST_CASE("sequential-access page: missing counters stay unknown, bad ones are named") {
  B only_written;
  param(only_written, 0x0000, 7);
  auto c = parse_sequential_access_page(page_of(only_written));
  REQUIRE(c.ok());
  CHECK(c->bytes_from_host == 7u);
  CHECK_FALSE(c->bytes_to_host.has_value());

  B twice;
  param(twice, 0x0002, 1);
  param(twice, 0x0002, 2);
  CHECK_THAT(parse_sequential_access_page(page_of(twice)).error().message, Catch::Contains("repeated"));
  B wide;
  param(wide, 0x0003, 1, 9);
  CHECK_THAT(parse_sequential_access_page(page_of(wide)).error().message, Catch::Contains("not a 1 to 8 byte"));
  B empty;
  param(empty, 0x0001, 0, 0);
  CHECK_FALSE(parse_sequential_access_page(page_of(empty)).ok());
  CHECK_FALSE(parse_sequential_access_page(page_of({}, 0x2E)).ok());  // another page
  CHECK_FALSE(parse_sequential_access_page(B{0x0C, 0x00}).ok());     // truncated header
}
