// Console commands against the simulated board.
#include "bench.hpp"

using namespace tg;
using namespace tg::firmware::console;
using drivers::ElementType;

namespace {
const drivers::ElementStatus* first_full_slot(const drivers::Inventory& inv) {
  for (const auto* e : inv.of_type(ElementType::storage))
    if (e->full && !e->barcode.empty()) return e;
  return nullptr;
}
}  // namespace

TEST_CASE("inventory shows every drive, slot and mail slot the changer reports", "[console][board]") {
  test::Bench b;
  auto out = b.run({"inventory"});
  REQUIRE(out.exit_status == kExitOk);
  auto inv = b.inventory();
  REQUIRE_FALSE(inv.of_type(ElementType::import_export).empty());
  for (const auto& e : inv.elements) {
    if (e.type == ElementType::transport) continue;
    CHECK(out.output.find(" " + std::to_string(e.address) + " ") != std::string::npos);
    if (!e.barcode.empty()) CHECK(out.output.find(e.barcode) != std::string::npos);
  }
  for (const auto& d : b.board->library().drives) CHECK(out.output.find(d.drive->name()) != std::string::npos);
  auto json = b.run({"inventory", "--json"});
  REQUIRE(json.exit_status == kExitOk);
  std::size_t slots = inv.of_type(ElementType::storage).size(), rows = 0;
  for (auto p = json.output.find("\"slot\":"); p != std::string::npos; p = json.output.find("\"slot\":", p + 1)) ++rows;
  CHECK(rows == slots);
}

TEST_CASE("load and unload round-trip a cartridge to its home slot", "[console][board]") {
  test::Bench b;
  auto before = b.inventory();
  const auto* slot = first_full_slot(before);
  REQUIRE(slot);
  const std::string barcode = slot->barcode;
  const std::uint16_t home = slot->address;
  const auto& drive = b.board->library().drives.at(1);

  auto load = b.run({"load", barcode, drive.drive->name()});
  INFO(load.output);
  REQUIRE(load.exit_status == kExitOk);
  auto loaded = b.inventory();
  REQUIRE(loaded.find_barcode(barcode));
  CHECK(loaded.find_barcode(barcode)->address == drive.element_address);
  CHECK_FALSE(loaded.find_address(home)->full);

  auto status = b.run({"status"});
  REQUIRE(status.exit_status == kExitOk);
  CHECK(status.output.find(barcode) != std::string::npos);

  auto again = b.run({"load", barcode});
  CHECK(again.exit_status == kExitFailed);
  CHECK(again.output.find("already in drive " + drive.drive->name()) != std::string::npos);

  auto unload = b.run({"unload", barcode});
  INFO(unload.output);
  REQUIRE(unload.exit_status == kExitOk);
  auto after = b.inventory();
  CHECK(after.find_barcode(barcode)->address == home);
  CHECK_FALSE(after.find_address(drive.element_address)->full);

  auto empty = b.run({"unload", drive.drive->name()});
  CHECK(empty.exit_status == kExitFailed);
  CHECK(empty.output.find("holds no cartridge") != std::string::npos);
}

TEST_CASE("load without a drive takes a free one, errors name barcode, slot and drive", "[console][board]") {
  test::Bench b;
  auto inv = b.inventory();
  const auto* slot = first_full_slot(inv);
  REQUIRE(slot);
  auto any = b.run({"load", slot->barcode});
  REQUIRE(any.exit_status == kExitOk);
  auto unknown = b.run({"load", "NOPE01L9"});
  CHECK(unknown.exit_status == kExitFailed);
  CHECK(unknown.output.find("no cartridge with barcode NOPE01L9") != std::string::npos);
  auto nodrive = b.run({"unload", "drive9"});
  CHECK(nodrive.output.find("'drive9' is neither a drive nor the barcode") != std::string::npos);
  auto busy = b.drives->reserve("job 7 (backup nightly)", b.board->library().drives.at(1).drive->name());
  REQUIRE(busy.ok());
  auto inuse = b.run({"drive", "rewind", b.board->library().drives.at(1).drive->name()});
  CHECK(inuse.exit_status == kExitFailed);
  CHECK(inuse.output.find("in use by job 7 (backup nightly)") != std::string::npos);
}

