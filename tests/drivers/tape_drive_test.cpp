// TapeDrive's identity, medium, TapeAlert and MAM queries against canned replies.
#include <catch2/catch.hpp>

#include <cstring>

#include "drivers/scripted_target.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "drivers/tape_drive.hpp"
#include "hal/in_process_transport.hpp"

using namespace tg;
using namespace tg::drivers;
using namespace tg::test;
namespace op = tg::scsi::op;
using B = std::vector<std::uint8_t>;

namespace {
struct Rig {
  ScriptedTarget target;
  hal::InProcessTransport transport{target, "scripted"};
  TapeDrive drive{transport, "drive0"};
};

B inquiry_data(std::uint8_t type) {
  B r(36, ' ');
  r[0] = type;
  r[1] = 0x80;
  r[2] = 6;
  r[3] = 2;
  r[4] = 31;
  r[5] = r[6] = r[7] = 0;
  std::memcpy(&r[8], "IBM", 3);
  std::memcpy(&r[16], "ULT3580-TD9", 11);
  std::memcpy(&r[32], "Q3F5", 4);
  return r;
}
}  // namespace

TEST_CASE("identify: INQUIRY, serial and designators, VPD pages optional") {
  Rig r;
  r.target.push(good(op::inquiry, inquiry_data(0x01)));
  r.target.push(good(op::inquiry, {0x01, 0x80, 0, 4, '1', '0', '1', '3'}));
  r.target.push(good(op::inquiry, {0x01, 0x83, 0, 12, 0x01, 0x03, 0, 8, 0x50, 0, 0xE1, 0x11, 0x56, 0x30, 0x40, 0x01}));
  auto id = r.drive.identify();
  REQUIRE(id.ok());
  CHECK(id->peripheral_type == 1);
  CHECK(id->vendor == "IBM");
  CHECK(id->product == "ULT3580-TD9");
  CHECK(id->revision == "Q3F5");
  CHECK(id->serial == "1013");
  CHECK(id->designators == std::vector<std::string>{"naa:5000e11156304001"});
  CHECK(r.target.cdbs()[1] == B{0x12, 0x01, 0x80, 0x00, 252, 0});

  Rig bare;
  bare.target.push(good(op::inquiry, inquiry_data(0x01)));
  bare.target.push(check(op::inquiry, fixed_sense(0x05, 0x24, 0x00)));
  bare.target.push(check(op::inquiry, fixed_sense(0x05, 0x24, 0x00)));
  id = bare.drive.identify();
  REQUIRE(id.ok());
  CHECK(id->serial.empty());
  CHECK(id->designators.empty());

  Rig broken;
  broken.target.push(good(op::inquiry, B(20, 0)));
  id = broken.drive.identify();
  REQUIRE_FALSE(id.ok());
  CHECK(id.error().code == Errc::parse_error);
  CHECK(id.error().message == "drive drive0: INQUIRY: standard INQUIRY data: 20 bytes, need 36");
}

TEST_CASE("medium info: density name, write protect, block size, compression") {
  Rig r;
  r.target.push(good(op::test_unit_ready));
  r.target.push(good(op::mode_sense6, {27, 0x00, 0x90, 8, 0x60, 0, 0, 0, 0, 0x10, 0x00, 0x00, 0x0F, 0x0E, 0xC0,
                                       0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0}));
  auto m = r.drive.medium_info();
  REQUIRE(m.ok());
  CHECK(m->present);
  CHECK(m->write_protected);
  CHECK(m->density_code == 0x60);
  CHECK(m->density_name == "LTO-9");
  CHECK(m->block_size == 0x100000);
  CHECK(m->compression);
  CHECK_FALSE(m->worm);
  CHECK(r.drive.block_size() == 0x100000);
  CHECK(r.target.cdbs().back() == B{0x1A, 0x00, 0x0F, 0x00, 255, 0});

  Rig empty;
  empty.target.push(check(op::test_unit_ready, fixed_sense(0x02, 0x3A, 0x00)));
  empty.target.push(check(op::mode_sense6, fixed_sense(0x05, 0x24, 0x00)));
  empty.target.push(good(op::mode_sense6, {11, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0}));
  m = empty.drive.medium_info();
  REQUIRE(m.ok());
  CHECK_FALSE(m->present);
  CHECK(m->density_name.empty());
  CHECK_FALSE(m->compression);

  Rig attention;
  attention.target.push(check(op::test_unit_ready, fixed_sense(0x06, 0x28, 0x00)));
  m = attention.drive.medium_info();
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code == Errc::unit_attention);
}

