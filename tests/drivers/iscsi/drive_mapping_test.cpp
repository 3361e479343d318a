#include <catch2/catch.hpp>

#include "drivers/iscsi/drive_mapping.hpp"

using tg::Errc;
using namespace tg::drivers::iscsi;

TEST_CASE("identifier matching is exact or by last word", "[iscsi][mapping]") {
  CHECK(identifier_names_serial("VTLDRV0001", "VTLDRV0001"));
  CHECK(identifier_names_serial("IET     VIRTUAL-TAPE    VTLDRV0001", "VTLDRV0001"));
  CHECK_FALSE(identifier_names_serial("IET     VIRTUAL-TAPE    XVTLDRV0001", "VTLDRV0001"));
  CHECK_FALSE(identifier_names_serial("VTLDRV00011", "VTLDRV0001"));
  CHECK_FALSE(identifier_names_serial("", "A"));
  CHECK_FALSE(identifier_names_serial("A", ""));
}

TEST_CASE("DVCID serials win over order, even when the order is crossed", "[iscsi][mapping]") {
  // Real libraries: LUN order need not follow element order.
  std::vector<DriveLun> drives = {{1, "SERA"}, {2, "SERB"}};
  std::vector<DriveElement> elements = {{500, "IBM ULT3580 SERB"}, {501, "IBM ULT3580 SERA"}};
  auto m = map_drives_to_elements(drives, elements, {});
  REQUIRE(m.ok());
  REQUIRE(m->size() == 2);
  CHECK((*m)[0].lun == 1);
  CHECK(*(*m)[0].element == 501);
  CHECK((*m)[0].source == MappingSource::dvcid_serial);
  CHECK(*(*m)[1].element == 500);
}

TEST_CASE("without DVCID the board file decides, then order", "[iscsi][mapping]") {
  std::vector<DriveLun> drives = {{1, "A"}, {2, "B"}, {3, "C"}};
  std::vector<DriveElement> elements = {{700, ""}, {256, ""}, {300, ""}};
  auto m = map_drives_to_elements(drives, elements, {{3, 256}});
  REQUIRE(m.ok());
  CHECK(*(*m)[2].element == 256);
  CHECK((*m)[2].source == MappingSource::board_file);
  // Remaining LUNs 1, 2 onto remaining elements ascending: 300, 700.
  CHECK(*(*m)[0].element == 300);
  CHECK((*m)[0].source == MappingSource::order);
  CHECK(*(*m)[1].element == 700);
}

TEST_CASE("more drive LUNs than elements leaves the extra drives outside the changer", "[iscsi][mapping]") {
  auto m = map_drives_to_elements({{1, "A"}, {2, "B"}}, {{40, ""}}, {});
  REQUIRE(m.ok());
  CHECK(*(*m)[0].element == 40);
  CHECK_FALSE((*m)[1].element);
  CHECK((*m)[1].source == MappingSource::none);
}

TEST_CASE("board file mistakes are errors naming the element", "[iscsi][mapping]") {
  std::vector<DriveLun> drives = {{1, "A"}, {2, "B"}};
  std::vector<DriveElement> elements = {{500, ""}, {501, ""}};
  auto missing = map_drives_to_elements(drives, elements, {{1, 999}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::invalid_argument);
  CHECK(missing.error().message.find("no drive element 999 (it has 500, 501)") != std::string::npos);

  auto twice = map_drives_to_elements(drives, elements, {{1, 500}, {2, 500}});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message.find("two LUNs") != std::string::npos);

  auto no_lun = map_drives_to_elements(drives, elements, {{7, 500}});
  REQUIRE_FALSE(no_lun.ok());
  CHECK(no_lun.error().message.find("no tape drive at LUN 7") != std::string::npos);
}

TEST_CASE("a board file contradicting the changer's DVCID report is an error", "[iscsi][mapping]") {
  std::vector<DriveLun> drives = {{1, "A"}, {2, "B"}};
  std::vector<DriveElement> elements = {{500, "A"}, {501, "B"}};
  auto m = map_drives_to_elements(drives, elements, {{1, 501}});
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().message.find("reports its serial 'A' in element 500") != std::string::npos);
  // Agreeing with DVCID is fine.
  CHECK(map_drives_to_elements(drives, elements, {{1, 500}}).ok());
}

TEST_CASE("duplicate serials are refused rather than guessed", "[iscsi][mapping]") {
  auto m = map_drives_to_elements({{1, "SAME"}, {2, "SAME"}}, {{500, "SAME"}}, {});
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().message.find("duplicate serials") != std::string::npos);
}
