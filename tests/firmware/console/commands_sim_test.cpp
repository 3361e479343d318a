// sim insert / sim remove: the simulated operator at the mail slots.
#include "firmware/console/bench.hpp"

using namespace tg;
using namespace tg::firmware::console;
using drivers::ElementType;

TEST_CASE("sim remove takes an export out, sim insert brings it back with its data, import takes it in", "[console][sim]") {
  test::Bench b;
  auto help = b.run({"help"});
  CHECK(help.output.find("sim insert") != std::string::npos);

  REQUIRE(b.run({"load", "TG0002L9"}).exit_status == kExitOk);
  REQUIRE(b.run({"drive", "rewind", "drive0"}).exit_status == kExitOk);
  REQUIRE(b.run({"unload", "TG0002L9"}).exit_status == kExitOk);
  REQUIRE(b.run({"export", "TG0002L9"}).exit_status == kExitOk);
  // An export waiting in the mail slot is not an import.
  auto nothing = b.run({"import"});
  CHECK(nothing.output.find("nothing imported") != std::string::npos);

  auto inside = b.run({"sim", "remove", "TG0001L9"});
  CHECK(inside.exit_status == kExitUsage);
  CHECK(inside.output.find("not in a mail slot") != std::string::npos);
  auto out = b.run({"sim", "remove", "TG0002L9"});
  INFO(out.output);
  REQUIRE(out.exit_status == kExitOk);
  CHECK_FALSE(b.inventory().find_barcode("TG0002L9"));

  auto in = b.run({"sim", "insert", "TG0002L9", "--mailslot", "2"});
  INFO(in.output);
  REQUIRE(in.exit_status == kExitOk);
  auto inv = b.inventory();
  const auto* at = inv.find_barcode("TG0002L9");
  REQUIRE(at);
  CHECK(at->type == ElementType::import_export);
  CHECK(at->address == inv.of_type(ElementType::import_export).at(1)->address);
  auto twice = b.run({"sim", "insert", "TG0002L9"});
  CHECK(twice.exit_status == kExitFailed);
  CHECK(twice.output.find("already in the library") != std::string::npos);

  auto fresh = b.run({"sim", "insert", "NEW001L9"});
  REQUIRE(fresh.exit_status == kExitOk);
  auto imported = b.run({"import"});
  INFO(imported.output);
  CHECK(imported.output.find("imported 2 cartridge(s)") != std::string::npos);
  // Both load: the one taken out kept its cartridge memory, the new one is blank.
  CHECK(b.run({"load", "TG0002L9"}).exit_status == kExitOk);
  CHECK(b.run({"load", "NEW001L9"}).exit_status == kExitOk);

  auto empty = b.run({"sim", "remove", "--mailslot", "1"});
  CHECK(empty.exit_status == kExitFailed);
  CHECK(empty.output.find("is empty") != std::string::npos);
  CHECK(b.run({"sim", "remove", "--mailslot", "9"}).exit_status == kExitUsage);
  CHECK(b.run({"sim", "remove"}).exit_status == kExitUsage);
}

TEST_CASE("on a real library the sim commands say the operator acts at the library", "[console][sim]") {
  test::Bench b;
  b.board->library().hands = nullptr;  // as a board wired to real devices
  auto help = b.run({"help"});
  CHECK(help.output.find("sim insert") == std::string::npos);
  auto in = b.run({"sim", "insert", "TG0009L9"});
  CHECK(in.exit_status == kExitFailed);
  CHECK(in.output.find("the operator puts cartridges into") != std::string::npos);
}
