// Board files: the default board, and every kind of error with its line.
#include <catch2/catch.hpp>

#include <string>

#include "board/board_xml.hpp"

using namespace tg;
using namespace tg::board;

namespace {

Result<BoardDescription> parse(const std::string& xml) { return parse_board_xml(xml, "b.xml", "/etc/tapegate"); }

std::string error_of(const std::string& xml) {
  auto r = parse(xml);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("the default board file parses", "[board][xml]") {
  auto r = load_board_file(std::string(TAPEGATE_SOURCE_DIR) + "/board/sim.xml");
  REQUIRE(r.ok());
  const auto& d = *r;
  CHECK(d.name == "sim-default");
  REQUIRE(d.sim);
  CHECK(d.sim->generation == 9);
  CHECK(d.sim->drives.size() == 2);
  CHECK(d.sim->drives[1].element == 501);
  CHECK(d.sim->slot_count == 24);
  CHECK(d.sim->mailslot_count == 4);
  CHECK(d.sim->cartridges.size() == 8);
  CHECK(d.sim_drive_names == std::vector<std::string>{"drive0", "drive1"});
  CHECK(d.options.block_size == 1048576);
  CHECK_FALSE(d.state);
}

TEST_CASE("a board of explicit devices", "[board][xml]") {
  auto r = parse(R"(<board name="rack" state="state">
  <changer transport="iscsi://127.0.0.1:3260/iqn.2026-11.test/3"/>
  <drive name="top" element="256" transport="sg:/dev/sg4"/>
  <drive element="257" transport="usb:0x1234:0x5678:ABC"/>
</board>)");
  REQUIRE(r.ok());
  CHECK_FALSE(r->sim);
  REQUIRE(r->changer);
  CHECK(r->changer->name == "changer");
  REQUIRE(r->drives.size() == 2);
  CHECK(r->drives[0].name == "top");
  CHECK(r->drives[1].name == "drive1");
  CHECK(r->drives[1].line == 4);
  CHECK(*r->state == std::filesystem::path("/etc/tapegate/state"));
}

TEST_CASE("board file errors name the file, the line and the problem", "[board][xml]") {
  CHECK(error_of("<board>\n  <simulated-library>\n</board>").rfind("b.xml:2: broken XML", 0) == 0);
  CHECK(error_of("<library/>") == "b.xml:1: the root element must be <board>");
  CHECK(error_of("<board>\n<simulated-library>\n<robot/>\n</simulated-library></board>")
            .rfind("b.xml:3: <robot>: unknown element", 0) == 0);
  CHECK(error_of("<board>\n<simulated-library generation=\"9\">\n<drive/>\n</simulated-library></board>") ==
        "b.xml:3: <drive>: missing attribute 'element'");
  CHECK(error_of("<board>\n<simulated-library>\n<slots first=\"1e3\" count=\"2\"/>\n</simulated-library></board>") ==
        "b.xml:3: <slots>: attribute 'first': '1e3' is not a number");
  CHECK(error_of("<board>\n<simulated-library generation=\"4\"/></board>") ==
        "b.xml:2: <simulated-library>: attribute 'generation': 4 is not in 5..10");
  CHECK(error_of("<board>\n<options colour=\"red\"/></board>") == "b.xml:2: <options>: unknown attribute 'colour'");
  CHECK(error_of("<board><options auto-clean=\"maybe\"/></board>") ==
        "b.xml:1: <options>: attribute 'auto-clean': 'maybe' is not a boolean (true/false)");
  CHECK(error_of("<board>\n<changer transport=\"sg:/dev/sg1\"/>\n<drive element=\"5\" transport=\"sg:/dev/sg2\"/>\n"
                 "<drive element=\"5\" transport=\"sg:/dev/sg3\"/>\n</board>") ==
        "b.xml:4: <drive>: duplicate element address 5 (also on line 3)");
  CHECK(error_of("<board>\n<simulated-library>\n<mailslots first=\"10\" count=\"4\"/>\n"
                 "<slots first=\"12\" count=\"10\"/>\n</simulated-library></board>") ==
        "b.xml:4: <slots> 12..21 overlaps <mailslots> 10..13 (line 3)");
  CHECK(error_of("<board>\n<simulated-library>\n<drive element=\"1\"/>\n</simulated-library></board>") ==
        "b.xml:3: <drive> drive0 1 overlaps <picker> 1 (line 2)");
  CHECK(error_of("<board>\n<simulated-library>\n<cartridge barcode=\"A1\"/>\n<cartridge barcode=\"A1\"/>\n"
                 "</simulated-library></board>") == "b.xml:4: <cartridge>: barcode A1 already used on line 3");
  CHECK(error_of("<board>\n<simulated-library>\n<cartridge barcode=\"A1\" slot=\"500\"/>\n</simulated-library></board>") ==
        "b.xml:3: <cartridge> A1: element 500 is not a slot or mail slot");
  CHECK(error_of("<board>\n<simulated-library>\n<fault kind=\"fire\"/>\n</simulated-library></board>") ==
        "b.xml:3: <fault>: unknown fault kind 'fire'");
  CHECK(error_of("<board>\n<changer transport=\"x\"/>\n<simulated-library/>\n</board>") ==
        "b.xml:3: <simulated-library>: a board has a simulated library or explicit devices, not both");
  CHECK(error_of("<board>\n</board>") == "b.xml:1: <board> needs a <simulated-library> or a <changer>");
  CHECK(error_of("<board>\n<simulated-library>\n<slots first=\"1000\" count=\"2\"/>\n<slots first=\"2000\" count=\"2\"/>\n"
                 "</simulated-library></board>") == "b.xml:4: <slots>: given twice");
}

TEST_CASE("faults in a board file", "[board][xml]") {
  auto r = parse(R"(<board><simulated-library>
  <fault kind="medium-error" barcode="TG0001L9" block="7" on="both"/>
  <fault kind="corrupt-block" barcode="TG0002L9" block="3"/>
  <fault kind="write-protect" barcode="TG0003L9"/>
  <fault kind="stuck-picker"/>
  <fault kind="unit-attention" lun="1" asc="0x2A" ascq="1"/>
  <fault kind="clean-drive" drive="1"/>
</simulated-library></board>)");
  REQUIRE(r.ok());
  const auto& f = r->sim->faults;
  REQUIRE(f.medium_errors.size() == 1);
  CHECK(f.medium_errors[0].block == 7);
  CHECK(f.medium_errors[0].on_read);
  CHECK(f.medium_errors[0].on_write);
  CHECK(f.corrupt_blocks[0].barcode == "TG0002L9");
  CHECK(f.write_protected == std::vector<std::string>{"TG0003L9"});
  CHECK(f.stuck_picker);
  CHECK(f.unit_attentions[0].asc == 0x2A);
  CHECK(f.cleaning_requested == std::vector<int>{1});
}
