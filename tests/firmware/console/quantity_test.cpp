// A measure in a console reply: human text for the table, a number in the
// field's fixed unit for --json (bytes, seconds, MB/s of 10^6 bytes).
#include <catch2/catch.hpp>

#include <variant>

#include "firmware/console/quantity.hpp"

using namespace tg::firmware::console;

namespace {

// By value: the cells below are temporaries.
Quantity quantity_of(const Cell& c) {
  REQUIRE(std::holds_alternative<Quantity>(c));
  return std::get<Quantity>(c);
}

}  // namespace

TEST_CASE("quantity: bytes are an integer count in JSON, binary units in text") {
  const Quantity q = quantity_of(bytes_cell(9017753));
  CHECK(std::get<std::int64_t>(q.number) == 9017753);
  CHECK(q.text == "8.6 MiB");
  CHECK(quantity_of(bytes_cell(512)).text == "512 B");
  CHECK(std::get<std::int64_t>(quantity_of(bytes_cell(0)).number) == 0);
}

TEST_CASE("quantity: seconds and rates keep their precision in JSON, one decimal in text") {
  const Quantity s = quantity_of(seconds_cell(2.34));
  CHECK(std::get<double>(s.number) == Approx(2.34));
  CHECK(s.text == "2.3 s");
  // MB/s are 10^6 bytes per second, not MiB.
  const Quantity r = quantity_of(rate_cell(114'400'000, 2.0));
  CHECK(std::get<double>(r.number) == Approx(57.2));
  CHECK(r.text == "57.2 MB/s");
  // No time passed: no rate at all (null in JSON, "-" in text), never infinity.
  CHECK(std::holds_alternative<std::monostate>(rate_cell(1000, 0.0)));
  CHECK(std::holds_alternative<std::monostate>(rate_cell(1000, -1.0)));
}

TEST_CASE("quantity: a transfer is its byte count in JSON, amount, time and rate in text") {
  const Quantity t = quantity_of(transfer_cell(132'438'835, 2.3));
  CHECK(std::get<std::int64_t>(t.number) == 132'438'835);
  CHECK(t.text == "126.3 MiB in 2.3 s (57.6 MB/s)");
  // Without a duration only the amount is said.
  CHECK(quantity_of(transfer_cell(2048, 0)).text == "2.0 KiB");
}
