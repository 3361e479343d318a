// SgTransport end to end against a fake ioctl.
#include <catch2/catch.hpp>

#include <array>
#include <cerrno>
#include <vector>

#include "drivers/sg/sg_io.hpp"
#include "drivers/sg/sg_transport.hpp"
#include "fake_sg_device.hpp"

using namespace tg;
using namespace tg::sg;
using namespace std::chrono_literals;

namespace {
struct Fixture {
  test::FakeSgDevice* dev;
  SgTransport transport;
  Fixture() : Fixture(std::make_unique<test::FakeSgDevice>()) {}
  explicit Fixture(std::unique_ptr<test::FakeSgDevice> d) : dev(d.get()), transport(std::move(d)) {}
};
}  // namespace

TEST_CASE("SgTransport moves data-in through the ioctl and reports the reply", "[sg]") {
  Fixture f;
  f.dev->answer.data = {0x01, 0x80, 0x05, 0x02, 0x1F};
  f.dev->answer.resid = 91;
  std::array<std::uint8_t, 6> inquiry{0x12, 0, 0, 0, 96, 0};
  std::vector<std::uint8_t> buf(96);
  auto r = f.transport.execute({.cdb = inquiry, .direction = hal::DataDirection::from_device, .data_in = buf, .timeout = 2s});
  REQUIRE(r.ok());
  CHECK(r->good());
  CHECK(r->transferred == 5);
  CHECK(r->residual == 91);
  CHECK(buf[0] == 0x01);
  CHECK(f.dev->seen_cdb == std::vector<std::uint8_t>(inquiry.begin(), inquiry.end()));
  CHECK(f.dev->seen.timeout == 2000);
  CHECK(f.transport.describe() == "sg:/dev/sg7");
  CHECK_FALSE(f.transport.take_position_lost());
}

TEST_CASE("SgTransport hands the block to the kernel for data-out", "[sg]") {
  Fixture f;
  std::array<std::uint8_t, 6> write6{0x0A, 0, 0, 0, 8, 0};
  std::vector<std::uint8_t> block{1, 2, 3, 4, 5, 6, 7, 8};
  auto r = f.transport.execute({.cdb = write6, .direction = hal::DataDirection::to_device, .data_out = block, .timeout = 1s});
  REQUIRE(r.ok());
  CHECK(f.dev->seen.dxfer_direction == SG_DXFER_TO_DEV);
  CHECK(f.dev->seen_data_out == block);
  CHECK(r->transferred == 8);
}

TEST_CASE("SgTransport returns CHECK CONDITION sense bytes as written (sb_len_wr)", "[sg]") {
  Fixture f;
  // Filemark on read: NO SENSE, FILEMARK, 00/01, information 0x10000 residual.
  f.dev->answer.status = hal::scsi_status::check_condition;
  f.dev->answer.driver_status = driver_status::sense;
  f.dev->answer.sense = {0xF0, 0, 0x80, 0x00, 0x01, 0x00, 0x00, 10, 0, 0, 0, 0, 0x00, 0x01, 0, 0, 0, 0};
  f.dev->answer.resid = 65536;
  std::array<std::uint8_t, 6> read6{0x08, 0, 0x01, 0, 0, 0};
  std::vector<std::uint8_t> buf(65536);
  auto r = f.transport.execute({.cdb = read6, .direction = hal::DataDirection::from_device, .data_in = buf, .timeout = 1s});
  REQUIRE(r.ok());
  CHECK(r->status == hal::scsi_status::check_condition);
  CHECK(r->sense_length == 18);
  CHECK(r->sense[2] == 0x80);
  CHECK(r->transferred == 0);
  CHECK_FALSE(f.transport.take_position_lost());  // the device answered: position known
}

TEST_CASE("SgTransport: a host failure loses the position, once", "[sg]") {
  Fixture f;
  f.dev->answer.host_status = host_status::reset;
  std::array<std::uint8_t, 6> write6{0x0A, 0, 0, 0, 1, 0};
  std::array<std::uint8_t, 1> b{7};
  auto r = f.transport.execute({.cdb = write6, .direction = hal::DataDirection::to_device, .data_out = b, .timeout = 1s});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::transport_error);
  CHECK(f.transport.take_position_lost());
  CHECK_FALSE(f.transport.take_position_lost());

  f.dev->answer.host_status = host_status::no_connect;
  auto gone = f.transport.execute({.cdb = write6, .direction = hal::DataDirection::to_device, .data_out = b, .timeout = 1s});
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == Errc::connection_lost);
  CHECK(f.transport.take_position_lost());
}

TEST_CASE("SgTransport: ioctl errno becomes a transport error, EINTR loses the position", "[sg]") {
  Fixture f;
  std::array<std::uint8_t, 6> tur{};
  f.dev->answer.err = EINVAL;
  auto r = f.transport.execute({.cdb = tur, .timeout = 1s});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::transport_error);
  CHECK_FALSE(f.transport.take_position_lost());  // refused before it reached the device

  f.dev->answer.err = EINTR;
  REQUIRE_FALSE(f.transport.execute({.cdb = tur, .timeout = 1s}).ok());
  CHECK(f.transport.take_position_lost());
  CHECK(f.dev->calls == 2);  // never re-issued
}

TEST_CASE("SgTransport refuses a malformed command without calling the kernel", "[sg]") {
  Fixture f;
  std::array<std::uint8_t, 20> cdb{};
  auto r = f.transport.execute({.cdb = cdb, .timeout = 1s});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::invalid_argument);
  CHECK(f.dev->calls == 0);
}

TEST_CASE("open_sg_transport checks the spec and the node", "[sg]") {
  CHECK(is_sg_spec("sg:/dev/sg3"));
  CHECK_FALSE(is_sg_spec("usb:0781:5567"));
  auto rel = open_sg_transport("sg:dev/sg3");
  REQUIRE_FALSE(rel.ok());
  CHECK(rel.error().code == Errc::invalid_argument);
  auto missing = open_sg_transport("sg:/nonexistent/sg99");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::not_found);
  // A file that exists but is no sg node.
  auto not_sg = open_sg_transport("sg:/dev/null");
  REQUIRE_FALSE(not_sg.ok());
  CHECK(not_sg.error().code == Errc::unsupported);
}
