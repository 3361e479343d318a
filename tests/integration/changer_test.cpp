// The changer driver against tgt's SMC target over iSCSI: inventory with
// barcodes at the vtl's non-contiguous element addresses, slot -> drive ->
// slot, and mail-slot export/import.
#include <catch2/catch.hpp>

#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "vtl_fixture.hpp"

using tg::Errc;
using namespace tg::drivers;
using tg::test::Vtl;

namespace {
std::uint16_t addr(const Vtl& v, const char* key, int index = 0) {
  return static_cast<std::uint16_t>(v.env_int(key) + index);
}
}  // namespace

TEST_CASE("inventory lists every element with barcodes at the device's addresses", "[integration][changer]") {
  Vtl vtl({.drives = 2, .slots = 5, .mailslots = 2, .cartridges = 3, .barcode_prefix = "INV"});
  auto t = tg::test::open_lun(vtl, vtl.changer_lun());
  MediaChanger changer(*t, "lib0");

  auto map = changer.element_map();
  TG_REQUIRE_OK(map);
  CHECK(map->transport.first == addr(vtl, "VTL_PICKER_ADDR"));
  CHECK(map->storage.first == addr(vtl, "VTL_SLOT_ADDR"));
  CHECK(map->storage.count == 5);
  CHECK(map->import_export.first == addr(vtl, "VTL_MAIL_ADDR"));
  CHECK(map->import_export.count == 2);
  CHECK(map->data_transfer.first == addr(vtl, "VTL_DRIVE_ADDR"));
  CHECK(map->data_transfer.count == 2);

  auto inv = changer.inventory();
  TG_REQUIRE_OK(inv);
  CHECK(inv->of_type(ElementType::storage).size() == 5);
  CHECK(inv->of_type(ElementType::import_export).size() == 2);
  CHECK(inv->of_type(ElementType::data_transfer).size() == 2);
  const auto barcodes = vtl.barcodes();
  REQUIRE(barcodes.size() == 3);
  for (std::size_t i = 0; i < barcodes.size(); ++i) {
    INFO(barcodes[i]);
    const ElementStatus* e = inv->find_barcode(barcodes[i]);
    REQUIRE(e != nullptr);
    CHECK(e->type == ElementType::storage);
    CHECK(e->address == addr(vtl, "VTL_SLOT_ADDR", static_cast<int>(i)));
    CHECK(e->full);
  }
  const ElementStatus* empty = inv->find_address(addr(vtl, "VTL_SLOT_ADDR", 4));
  REQUIRE(empty != nullptr);
  CHECK_FALSE(empty->full);
  CHECK(empty->barcode.empty());
  // Drive serials from DVCID, as set by tools/vtl.
  const ElementStatus* d0 = inv->find_address(addr(vtl, "VTL_DRIVE_ADDR"));
  REQUIRE(d0 != nullptr);
  CHECK_THAT(d0->drive_serial, Catch::EndsWith("VTLDRV0001"));
}

TEST_CASE("move slot -> drive -> slot, and errors for full and empty elements", "[integration][changer]") {
  Vtl vtl({.drives = 1, .slots = 4, .mailslots = 0, .cartridges = 2});
  auto ct = tg::test::open_lun(vtl, vtl.changer_lun());
  MediaChanger changer(*ct, "lib0");
  const auto slot0 = addr(vtl, "VTL_SLOT_ADDR"), slot1 = addr(vtl, "VTL_SLOT_ADDR", 1),
             slot3 = addr(vtl, "VTL_SLOT_ADDR", 3), drive = addr(vtl, "VTL_DRIVE_ADDR");
  const auto barcode = vtl.barcodes().at(0);

  TG_REQUIRE_OK(changer.move(slot0, drive));
  auto inv = changer.inventory();
  TG_REQUIRE_OK(inv);
  const ElementStatus* d = inv->find_address(drive);
  REQUIRE(d != nullptr);
  CHECK(d->full);
  CHECK(d->barcode == barcode);
  REQUIRE(d->source);
  CHECK(*d->source == slot0);
  CHECK_FALSE(inv->find_address(slot0)->full);

  // The cartridge really is in the tape LUN behind that element.
  auto dt = tg::test::open_lun(vtl, 1);
  TapeDrive tape(*dt, "drive0");
  TG_REQUIRE_OK(tape.wait_ready(std::chrono::seconds(30)));

  // Into an occupied element / from an empty one: distinct errors.
  auto full = changer.move(slot1, drive);
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().code == Errc::element_full);
  auto empty = changer.move(slot0, slot3);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == Errc::element_empty);

  // Back home to another slot (the picker goes anywhere free).
  TG_REQUIRE_OK(changer.move(drive, slot3));
  inv = changer.inventory();
  TG_REQUIRE_OK(inv);
  CHECK_FALSE(inv->find_address(drive)->full);
  CHECK(inv->find_address(slot3)->barcode == barcode);
}

TEST_CASE("mail slots: export a cartridge, import it again", "[integration][changer]") {
  Vtl vtl({.drives = 1, .slots = 4, .mailslots = 2, .cartridges = 2, .barcode_prefix = "MS"});
  auto ct = tg::test::open_lun(vtl, vtl.changer_lun());
  MediaChanger changer(*ct, "lib0");
  const auto slot1 = addr(vtl, "VTL_SLOT_ADDR", 1);
  const auto barcode = vtl.barcodes().at(1);

  auto mail = changer.export_to_mailslot(slot1);
  TG_REQUIRE_OK(mail);
  CHECK(*mail >= addr(vtl, "VTL_MAIL_ADDR"));
  CHECK(*mail < addr(vtl, "VTL_MAIL_ADDR", 2));
  auto inv = changer.inventory();
  TG_REQUIRE_OK(inv);
  const ElementStatus* m = inv->find_barcode(barcode);
  REQUIRE(m != nullptr);
  CHECK(m->type == ElementType::import_export);

  // A cartridge the changer exported itself waits there for the operator:
  // import leaves it alone (it brings in only operator-placed media).
  auto imported = changer.import_mailslots();
  TG_REQUIRE_OK(imported);
  CHECK(imported->empty());
  // Taking it back in is an explicit move.
  TG_REQUIRE_OK(changer.move(*mail, slot1));
  inv = changer.inventory();
  TG_REQUIRE_OK(inv);
  m = inv->find_barcode(barcode);
  REQUIRE(m != nullptr);
  CHECK(m->type == ElementType::storage);
}
