#include <catch2/catch.hpp>

#include "hal/result.hpp"

namespace {
tg::Result<int> parse_positive(int v) {
  if (v <= 0) return tg::Error(tg::Errc::invalid_argument, "not positive: " + std::to_string(v));
  return v;
}
tg::Result<int> doubled(int v) {
  int x = TG_TRY(parse_positive(v));
  return x * 2;
}
tg::Status check(int v) {
  TG_CHECK(parse_positive(v));
  return {};
}
}  // namespace

TEST_CASE("Result carries a value or an error with its code") {
  auto ok = doubled(21);
  REQUIRE(ok.ok());
  CHECK(*ok == 42);
  auto bad = doubled(-1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == tg::Errc::invalid_argument);
  CHECK(bad.error().message == "not positive: -1");
  CHECK(check(1).ok());
  CHECK(check(0).error().code == tg::Errc::invalid_argument);
}

TEST_CASE("Error context is prefixed as it climbs") {
  tg::Error e = tg::Error(tg::Errc::medium_error, "UNRECOVERED READ ERROR").with_context("drive0 (TP0001L9)");
  CHECK(e.message == "drive0 (TP0001L9): UNRECOVERED READ ERROR");
  CHECK(std::string(tg::errc_name(tg::Errc::volume_overflow)) == "volume overflow");
}
