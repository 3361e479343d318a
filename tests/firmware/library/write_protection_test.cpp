// WORM/write-protect refusal before anything overwrites a cartridge.
#include <catch2/catch.hpp>

#include "board/board.hpp"
#include "firmware/console/test_support.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/library/write_protection.hpp"

using namespace tg;
using namespace tg::firmware;

TEST_CASE("a write-protected cartridge is refused before it is overwritten, a writable one is not", "[library][worm]") {
  test::TempDir d;
  auto b = board::open_board("sim:drives=1,slots=4,mailslots=1,cartridges=2,cartridge-mb=8,write-protect=TG0002L9",
                             d.path() / "state");
  REQUIRE(b.ok());
  auto& lib = (*b)->library();
  library::DriveReservations drives(lib);
  auto lease = drives.reserve("test");
  REQUIRE(lease.ok());
  auto empty = library::refuse_overwrite(lease->drive(), "the cartridge in drive0");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == Errc::not_ready);

  REQUIRE(library::load_cartridge(lib, *lease, "TG0001L9").ok());
  CHECK(library::refuse_overwrite(lease->drive(), "cartridge TG0001L9").ok());
  REQUIRE(library::load_cartridge(lib, *lease, "TG0002L9").ok());  // the first goes home first
  auto wp = library::refuse_overwrite(lease->drive(), "cartridge TG0002L9");
  REQUIRE_FALSE(wp.ok());
  CHECK(wp.error().code == Errc::data_protect);
  CHECK(wp.error().message == "cartridge TG0002L9 is write-protected: slide its write-protect tab and retry");
  auto home = library::unload_cartridge(lib, *lease);
  REQUIRE(home.ok());
  CHECK(home->barcode == "TG0002L9");
}