TEST_CASE("set_compression: MODE SELECT with the page as read, DCE flipped") {
  Rig r;
  r.target.push(good(op::mode_sense6, {19, 0, 0x10, 0, 0x8F, 0x0E, 0xC0, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0}));
  r.target.push(good(op::mode_select6));
  REQUIRE(r.drive.set_compression(false).ok());
  CHECK(r.target.cdbs()[0] == B{0x1A, 0x08, 0x0F, 0x00, 255, 0});
  CHECK(r.target.cdbs()[1] == B{0x15, 0x10, 0, 0, 20, 0});
  CHECK(r.target.data_out()[1] == B{0, 0, 0, 0, 0x0F, 0x0E, 0x40, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0});

  Rig none;
  none.target.push(check(op::mode_sense6, fixed_sense(0x05, 0x24, 0x00)));
  auto s = none.drive.set_compression(true);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::unsupported);
}

TEST_CASE("tape alerts: decoded to names and severities, unsupported page") {
  Rig r;
  B page{0x2E, 0, 0, 15, 0, 0x01, 3, 1, 0, 0, 0x14, 3, 1, 1, 0, 0x3B, 3, 1, 1};
  r.target.push(good(op::log_sense, page));
  auto a = r.drive.tape_alerts();
  REQUIRE(a.ok());
  REQUIRE(a->size() == 2);
  CHECK((*a)[0].flag == 0x14);
  CHECK(std::string((*a)[0].name) == "Clean now");
  CHECK(std::string((*a)[0].severity) == "critical");
  CHECK((*a)[1].flag == 0x3B);
  CHECK(r.target.cdbs().back() == B{0x4D, 0, 0x6E, 0, 0, 0, 0, 0x01, 0x44, 0});

  Rig none;
  none.target.push(check(op::log_sense, fixed_sense(0x05, 0x24, 0x00)));
  a = none.drive.tape_alerts();
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().code == Errc::unsupported);
}

TEST_CASE("MAM: attributes named, ILLEGAL REQUEST tolerated as 'none', large lists re-asked") {
  Rig r;
  B attrs{0, 0, 0, 0,
          0x08, 0x06, 0x01, 0x00, 0x08, 'T', 'P', '0', '0', '0', '1', 'L', '9',
          0x00, 0x03, 0x80, 0x00, 0x02, 0x00, 0x11};
  attrs[3] = static_cast<std::uint8_t>(attrs.size() - 4);
  r.target.push(good(op::read_attribute, attrs));
  auto m = r.drive.mam_attributes();
  REQUIRE(m.ok());
  REQUIRE(m->size() == 2);
  CHECK((*m)[0].name == "Barcode");
  CHECK((*m)[0].value == "TP0001L9");
  CHECK((*m)[1].name == "Load count");
  CHECK((*m)[1].value == "17");

  Rig none;
  none.target.push(check(op::read_attribute, fixed_sense(0x05, 0x20, 0x00)));
  m = none.drive.mam_attributes();
  REQUIRE(m.ok());
  CHECK(m->empty());

  // A list bigger than 8 KiB: the first reply is cut, the drive is asked again with room.
  Rig big;
  B huge{0, 0, 0, 0};
  for (int i = 0; i < 100; ++i) {
    huge.insert(huge.end(), {0x08, 0x03, 0x02, 0x00, 0xA0});
    huge.insert(huge.end(), 160, 'x');
  }
  const std::uint32_t len = static_cast<std::uint32_t>(huge.size() - 4);
  huge[2] = static_cast<std::uint8_t>(len >> 8);
  huge[3] = static_cast<std::uint8_t>(len);
  big.target.push(good(op::read_attribute, huge));
  big.target.push(good(op::read_attribute, huge));
  m = big.drive.mam_attributes();
  REQUIRE(m.ok());
  CHECK(m->size() == 100);
  CHECK(big.target.done());
}

