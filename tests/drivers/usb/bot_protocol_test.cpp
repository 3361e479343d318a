// BotProtocol and UsbBotTransport against the in-process BOT device model:
// the normal phases, REQUEST SENSE after a failed CSW, and every recovery.
#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <vector>

#include "bot_device_model.hpp"
#include "drivers/usb/bot_protocol.hpp"
#include "drivers/usb/bot_transport.hpp"
#include "script_target.hpp"

using namespace tg;
using namespace tg::usb;
using namespace tg::usb::test;
using namespace std::chrono_literals;

namespace {

struct Rig {
  ScriptTarget lun0, lun1;
  BotDeviceModel device{{&lun0, &lun1}, 2};
  std::shared_ptr<BotProtocol> protocol = std::make_shared<BotProtocol>(device);
  UsbBotTransport t0{protocol, 0, "usb:1234:5678/0"};
  UsbBotTransport t1{protocol, 1, "usb:1234:5678/1"};

  Result<hal::ScsiReply> inquiry(std::vector<std::uint8_t>& buf) {
    static const std::array<std::uint8_t, 6> cdb{0x12, 0, 0, 0, 96, 0};
    return t0.execute({.cdb = cdb, .direction = hal::DataDirection::from_device, .data_in = buf, .timeout = 1s});
  }
  Result<hal::ScsiReply> write(std::vector<std::uint8_t>& block) {
    static const std::array<std::uint8_t, 6> cdb{0x0A, 0, 0, 0x10, 0, 0};
    return t0.execute({.cdb = cdb, .direction = hal::DataDirection::to_device, .data_out = block, .timeout = 1s});
  }
  Result<hal::ScsiReply> tur() {
    static const std::array<std::uint8_t, 6> cdb{};
    return t0.execute({.cdb = cdb, .timeout = 1s});
  }
  // After any recovery the device must take the next command normally.
  void check_usable_again() {
    lun0.status = hal::scsi_status::good;
    auto r = tur();
    REQUIRE(r.ok());
    CHECK(r->good());
  }
};

const std::vector<std::uint8_t> kInquiry36 = [] {
  std::vector<std::uint8_t> d(36, ' ');
  d[0] = 0x01;
  d[4] = 31;
  return d;
}();

}  // namespace

TEST_CASE("BOT data-in: CBW fields, data and residue of a short reply", "[usb]") {
  Rig rig;
  rig.lun0.reply_data = kInquiry36;
  std::vector<std::uint8_t> buf(96);
  auto r = rig.inquiry(buf);
  REQUIRE(r.ok());
  CHECK(r->good());
  CHECK(r->transferred == 36);
  CHECK(r->residual == 60);
  CHECK(buf[0] == 0x01);
  REQUIRE(rig.device.cbws.size() == 1);
  const CommandBlockWrapper& cbw = rig.device.cbws[0];
  CHECK(cbw.data_in);
  CHECK(cbw.data_transfer_length == 96);
  CHECK(cbw.lun == 0);
  CHECK(cbw.cdb_length == 6);
  CHECK(cbw.cdb[0] == 0x12);
  CHECK(cbw.cdb[4] == 96);
  CHECK(rig.device.events.empty());  // no recovery needed
  CHECK_FALSE(rig.t0.take_position_lost());
}

TEST_CASE("BOT data-out and no-data commands, tags advance", "[usb]") {
  Rig rig;
  std::vector<std::uint8_t> block(4096);
  for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<std::uint8_t>(i * 7);
  auto w = rig.write(block);
  REQUIRE(w.ok());
  CHECK(w->transferred == 4096);
  CHECK(rig.lun0.received == block);
  REQUIRE(rig.tur().ok());
  REQUIRE(rig.device.cbws.size() == 2);
  CHECK_FALSE(rig.device.cbws[0].data_in);
  CHECK(rig.device.cbws[0].data_transfer_length == 4096);
  CHECK(rig.device.cbws[1].data_transfer_length == 0);
  CHECK_FALSE(rig.device.cbws[1].data_in);
  CHECK(rig.device.cbws[1].tag != rig.device.cbws[0].tag);
}

TEST_CASE("BOT data-out the device did not fully use: residue from the CSW", "[usb]") {
  Rig rig;
  rig.lun0.consume_limit = 1000;
  std::vector<std::uint8_t> block(4096, 1);
  auto w = rig.write(block);
  REQUIRE(w.ok());
  CHECK(w->transferred == 1000);
  CHECK(w->residual == 3096);
}

