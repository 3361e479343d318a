// MediaChanger against canned replies: element map, paged inventory,
// DVCID fallback, move errors in the operator's words, mail slots.
#include <catch2/catch.hpp>

#include "drivers/media_changer.hpp"
#include "drivers/scripted_target.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "hal/bytes.hpp"
#include "hal/in_process_transport.hpp"
#include "scsi/element_status_builder.hpp"

using namespace tg;
using namespace tg::drivers;
using namespace tg::test;
namespace op = tg::scsi::op;
using B = std::vector<std::uint8_t>;

namespace {

// MODE SENSE(6) reply with page 0x1D: picker 1, slots 1000+count, mail 10+2, drives 500+2.
B page_1d(std::uint16_t slots = 24) {
  B r{23, 0, 0, 0, 0x1D, 0x12, 0, 1, 0, 1, 0x03, 0xE8, 0, 0, 0, 10, 0, 2, 0x01, 0xF4, 0, 2, 0, 0};
  r[12] = static_cast<std::uint8_t>(slots >> 8);
  r[13] = static_cast<std::uint8_t>(slots);
  return r;
}

struct Rig {
  ScriptedTarget target;
  hal::InProcessTransport transport{target, "scripted"};
  MediaChanger changer{transport, "lib0"};
};

B picker_page() {
  ElementPage p{.type = 1, .pvoltag = true};
  p.add(1, false, 0);
  return element_status_reply({p});
}
B slots_page(std::uint16_t first, std::uint16_t n, std::uint16_t full_mask_every = 2) {
  ElementPage p{.type = 2, .pvoltag = true};
  for (std::uint16_t i = 0; i < n; ++i) {
    const bool full = i % full_mask_every == 0;
    auto& d = p.add(static_cast<std::uint16_t>(first + i), full);
    if (full) d.tag("TP" + std::to_string(1000 + first + i) + "L9    ");
  }
  return element_status_reply({p});
}
B mail_page(bool first_full, bool operator_placed) {
  ElementPage p{.type = 3, .pvoltag = true};
  auto& d = p.add(10, first_full, static_cast<std::uint8_t>(0x08 | 0x30 | (operator_placed ? 0x02 : 0)));
  if (first_full) d.tag("NEW001L9");
  if (first_full && !operator_placed) d.source(1001);
  p.add(11, false, 0x08 | 0x30);
  return element_status_reply({p});
}
B drives_page() {
  ElementPage p{.type = 4, .pvoltag = true, .id_length = 34};
  p.add(500, true).tag("TP2000L9").source(1003).t10_id("TAPEGATE", "SIM LTO DRIVE", "SN0500");
  p.add(501, false).t10_id("TAPEGATE", "SIM LTO DRIVE", "SN0501");
  return element_status_reply({p});
}

void script_inventory(ScriptedTarget& t, bool operator_placed = true) {
  t.push(good(op::mode_sense6, page_1d(4)));
  t.push(good(op::read_element_status, picker_page()));
  t.push(good(op::read_element_status, slots_page(1000, 4)));
  t.push(good(op::read_element_status, mail_page(true, operator_placed)));
  t.push(good(op::read_element_status, drives_page()));
}

}  // namespace

TEST_CASE("element map from MODE SENSE page 0x1D") {
  Rig r;
  r.target.push(good(op::mode_sense6, page_1d()));
  auto m = r.changer.element_map();
  REQUIRE(m.ok());
  CHECK(m->transport.first == 1);
  CHECK(m->storage.first == 1000);
  CHECK(m->storage.count == 24);
  CHECK(m->import_export.first == 10);
  CHECK(m->data_transfer.first == 500);
  CHECK(r.target.cdbs().back() == B{0x1A, 0x08, 0x1D, 0x00, 255, 0});
  CHECK(r.changer.element_label(1004) == "slot 1004");
  CHECK(r.changer.element_label(501) == "drive 501");
  CHECK(r.changer.element_label(11) == "mail slot 11");
  CHECK(r.changer.element_label(1) == "picker 1");
  CHECK(r.changer.element_label(7) == "element 7");
}