TEST_CASE("move accepts addresses, slot N, mail N, drive NAME and barcodes", "[console][board]") {
  test::Bench b;
  auto inv = b.inventory();
  const auto* slot = first_full_slot(inv);
  REQUIRE(slot);
  const std::string bc = slot->barcode;
  auto mails = inv.of_type(ElementType::import_export);
  REQUIRE(mails.size() >= 1);

  const auto start = slot->address;
  REQUIRE(b.run({"move", bc, "mail", "1"}).exit_status == kExitOk);
  CHECK(b.inventory().find_barcode(bc)->address == mails[0]->address);
  // The robot put it there: an export waiting for the operator, not an import.
  auto import = b.run({"import"});
  REQUIRE(import.exit_status == kExitOk);
  CHECK(import.output.find("nothing imported") != std::string::npos);
  REQUIRE(b.run({"move", "mail", "1", std::to_string(start)}).exit_status == kExitOk);
  CHECK(b.inventory().find_barcode(bc)->address == start);

  const auto home = b.inventory().find_barcode(bc)->address;
  const auto& d0 = b.board->library().drives.at(0);
  REQUIRE(b.run({"move", std::to_string(home), "drive", d0.drive->name()}).exit_status == kExitOk);
  CHECK(b.inventory().find_barcode(bc)->address == d0.element_address);
  REQUIRE(b.run({"move", d0.drive->name(), std::to_string(home)}).exit_status == kExitOk);
  CHECK(b.inventory().find_barcode(bc)->address == home);

  // Errors: a full destination, an empty source, a slot that does not exist.
  const drivers::ElementStatus* other = nullptr;
  const auto inv_now = b.inventory();  // of_type() points into it: keep it alive
  for (const auto* e : inv_now.of_type(ElementType::storage))
    if (e->full && e->barcode != bc) other = e;
  REQUIRE(other);
  auto full = b.run({"move", bc, "barcode", other->barcode});
  CHECK(full.exit_status == kExitFailed);
  CHECK(full.output.find("already holds " + other->barcode) != std::string::npos);
  auto none = b.run({"move", "slot", "99", "mail", "1"});
  CHECK(none.output.find("there is no slot 99") != std::string::npos);
  auto bad = b.run({"move", "slot", "x", "mail", "1"});
  CHECK(bad.exit_status == kExitUsage);
}

TEST_CASE("export, erase and selftest on the simulated board", "[console][board]") {
  test::Bench b;
  auto inv = b.inventory();
  const auto* slot = first_full_slot(inv);
  REQUIRE(slot);
  const std::string bc = slot->barcode;
  const auto& d0 = b.board->library().drives.at(0);
  REQUIRE(b.run({"load", bc, d0.drive->name()}).exit_status == kExitOk);

  auto refused = b.run({"drive", "erase", d0.drive->name()});
  CHECK(refused.exit_status == kExitUsage);
  CHECK(refused.output.find("--force") != std::string::npos);
  auto erase = b.run({"drive", "erase", d0.drive->name(), "--force"});
  INFO(erase.output);
  REQUIRE(erase.exit_status == kExitOk);  // the job runs to completion in the foreground
  CHECK(erase.output.find("is erased") != std::string::npos);
  CHECK(b.io.streamed.find("erase " + d0.drive->name()) != std::string::npos);

  auto info = b.run({"drive", "info", d0.drive->name()});
  REQUIRE(info.exit_status == kExitOk);
  CHECK(info.output.find("medium:") != std::string::npos);

  auto exp = b.run({"export", bc});
  INFO(exp.output);
  REQUIRE(exp.exit_status == kExitOk);
  CHECK(b.inventory().find_barcode(bc)->type == ElementType::import_export);

  auto st = b.run({"selftest"});
  INFO(st.output);
  CHECK(st.exit_status == kExitOk);
  CHECK(st.output.find("passed") != std::string::npos);
}
