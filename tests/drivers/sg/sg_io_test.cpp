// sg_io_hdr building and the mapping of the kernel's answer, with no ioctl.
#include <catch2/catch.hpp>

#include <array>
#include <cerrno>
#include <climits>
#include <vector>

#include "drivers/sg/sg_io.hpp"

using namespace tg;
using namespace tg::sg;
using namespace std::chrono_literals;

TEST_CASE("prepare_sg_io describes a data-in command exactly", "[sg]") {
  std::array<std::uint8_t, 6> cdb{0x12, 0x00, 0x00, 0x00, 0x60, 0x00};
  std::vector<std::uint8_t> buf(96);
  SgIoRequest req;
  REQUIRE(prepare_sg_io({.cdb = cdb, .direction = hal::DataDirection::from_device, .data_in = buf, .timeout = 1500ms}, req).ok());
  const sg_io_hdr& h = req.hdr;
  CHECK(h.interface_id == 'S');
  CHECK(h.dxfer_direction == SG_DXFER_FROM_DEV);
  CHECK(h.dxfer_len == 96);
  CHECK(h.dxferp == buf.data());
  CHECK(h.cmd_len == 6);
  CHECK(h.cmdp == req.cdb.data());
  CHECK(std::equal(cdb.begin(), cdb.end(), req.cdb.begin()));
  CHECK(h.sbp == req.reply.sense.data());
  CHECK(h.mx_sb_len == 252);
  CHECK(h.timeout == 1500);
  CHECK(h.iovec_count == 0);
  CHECK(h.flags == 0);
}