TEST_CASE("BOT CSW 'failed' is followed by REQUEST SENSE, the sense lands in the reply", "[usb]") {
  Rig rig;
  // Early warning on WRITE: CHECK CONDITION, NO SENSE, EOM, 00/02.
  rig.lun0.status = hal::scsi_status::check_condition;
  rig.lun0.sense = {0x70, 0, 0x40, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x00, 0x02, 0, 0, 0, 0};
  std::vector<std::uint8_t> block(512, 9);
  auto w = rig.write(block);
  REQUIRE(w.ok());
  CHECK(w->status == hal::scsi_status::check_condition);
  REQUIRE(w->sense_length == 18);  // trimmed to 8 + additional length
  CHECK(w->sense[2] == 0x40);
  CHECK(w->sense[13] == 0x02);
  CHECK(w->transferred == 512);
  REQUIRE(rig.device.cbws.size() == 2);
  const CommandBlockWrapper& rs = rig.device.cbws[1];
  CHECK(rs.cdb[0] == 0x03);
  CHECK(rs.cdb[4] == kRequestSenseAllocation);
  CHECK(rs.data_in);
  CHECK(rs.data_transfer_length == kRequestSenseAllocation);
  CHECK(rs.lun == 0);
}

TEST_CASE("BOT: each LUN transport addresses its own LUN", "[usb]") {
  Rig rig;
  rig.lun1.reply_data = {0x08};
  std::array<std::uint8_t, 6> cdb{0x12, 0, 0, 0, 36, 0};
  std::vector<std::uint8_t> buf(36);
  auto r = rig.t1.execute({.cdb = cdb, .direction = hal::DataDirection::from_device, .data_in = buf, .timeout = 1s});
  REQUIRE(r.ok());
  CHECK(buf[0] == 0x08);
  CHECK(rig.device.cbws.back().lun == 1);
  CHECK(rig.lun0.cdbs.empty());
  CHECK(rig.lun1.cdbs.size() == 1);
}

TEST_CASE("BOT Get Max LUN, and a device that stalls it", "[usb]") {
  Rig rig;
  auto n = rig.protocol->get_max_lun();
  REQUIRE(n.ok());
  CHECK(*n == 1);
  rig.device.stall_get_max_lun(true);
  auto one = rig.protocol->get_max_lun();
  REQUIRE(one.ok());
  CHECK(*one == 0);  // BOT 3.2: a stall means a single LUN
}

TEST_CASE("BOT stall after data-in: clear bulk-in, still read the CSW", "[usb]") {
  Rig rig;
  rig.lun0.reply_data = kInquiry36;
  rig.device.arm({.stall_after_data_in = true});
  std::vector<std::uint8_t> buf(96);
  auto r = rig.inquiry(buf);
  REQUIRE(r.ok());
  CHECK(r->good());
  CHECK(r->transferred == 36);
  CHECK(r->residual == 60);
  CHECK(rig.device.events == std::vector<std::string>{"clear-in"});
  CHECK(rig.device.resets == 0);
  CHECK_FALSE(rig.t0.take_position_lost());
  rig.check_usable_again();
}

TEST_CASE("BOT stall during data-out: clear bulk-out, CSW says failed, sense fetched", "[usb]") {
  Rig rig;
  rig.device.arm({.stall_data_out_after = 100});
  std::vector<std::uint8_t> block(4096, 3);
  auto w = rig.write(block);
  REQUIRE(w.ok());
  CHECK(w->status == hal::scsi_status::check_condition);
  CHECK(w->transferred == 0);
  CHECK(w->residual == 4096);
  CHECK(w->sense[2] == 0x0B);  // ABORTED COMMAND, as the device reported
  CHECK(rig.device.events == std::vector<std::string>{"clear-out"});
  CHECK(rig.lun0.cdbs.empty());  // the target never saw a partial WRITE
  rig.check_usable_again();
}

TEST_CASE("BOT stalled CSW: one clear and re-read, a second stall means reset recovery", "[usb]") {
  Rig rig;
  rig.device.arm({.stall_csw = 1});
  auto once = rig.tur();
  REQUIRE(once.ok());
  CHECK(once->good());
  CHECK(rig.device.events == std::vector<std::string>{"clear-in"});

  rig.device.events.clear();
  rig.device.arm({.stall_csw = 2});
  auto twice = rig.tur();
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == Errc::transport_error);
  CHECK(twice.error().message.find("stalled twice") != std::string::npos);
  // BOT 5.3.4: reset, then bulk-in, then bulk-out.
  CHECK(rig.device.events == std::vector<std::string>{"clear-in", "reset", "clear-in", "clear-out"});
  CHECK(rig.t0.take_position_lost());
  rig.check_usable_again();
}