TEST_CASE("block limits, load, unload, prevent removal") {
  Rig r;
  r.target.push(good(op::read_block_limits, {0, 0x10, 0, 0, 0, 1}));
  auto l = r.drive.block_limits();
  REQUIRE(l.ok());
  CHECK(l->max_block == 1048576);
  CHECK(l->min_block == 1);
  r.target.push(good(op::load_unload));
  REQUIRE(r.drive.load().ok());
  CHECK(r.target.cdbs().back() == B{0x1B, 0, 0, 0, 1, 0});
  CHECK(r.drive.tracked_position() == 0u);
  r.target.push(good(op::prevent_allow_medium_removal));
  REQUIRE(r.drive.prevent_removal(true).ok());
  r.target.push(check(op::load_unload, fixed_sense(0x05, 0x53, 0x02)));
  auto u = r.drive.unload();
  REQUIRE_FALSE(u.ok());
  CHECK(u.error().message == "drive drive0: UNLOAD: ILLEGAL REQUEST: MEDIUM REMOVAL PREVENTED (53/02)");
  CHECK_FALSE(r.drive.tracked_position());
}

namespace {
B tapegate_inquiry() {
  B r = inquiry_data(0x01);
  std::memcpy(&r[8], "TAPEGATE", 8);
  std::memcpy(&r[16], "SIM LTO DRIVE   ", 16);
  return r;
}
void push_identity(Rig& r, B inquiry) {
  r.target.push(good(op::inquiry, std::move(inquiry)));
  r.target.push(check(op::inquiry, fixed_sense(0x05, 0x24, 0x00)));
  r.target.push(check(op::inquiry, fixed_sense(0x05, 0x24, 0x00)));
}
}  // namespace

TEST_CASE("drive counters: a real drive's vendor page 0x30 is never read, it is not available (not zero)") {
  Rig r;
  push_identity(r, inquiry_data(0x01));  // IBM
  auto c = r.drive.drive_counters();
  REQUIRE(c.ok());
  CHECK_FALSE(c->has_value());
  // Asked once: a second call sends nothing.
  const auto sent = r.target.cdbs().size();
  c = r.drive.drive_counters();
  REQUIRE(c.ok());
  CHECK_FALSE(c->has_value());
  CHECK(r.target.cdbs().size() == sent);
  for (const auto& cdb : r.target.cdbs()) CHECK(cdb[0] != op::log_sense);
}

TEST_CASE("drive counters: the TAPEGATE drive's page 0x30") {
  Rig r;
  push_identity(r, tapegate_inquiry());
  B page{0x30, 0, 0, 24, 0, 0, 0x60, 8, 0, 0, 0, 0, 0, 0, 0, 4, 0, 2, 0x60, 8, 0, 0, 0, 0, 0, 0, 0, 1};
  r.target.push(good(op::log_sense, page));
  auto c = r.drive.drive_counters();
  REQUIRE(c.ok());
  REQUIRE(c->has_value());
  CHECK((*c)->backhitches == 4);
  CHECK((*c)->stalls == 1);
  CHECK(r.target.cdbs().back()[2] == 0x70);  // PC=01 cumulative, page 0x30

  // A garbled page is an error naming the command, not a count.
  r.target.push(good(op::log_sense, {0x30, 0, 0, 40, 0, 0}));
  auto bad = r.drive.drive_counters();
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::parse_error);
}

TEST_CASE("drive counters: a TAPEGATE drive that refuses the page has none") {
  Rig r;
  push_identity(r, tapegate_inquiry());
  r.target.push(check(op::log_sense, fixed_sense(0x05, 0x24, 0x00)));
  auto c = r.drive.drive_counters();
  REQUIRE(c.ok());
  CHECK_FALSE(c->has_value());
}
