// open_iscsi_board: a Board discovered on a tgt target, with drives named
// by element order and the library usable end to end.
#include <catch2/catch.hpp>

#include <filesystem>

#include "board/iscsi_board.hpp"
#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "vtl_fixture.hpp"

using tg::Errc;
using namespace tg::drivers;
using tg::test::Vtl;

TEST_CASE("an iSCSI board wires changer and drives from discovery", "[integration][board]") {
  Vtl vtl({.drives = 2, .slots = 4, .mailslots = 1, .cartridges = 2});
  const std::filesystem::path state = vtl.dir() + "/state";
  auto board = tg::board::open_iscsi_board(vtl.target_url(), state);
  TG_REQUIRE_OK(board);
  Library& lib = (*board)->library();
  REQUIRE(lib.changer != nullptr);
  REQUIRE(lib.drives.size() == 2);
  const auto first = static_cast<std::uint16_t>(vtl.env_int("VTL_DRIVE_ADDR"));
  CHECK(lib.drives[0].drive->name() == "drive0");
  CHECK(lib.drives[0].element_address == first);
  CHECK(lib.drives[1].element_address == first + 1);
  CHECK((*board)->paths().root == state);
  CHECK(std::filesystem::is_directory(state));
  CHECK((*board)->transport_descriptions().size() == 3);
  CHECK_THAT((*board)->name(), Catch::Contains(std::to_string(vtl.port())));

  // The wiring is right: a cartridge moved to drive1's element makes
  // drive1 (and not drive0) ready.
  LibraryDrive* d1 = lib.drive_by_name("drive1");
  REQUIRE(d1 != nullptr);
  TG_REQUIRE_OK(lib.changer->move(static_cast<std::uint16_t>(vtl.env_int("VTL_SLOT_ADDR")), d1->element_address));
  CHECK(d1->drive->wait_ready(std::chrono::seconds(30)).ok());
  auto other = lib.drives[0].drive->test_unit_ready();
  CHECK_FALSE(other.ok());
}

TEST_CASE("an iSCSI board from a portal URL finds the one library target", "[integration][board]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1});
  auto board = tg::board::open_iscsi_board(vtl.portal(), vtl.dir() + "/state");
  TG_REQUIRE_OK(board);
  CHECK((*board)->library().drives.size() == 1);

  auto wrong = tg::board::open_iscsi_board(vtl.target_url() + "/1", vtl.dir() + "/state");
  REQUIRE_FALSE(wrong.ok());
  CHECK_THAT(wrong.error().message, Catch::Contains("LUN 1 is not a media changer"));
}

TEST_CASE("the state directory name is derived from portal and IQN", "[integration][board]") {
  auto url = tg::drivers::iscsi::parse_iscsi_url("iscsi://127.0.0.1:3260/iqn.2026-11.org.tapegate:vtl-1/2");
  TG_REQUIRE_OK(url);
  CHECK(tg::board::iscsi_state_dir_name(*url) == "iscsi-127.0.0.1-3260-iqn.2026-11.org.tapegate-vtl-1");
}
