// READ BLOCK LIMITS (SSC-4 7.5).
#include <catch2/catch.hpp>

#include "drivers/scsi/block_limits.hpp"

using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

TEST_CASE("block limits: granularity, maximum (3 bytes), minimum (2 bytes)") {
  auto d = parse_block_limits(B{0x02, 0x10, 0x00, 0x00, 0x00, 0x01});
  REQUIRE(d.ok());
  CHECK(d->granularity == 2);
  CHECK(d->max_length == 1048576);
  CHECK(d->min_length == 1);
  d = parse_block_limits(B{0, 0, 0, 0, 0, 0});
  REQUIRE(d.ok());
  CHECK(d->max_length == 0);
}

TEST_CASE("block limits: short or contradictory replies") {
  REQUIRE_FALSE(parse_block_limits(B{0, 1, 2}).ok());
  auto d = parse_block_limits(B{0, 0x00, 0x00, 0x10, 0x01, 0x00});  // min 256 > max 16
  REQUIRE_FALSE(d.ok());
  CHECK_THAT(d.error().message, Catch::Contains("minimum block length 256"));
}