TEST_CASE("BOT phase error: reset recovery, transport error, position lost on every LUN", "[usb]") {
  Rig rig;
  rig.device.arm({.phase_error = true});
  std::vector<std::uint8_t> block(512);
  auto w = rig.write(block);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::transport_error);
  CHECK(w.error().message.find("phase error") != std::string::npos);
  CHECK(w.error().message.find("usb:1234:5678/0") != std::string::npos);
  CHECK(rig.device.resets == 1);
  CHECK(rig.device.events == std::vector<std::string>{"reset", "clear-in", "clear-out"});
  CHECK(rig.t0.take_position_lost());
  CHECK_FALSE(rig.t0.take_position_lost());
  CHECK(rig.t1.take_position_lost());  // the reset hit the whole interface
  rig.check_usable_again();
}

TEST_CASE("BOT invalid or not meaningful CSWs lead to reset recovery", "[usb]") {
  struct Case {
    const char* name;
    BotFaults fault;
    const char* message;
  };
  const Case cases[] = {
      {"bad signature", {.bad_csw_signature = true}, "invalid CSW"},
      {"bad tag", {.bad_csw_tag = true}, "does not match CBW tag"},
      {"short CSW", {.short_csw = true}, "CSW of 12 bytes"},
      {"reserved status", {.reserved_status = true}, "reserved"},
      {"residue too large", {.residue_too_large = true}, "exceeds the transfer length"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Rig rig;
    rig.lun0.reply_data = kInquiry36;
    rig.device.arm(c.fault);
    std::vector<std::uint8_t> buf(96);
    auto r = rig.inquiry(buf);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::transport_error);
    CHECK(r.error().message.find(c.message) != std::string::npos);
    CHECK(rig.device.resets == 1);
    CHECK(rig.t0.take_position_lost());
    rig.check_usable_again();
  }
}

TEST_CASE("BOT short data-in: the bytes received count, whatever the residue says", "[usb]") {
  Rig rig;
  rig.lun0.reply_data = kInquiry36;
  rig.device.arm({.truncate_data_in = 20});
  std::vector<std::uint8_t> buf(96);
  auto honest = rig.inquiry(buf);
  REQUIRE(honest.ok());
  CHECK(honest->transferred == 20);
  CHECK(honest->residual == 76);

  rig.device.arm({.truncate_data_in = 20, .residue_lies_zero = true});
  auto liar = rig.inquiry(buf);
  REQUIRE(liar.ok());
  CHECK(liar->transferred == 20);  // a residue of 0 cannot create bytes
  CHECK(liar->residual == 76);
  CHECK(rig.device.resets == 0);
}

TEST_CASE("BOT padded data-in: the CSW residue says how much is real", "[usb]") {
  Rig rig;
  rig.lun0.reply_data = kInquiry36;
  rig.device.arm({.pad_data_in = true});
  std::vector<std::uint8_t> buf(96);
  auto r = rig.inquiry(buf);
  REQUIRE(r.ok());
  CHECK(r->transferred == 36);
  CHECK(r->residual == 60);
}

TEST_CASE("BOT zero-length packet before the CSW is read past", "[usb]") {
  Rig rig;
  rig.device.arm({.zero_length_before_csw = true});
  auto r = rig.tur();
  REQUIRE(r.ok());
  CHECK(r->good());
  CHECK(rig.device.resets == 0);
}

TEST_CASE("BOT device with more data than asked: overflow, reset recovery", "[usb]") {
  Rig rig;
  rig.lun0.reply_data = kInquiry36;
  rig.device.arm({.extra_data_in = true});
  std::vector<std::uint8_t> buf(96);
  auto r = rig.inquiry(buf);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::transport_error);
  CHECK(rig.device.resets == 1);
  rig.check_usable_again();
}

TEST_CASE("BOT timeouts in the data phase and before the CSW", "[usb]") {
  Rig rig;
  rig.device.arm({.hang_in_data = true});
  std::vector<std::uint8_t> block(512);
  auto w = rig.write(block);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::timeout);
  CHECK(rig.device.resets == 1);
  CHECK(rig.t0.take_position_lost());
  rig.check_usable_again();

  rig.device.arm({.hang_before_csw = true});
  auto t = rig.tur();
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code == Errc::timeout);
  CHECK(t.error().message.find("no CSW within 1000 ms") != std::string::npos);
  CHECK(rig.device.resets == 2);
  rig.check_usable_again();
}