TEST_CASE("inventory: per type, VOLTAG always, DVCID for drives, barcodes trimmed, serials") {
  Rig r;
  script_inventory(r.target);
  auto inv = r.changer.inventory();
  REQUIRE(inv.ok());
  CHECK(r.target.done());
  REQUIRE(inv->elements.size() == 1 + 4 + 2 + 2);
  CHECK(inv->of_type(ElementType::storage).size() == 4);
  const auto* s = inv->find_barcode("TP2000L9");
  REQUIRE(s);
  CHECK(s->type == ElementType::storage);
  CHECK(s->address == 1000);
  const auto* d = inv->find_address(500);
  REQUIRE(d);
  CHECK(d->barcode == "TP2000L9");
  CHECK(d->drive_serial == "SN0500");
  REQUIRE(d->source);
  CHECK(*d->source == 1003);
  CHECK(inv->find_address(501)->drive_serial == "SN0501");
  const auto* m = inv->find_address(10);
  CHECK(m->import_export_enabled);
  CHECK(m->barcode == "NEW001L9");
  CHECK(inv->find_barcode("") == nullptr);
  // Storage: VOLTAG, type 2, start 1000, count 4, DVCID 0.
  const auto& storage_cdb = r.target.cdbs()[2];
  CHECK(storage_cdb[1] == 0x12);
  CHECK(get_be16(storage_cdb, 2) == 1000);
  CHECK(get_be16(storage_cdb, 4) == 4);
  CHECK(storage_cdb[6] == 0x00);
  // Drives: DVCID set.
  CHECK(r.target.cdbs()[4][1] == 0x14);
  CHECK(r.target.cdbs()[4][6] == 0x01);
}

TEST_CASE("inventory pages by starting address when the reply exceeds the allocation") {
  Rig r;
  r.changer.set_inventory_allocation(1024);
  r.target.push(good(op::mode_sense6, page_1d(24)));
  r.target.push(good(op::read_element_status, picker_page()));
  // 24 slots of 48 bytes do not fit 1024: the first reply holds 21 whole descriptors.
  r.target.push(good(op::read_element_status, slots_page(1000, 24)));
  r.target.push(good(op::read_element_status, slots_page(1021, 3)));
  r.target.push(good(op::read_element_status, mail_page(false, false)));
  r.target.push(good(op::read_element_status, drives_page()));
  auto inv = r.changer.inventory();
  REQUIRE(inv.ok());
  CHECK(r.target.done());
  const auto slots = inv->of_type(ElementType::storage);
  REQUIRE(slots.size() == 24);
  for (std::size_t i = 0; i < slots.size(); ++i) CHECK(slots[i]->address == 1000 + i);
  const auto& second = r.target.cdbs()[3];
  CHECK(get_be16(second, 2) == 1021);
  CHECK(get_be16(second, 4) == 3);
  CHECK(tg::get_be24(second, 7) == 1024);
}

TEST_CASE("inventory grows the allocation when not one descriptor fits") {
  Rig r;
  r.changer.set_inventory_allocation(64);
  r.target.push(good(op::mode_sense6, page_1d(4)));
  // A picker descriptor of 12 + 72 + 204 = 288 bytes cannot fit 64: the changer is asked
  // again with room for the report it announced.
  ElementPage fat{.type = 1, .pvoltag = true, .avoltag = true, .id_length = 200};
  fat.add(1, false, 0);
  B big = element_status_reply({fat});
  r.target.push(good(op::read_element_status, big));
  r.target.push(good(op::read_element_status, big));
  ElementPage one{.type = 2};
  for (std::uint16_t a = 0; a < 4; ++a) one.add(static_cast<std::uint16_t>(1000 + a), false);
  // Tag-less 12-byte descriptors: 64 bytes hold 4 of them exactly.
  r.target.push(good(op::read_element_status, element_status_reply({one})));
  ElementPage mail{.type = 3};
  mail.add(10, false);
  mail.add(11, false);
  r.target.push(good(op::read_element_status, element_status_reply({mail})));
  ElementPage drives{.type = 4};
  drives.add(500, false);
  drives.add(501, false);
  r.target.push(good(op::read_element_status, element_status_reply({drives})));
  auto inv = r.changer.inventory();
  REQUIRE(inv.ok());
  CHECK(r.target.done());
  CHECK(inv->of_type(ElementType::transport).size() == 1);
  CHECK(inv->of_type(ElementType::storage).size() == 4);
  CHECK(tg::get_be24(r.target.cdbs()[1], 7) == 64);
  CHECK(tg::get_be24(r.target.cdbs()[2], 7) == big.size());
}