TEST_CASE("prepare_sg_io describes data-out and no-data commands", "[sg]") {
  std::array<std::uint8_t, 6> write6{0x0A, 0x00, 0x00, 0x10, 0x00, 0x00};
  std::vector<std::uint8_t> block(4096, 0xAB);
  SgIoRequest req;
  REQUIRE(prepare_sg_io({.cdb = write6, .direction = hal::DataDirection::to_device, .data_out = block, .timeout = 900'000ms}, req).ok());
  CHECK(req.hdr.dxfer_direction == SG_DXFER_TO_DEV);
  CHECK(req.hdr.dxfer_len == 4096);
  CHECK(req.hdr.dxferp == block.data());
  CHECK(req.hdr.timeout == 900'000);

  std::array<std::uint8_t, 6> tur{};
  SgIoRequest none;
  REQUIRE(prepare_sg_io({.cdb = tur, .timeout = 10ms}, none).ok());
  CHECK(none.hdr.dxfer_direction == SG_DXFER_NONE);
  CHECK(none.hdr.dxfer_len == 0);
  CHECK(none.hdr.dxferp == nullptr);

  // A from_device command with an empty buffer moves nothing: no data phase.
  SgIoRequest empty_in;
  REQUIRE(prepare_sg_io({.cdb = tur, .direction = hal::DataDirection::from_device, .timeout = 10ms}, empty_in).ok());
  CHECK(empty_in.hdr.dxfer_direction == SG_DXFER_NONE);
}

TEST_CASE("prepare_sg_io carries a 16-byte CDB and refuses what sg cannot", "[sg]") {
  std::array<std::uint8_t, 16> locate16{0x92};
  locate16[15] = 0x5A;
  SgIoRequest req;
  REQUIRE(prepare_sg_io({.cdb = locate16, .timeout = 1s}, req).ok());
  CHECK(req.hdr.cmd_len == 16);
  CHECK(req.cdb[15] == 0x5A);

  std::array<std::uint8_t, 17> too_long{};
  auto e = prepare_sg_io({.cdb = too_long, .timeout = 1s}, req);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().code == Errc::invalid_argument);
  CHECK_FALSE(prepare_sg_io({.cdb = {}, .timeout = 1s}, req).ok());
  CHECK(prepare_sg_io({.cdb = locate16, .timeout = 0ms}, req).error().code == Errc::invalid_argument);
}

TEST_CASE("prepare_sg_io never asks sg for 'no timeout'", "[sg]") {
  std::array<std::uint8_t, 6> cdb{};
  SgIoRequest req;
  REQUIRE(prepare_sg_io({.cdb = cdb, .timeout = std::chrono::hours(24 * 365 * 200)}, req).ok());
  CHECK(req.hdr.timeout == UINT_MAX - 1);
}

namespace {
// Simulates the kernel's completion of a prepared request.
void complete(SgIoRequest& req, std::uint8_t status, std::uint16_t host, std::uint16_t driver, int resid,
              std::vector<std::uint8_t> sense = {}) {
  req.hdr.status = status;
  req.hdr.host_status = host;
  req.hdr.driver_status = driver;
  req.hdr.resid = resid;
  std::copy(sense.begin(), sense.end(), req.hdr.sbp);
  req.hdr.sb_len_wr = static_cast<unsigned char>(sense.size());
}
}  // namespace

TEST_CASE("finish_sg_io: good status, residual from resid", "[sg]") {
  std::array<std::uint8_t, 6> cdb{0x08, 0x00, 0x01, 0x00, 0x00, 0x00};
  std::vector<std::uint8_t> buf(65536);
  SgIoRequest req;
  REQUIRE(prepare_sg_io({.cdb = cdb, .direction = hal::DataDirection::from_device, .data_in = buf, .timeout = 1s}, req).ok());
  complete(req, 0, 0, 0, 512);
  auto r = finish_sg_io(req, "sg:/dev/sg7");
  REQUIRE(r.ok());
  CHECK(r->good());
  CHECK(r->transferred == 65536 - 512);
  CHECK(r->residual == 512);
  CHECK(r->sense_length == 0);
}

TEST_CASE("finish_sg_io: CHECK CONDITION is a reply with the raw sense", "[sg]") {
  std::array<std::uint8_t, 6> cdb{0x0A, 0x00, 0x00, 0x04, 0x00, 0x00};
  std::vector<std::uint8_t> block(1024);
  SgIoRequest req;
  REQUIRE(prepare_sg_io({.cdb = cdb, .direction = hal::DataDirection::to_device, .data_out = block, .timeout = 1s}, req).ok());
  // Early warning on write: NO SENSE, EOM, 00/02 (SSC-4 4.2.7).
  std::vector<std::uint8_t> sense{0x70, 0, 0x40, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x00, 0x02, 0, 0, 0, 0};
  complete(req, hal::scsi_status::check_condition, 0, driver_status::sense, 0, sense);
  auto r = finish_sg_io(req, "sg:/dev/sg7");
  REQUIRE(r.ok());
  CHECK(r->status == hal::scsi_status::check_condition);
  REQUIRE(r->sense_length == 18);
  CHECK(std::equal(sense.begin(), sense.end(), r->sense_bytes().begin()));
  CHECK(r->transferred == 1024);
}

TEST_CASE("finish_sg_io: other SCSI statuses pass through as replies", "[sg]") {
  std::array<std::uint8_t, 6> cdb{};
  SgIoRequest req;
  REQUIRE(prepare_sg_io({.cdb = cdb, .timeout = 1s}, req).ok());
  complete(req, hal::scsi_status::reservation_conflict, 0, 0, 0);
  auto r = finish_sg_io(req, "sg:/dev/sg7");
  REQUIRE(r.ok());
  CHECK(r->status == hal::scsi_status::reservation_conflict);
}

TEST_CASE("finish_sg_io: host status errors are transport errors, never sense", "[sg]") {
  struct Case {
    std::uint16_t host;
    Errc expected;
    const char* name;
  };
  const Case cases[] = {
      {host_status::no_connect, Errc::connection_lost, "DID_NO_CONNECT"},
      {host_status::bad_target, Errc::connection_lost, "DID_BAD_TARGET"},
      {host_status::transport_disrupted, Errc::connection_lost, "DID_TRANSPORT_DISRUPTED"},
      {host_status::transport_failfast, Errc::connection_lost, "DID_TRANSPORT_FAILFAST"},
      {host_status::time_out, Errc::timeout, "DID_TIME_OUT"},
      {host_status::reset, Errc::transport_error, "DID_RESET"},
      {host_status::bus_busy, Errc::transport_error, "DID_BUS_BUSY"},
      {host_status::abort, Errc::transport_error, "DID_ABORT"},
      {host_status::error, Errc::transport_error, "DID_ERROR"},
      {host_status::soft_error, Errc::transport_error, "DID_SOFT_ERROR"},
      {0x7F, Errc::transport_error, "unknown host status"},
  };
  std::array<std::uint8_t, 6> cdb{0x01, 0, 0, 0, 0, 0};
  for (const Case& c : cases) {
    CAPTURE(c.name);
    SgIoRequest req;
    REQUIRE(prepare_sg_io({.cdb = cdb, .timeout = 1s}, req).ok());
    // Even with a CHECK CONDITION and sense beside it, the host failure wins.
    complete(req, hal::scsi_status::check_condition, c.host, driver_status::sense, 0,
             {0x70, 0, 0x06, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x29, 0x00, 0, 0, 0, 0});
    auto r = finish_sg_io(req, "sg:/dev/sg7");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.expected);
    CHECK(r.error().message.find(c.name) != std::string::npos);
    CHECK(r.error().message.find("sg:/dev/sg7") != std::string::npos);
  }
}

TEST_CASE("finish_sg_io: driver timeout and bare driver errors", "[sg]") {
  std::array<std::uint8_t, 6> cdb{};
  SgIoRequest req;
  REQUIRE(prepare_sg_io({.cdb = cdb, .timeout = 5s}, req).ok());
  complete(req, 0, 0, driver_status::timeout, 0);
  auto t = finish_sg_io(req, "sg:/dev/sg7");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code == Errc::timeout);
  CHECK(t.error().message.find("5000 ms") != std::string::npos);

  REQUIRE(prepare_sg_io({.cdb = cdb, .timeout = 5s}, req).ok());
  complete(req, 0, 0, driver_status::error, 0);
  auto e = finish_sg_io(req, "sg:/dev/sg7");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().code == Errc::transport_error);
  CHECK(e.error().message.find("DRIVER_ERROR") != std::string::npos);

  // Old kernels put "suggestion" bits in the high nibble beside DRIVER_SENSE.
  REQUIRE(prepare_sg_io({.cdb = cdb, .timeout = 5s}, req).ok());
  complete(req, hal::scsi_status::check_condition, 0, 0x10 | driver_status::sense, 0,
           {0x70, 0, 0x02, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x3A, 0x00, 0, 0, 0, 0});
  auto s = finish_sg_io(req, "sg:/dev/sg7");
  REQUIRE(s.ok());
  CHECK(s->status == hal::scsi_status::check_condition);
  CHECK(s->sense[12] == 0x3A);
}

