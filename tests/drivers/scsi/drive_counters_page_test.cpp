// The simulated drive's vendor log page 0x30 (board/README.md).
#include <catch2/catch.hpp>

#include "drivers/scsi/log_page_builder.hpp"

#include "drivers/scsi/drive_counters_page.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

namespace {
void param(B& page, std::uint16_t code, std::uint64_t value, std::uint8_t length = 8) { test::log_param(page, code, value, length); }
B page_of(const B& params) { return test::log_page_of(0x30, params); }
}  // namespace

TEST_CASE("drive counters page: backhitches, speed and stalls") {
  B ps;
  param(ps, 0x0000, 7);
  param(ps, 0x0001, 408);
  param(ps, 0x0002, 3);
  auto c = parse_drive_counters_page(page_of(ps));
  REQUIRE(c.ok());
  CHECK(c->backhitches == 7);
  CHECK(c->speed_mbps == 408);
  CHECK(c->stalls == 3);
}

TEST_CASE("drive counters page: short counters, unknown parameters ignored, speed optional") {
  B ps;
  param(ps, 0x0002, 0x0102, 2);
  param(ps, 0x0040, 99);  // a later counter this firmware does not know yet
  param(ps, 0x0000, 5, 1);
  auto c = parse_drive_counters_page(page_of(ps));
  REQUIRE(c.ok());
  CHECK(c->backhitches == 5);
  CHECK(c->stalls == 0x0102);
  CHECK(c->speed_mbps == 0);
}

TEST_CASE("drive counters page: truncated replies are errors, never a partial count") {
  B ps;
  param(ps, 0x0000, 7);
  param(ps, 0x0002, 3);
  const B full = page_of(ps);
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto c = parse_drive_counters_page(B(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)));
    CHECK_FALSE(c.ok());
  }
  CHECK(parse_drive_counters_page(full).ok());
}

TEST_CASE("drive counters page: garbage is refused") {
  B only_backhitches;
  param(only_backhitches, 0x0000, 1);
  auto c = parse_drive_counters_page(page_of(only_backhitches));
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message, Catch::Contains("missing"));

  B repeated;
  param(repeated, 0x0000, 1);
  param(repeated, 0x0002, 1);
  param(repeated, 0x0000, 2);
  CHECK_FALSE(parse_drive_counters_page(page_of(repeated)).ok());

  B wide;
  param(wide, 0x0000, 1, 9);
  param(wide, 0x0002, 1);
  CHECK_FALSE(parse_drive_counters_page(page_of(wide)).ok());

  B empty_value;
  param(empty_value, 0x0000, 0, 0);
  param(empty_value, 0x0002, 1);
  CHECK_FALSE(parse_drive_counters_page(page_of(empty_value)).ok());

  B other_page = page_of(B{});
  other_page[0] = 0x2E;
  CHECK_FALSE(parse_drive_counters_page(other_page).ok());

  // Every byte value at every position of a valid page: no crash, and
  // whatever parses still has both counters.
  B ps;
  param(ps, 0x0000, 7);
  param(ps, 0x0002, 3);
  const B good = page_of(ps);
  for (std::size_t i = 0; i < good.size(); ++i)
    for (int v = 0; v < 256; v += 17) {
      B mutated = good;
      mutated[i] = static_cast<std::uint8_t>(v);
      (void)parse_drive_counters_page(mutated);
    }
}