TEST_CASE("inventory retries without DVCID when the changer rejects it") {
  Rig r;
  r.target.push(good(op::mode_sense6, page_1d(4)));
  r.target.push(good(op::read_element_status, picker_page()));
  r.target.push(good(op::read_element_status, slots_page(1000, 4)));
  r.target.push(good(op::read_element_status, mail_page(false, false)));
  r.target.push(check(op::read_element_status, fixed_sense(0x05, 0x24, 0x00)));
  ElementPage p{.type = 4, .pvoltag = true};
  p.add(500, false);
  p.add(501, false);
  r.target.push(good(op::read_element_status, element_status_reply({p})));
  auto inv = r.changer.inventory();
  REQUIRE(inv.ok());
  CHECK(r.target.cdbs()[4][6] == 0x01);
  CHECK(r.target.cdbs()[5][6] == 0x00);
  CHECK(inv->find_address(501)->drive_serial.empty());
}

TEST_CASE("inventory without page 0x1D reads all element types at once") {
  Rig r;
  r.target.push(check(op::mode_sense6, fixed_sense(0x05, 0x24, 0x00)));
  ElementPage slots{.type = 2, .pvoltag = true};
  slots.add(7, true).tag("A00001L9");
  ElementPage drives{.type = 4, .pvoltag = true};
  drives.add(3, false);
  r.target.push(good(op::read_element_status, element_status_reply({slots, drives})));
  auto inv = r.changer.inventory();
  REQUIRE(inv.ok());
  REQUIRE(inv->elements.size() == 2);
  CHECK(inv->find_barcode("A00001L9")->address == 7);
  CHECK(r.target.cdbs()[1][1] == 0x10);  // VOLTAG, type 0 (all)
}

TEST_CASE("move: CDB, and full/empty errors name the elements") {
  Rig r;
  r.target.push(good(op::mode_sense6, page_1d()));
  r.target.push(good(op::move_medium));
  REQUIRE(r.changer.move(1004, 500).ok());
  CHECK(r.target.cdbs().back() == B{0xA5, 0, 0, 1, 0x03, 0xEC, 0x01, 0xF4, 0, 0, 0, 0});

  r.target.push(check(op::move_medium, fixed_sense(0x05, 0x3B, 0x0D)));
  auto s = r.changer.move(1004, 500);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::element_full);
  CHECK(s.error().message ==
        "changer lib0: MOVE MEDIUM slot 1004 -> drive 500: ILLEGAL REQUEST: MEDIUM DESTINATION ELEMENT FULL (3B/0D) "
        "(drive 500 is occupied)");

  r.target.push(check(op::move_medium, fixed_sense(0x05, 0x3B, 0x0E)));
  s = r.changer.move(1005, 501);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::element_empty);
  CHECK_THAT(s.error().message, Catch::EndsWith("(slot 1005 is empty)"));

  r.target.push(check(op::move_medium, fixed_sense(0x04, 0x15, 0x01)));
  s = r.changer.move(1005, 501);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::hardware_error);
}

TEST_CASE("initialize element status") {
  Rig r;
  r.target.push(good(op::initialize_element_status));
  REQUIRE(r.changer.initialize_element_status().ok());
  CHECK(r.target.cdbs().back() == B{0x07, 0, 0, 0, 0, 0});
}

TEST_CASE("import: operator-placed cartridges move to the first free slots") {
  Rig r;
  script_inventory(r.target, true);
  r.target.push(good(op::move_medium));
  auto got = r.changer.import_mailslots();
  REQUIRE(got.ok());
  CHECK(*got == std::vector<std::string>{"NEW001L9"});
  // Slots 1000 and 1002 are full (every second one): the first free is 1001.
  CHECK(r.target.cdbs().back() == B{0xA5, 0, 0, 1, 0, 10, 0x03, 0xE9, 0, 0, 0, 0});

  // A cartridge the changer exported (IMPEXP clear, source known) stays for the operator.
  Rig e;
  script_inventory(e.target, false);
  got = e.changer.import_mailslots();
  REQUIRE(got.ok());
  CHECK(got->empty());
  CHECK(e.target.done());
}

TEST_CASE("export: to the first empty mail slot, errors when the source is empty") {
  Rig r;
  script_inventory(r.target, true);
  r.target.push(good(op::move_medium));
  auto slot = r.changer.export_to_mailslot(1002);
  REQUIRE(slot.ok());
  CHECK(*slot == 11);

  Rig e;
  script_inventory(e.target, true);
  slot = e.changer.export_to_mailslot(1001);
  REQUIRE_FALSE(slot.ok());
  CHECK(slot.error().code == Errc::element_empty);
  CHECK(slot.error().message == "changer lib0: export: slot 1001 is empty");
}