TEST_CASE("finish_sg_io: nonsense resid and sense lengths are clamped", "[sg]") {
  std::array<std::uint8_t, 6> cdb{0x08};
  std::vector<std::uint8_t> buf(100);
  SgIoRequest req;
  REQUIRE(prepare_sg_io({.cdb = cdb, .direction = hal::DataDirection::from_device, .data_in = buf, .timeout = 1s}, req).ok());
  complete(req, 0, 0, 0, -20);
  auto neg = finish_sg_io(req, "d");
  REQUIRE(neg.ok());
  CHECK(neg->transferred == 100);
  CHECK(neg->residual == 0);

  REQUIRE(prepare_sg_io({.cdb = cdb, .direction = hal::DataDirection::from_device, .data_in = buf, .timeout = 1s}, req).ok());
  complete(req, 0, 0, 0, 1000);
  auto big = finish_sg_io(req, "d");
  REQUIRE(big.ok());
  CHECK(big->transferred == 0);
  CHECK(big->residual == 100);

  REQUIRE(prepare_sg_io({.cdb = cdb, .timeout = 1s}, req).ok());
  req.hdr.mx_sb_len = 32;
  req.hdr.sb_len_wr = 200;  // a buggy driver claiming more than the buffer
  req.hdr.status = hal::scsi_status::check_condition;
  auto sense = finish_sg_io(req, "d");
  REQUIRE(sense.ok());
  CHECK(sense->sense_length == 32);
}

TEST_CASE("sg_ioctl_error names the kernel's refusal", "[sg]") {
  CHECK(sg_ioctl_error(ENODEV, "sg:/dev/sg7", 0).code == Errc::connection_lost);
  auto big = sg_ioctl_error(EINVAL, "sg:/dev/sg7", 1 << 20);
  CHECK(big.code == Errc::transport_error);
  CHECK(big.message.find("1048576 bytes") != std::string::npos);
  CHECK(sg_ioctl_error(ENOMEM, "d", 1).code == Errc::transport_error);
  CHECK(sg_ioctl_error(EBUSY, "d", 1).code == Errc::busy);
  CHECK(sg_ioctl_error(EINTR, "d", 1).code == Errc::transport_error);
  CHECK(std::string(host_status_name(host_status::reset)) == "DID_RESET");
  CHECK(std::string(driver_status_name(0x26)) == "DRIVER_TIMEOUT");
}
