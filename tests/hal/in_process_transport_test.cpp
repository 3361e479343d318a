#include <catch2/catch.hpp>

#include <algorithm>

#include "hal/in_process_transport.hpp"

namespace {
// A target that answers INQUIRY with 36 bytes and everything else with
// CHECK CONDITION / ILLEGAL REQUEST.
struct EchoTarget : tg::hal::ScsiTarget {
  tg::hal::TargetReply handle(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> out,
                              std::span<std::uint8_t> in) override {
    tg::hal::TargetReply r;
    if (cdb[0] == 0x12) {
      std::size_t n = std::min<std::size_t>(36, in.size());
      std::fill_n(in.begin(), n, 0x41);
      r.data_length = n;
    } else if (cdb[0] == 0x0A) {
      r.data_length = out.size();
    } else {
      r.status = tg::hal::scsi_status::check_condition;
      r.sense[0] = 0x70;
      r.sense[2] = 0x05;
      r.sense[7] = 10;
      r.sense[12] = 0x20;
      r.sense_length = 18;
    }
    return r;
  }
};
}  // namespace

TEST_CASE("in-process transport moves data, status, sense and residual") {
  EchoTarget target;
  tg::hal::InProcessTransport t(target, "sim:test");
  std::array<std::uint8_t, 6> inquiry{0x12, 0, 0, 0, 96, 0};
  std::array<std::uint8_t, 96> buf{};
  auto r = t.execute({.cdb = inquiry, .direction = tg::hal::DataDirection::from_device, .data_in = buf});
  REQUIRE(r.ok());
  CHECK(r->good());
  CHECK(r->transferred == 36);
  CHECK(r->residual == 60);
  CHECK(buf[0] == 0x41);

  std::array<std::uint8_t, 6> bogus{0xFF, 0, 0, 0, 0, 0};
  auto c = t.execute({.cdb = bogus});
  REQUIRE(c.ok());
  CHECK(c->status == tg::hal::scsi_status::check_condition);
  CHECK(c->sense_length == 18);
  CHECK(c->sense_bytes()[12] == 0x20);

  auto empty = t.execute({.cdb = {}});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == tg::Errc::invalid_argument);
  CHECK(t.describe() == "sim:test");
}