TEST_CASE("BOT CBW the device finds not meaningful: stalls until reset recovery", "[usb]") {
  Rig rig;
  rig.device.arm({.stall_cbw = true});
  auto r = rig.tur();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::transport_error);
  CHECK(rig.device.resets == 1);
  CHECK_FALSE(rig.device.in_halted());
  CHECK_FALSE(rig.device.out_halted());
  rig.check_usable_again();
}

TEST_CASE("BOT: a halted bulk-out at CBW time is a rejected CBW", "[usb]") {
  Rig rig;
  rig.device.halt(BulkEndpoint::out);
  auto r = rig.tur();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::transport_error);
  CHECK(r.error().message.find("rejected the CBW") != std::string::npos);
  CHECK(rig.device.events == std::vector<std::string>{"reset", "clear-in", "clear-out"});
  CHECK_FALSE(rig.device.out_halted());
  rig.check_usable_again();
}

TEST_CASE("BOT: a stalled data-out of zero bytes still ends with the CSW", "[usb]") {
  Rig rig;
  rig.device.arm({.stall_data_out_after = 0});
  std::vector<std::uint8_t> block(64);
  auto w = rig.write(block);
  REQUIRE(w.ok());
  CHECK(w->status == hal::scsi_status::check_condition);
  CHECK(w->residual == 64);
  CHECK_FALSE(rig.device.out_halted());
}

TEST_CASE("BOT: an unplugged device is connection lost, without recovery attempts", "[usb]") {
  Rig rig;
  rig.device.unplug();
  auto r = rig.tur();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::connection_lost);
  CHECK(rig.device.events.empty());
}

TEST_CASE("BOT: reset recovery that fails leaves the device lost", "[usb]") {
  Rig rig;
  rig.device.reject_reset(true);
  rig.device.arm({.phase_error = true});
  auto r = rig.tur();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::connection_lost);
  CHECK(r.error().message.find("reset recovery failed") != std::string::npos);
  CHECK(rig.t0.take_position_lost());
}

TEST_CASE("BOT refuses commands the wrapper cannot carry, sending nothing", "[usb]") {
  Rig rig;
  std::array<std::uint8_t, 17> cdb{};
  auto r = rig.t0.execute({.cdb = cdb, .timeout = 1s});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::invalid_argument);
  CHECK(rig.device.cbws.empty());
}

TEST_CASE("BOT: a failed CSW without held sense still asks REQUEST SENSE", "[usb]") {
  ScriptTarget only;
  BotDeviceModel device({&only});
  auto protocol = std::make_shared<BotProtocol>(device);
  UsbBotTransport t(protocol, 0, "usb:x");
  only.status = hal::scsi_status::busy;  // no sense with BUSY
  std::array<std::uint8_t, 6> tur{};
  auto r = t.execute({.cdb = tur, .timeout = 1s});
  REQUIRE(r.ok());
  CHECK(r->status == hal::scsi_status::check_condition);
  // The target's REQUEST SENSE answered NO SENSE: 18 bytes.
  CHECK(r->sense_length == 18);
  CHECK((r->sense[2] & 0x0F) == 0);
}

TEST_CASE("BOT: an absent LUN fails with LOGICAL UNIT NOT SUPPORTED", "[usb]") {
  ScriptTarget only;
  BotDeviceModel device({&only, nullptr});
  auto protocol = std::make_shared<BotProtocol>(device);
  UsbBotTransport t(protocol, 1, "usb:x/1");
  std::array<std::uint8_t, 6> tur{};
  auto r = t.execute({.cdb = tur, .timeout = 1s});
  REQUIRE(r.ok());
  CHECK(r->status == hal::scsi_status::check_condition);
  REQUIRE(r->sense_length == 18);
  CHECK((r->sense[2] & 0x0F) == 0x05);
  CHECK(r->sense[12] == 0x25);
}

TEST_CASE("BOT: REQUEST SENSE that itself fails gives CHECK CONDITION without sense", "[usb]") {
  Rig rig;
  rig.lun0.status = hal::scsi_status::check_condition;
  rig.lun0.sense = {0x70, 0, 0x03, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x11, 0x00, 0, 0, 0, 0};
  rig.device.fail_request_sense(true);
  auto r = rig.tur();
  REQUIRE(r.ok());
  CHECK(r->status == hal::scsi_status::check_condition);
  CHECK(r->sense_length == 0);
  CHECK(rig.device.resets == 0);
}
