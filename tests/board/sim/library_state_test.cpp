// The simulated library's state on disk (board/sim/library_state.*): what
// one run leaves, the next finds -- including a cartridge ejected in a drive.
#include "board/board.hpp"
#include "board/sim/library_state.hpp"
#include "sim_fixture.hpp"

using namespace tg;
using namespace tg::test;

namespace {
Status ready(drivers::TapeDrive& d) {
  auto s = d.test_unit_ready();
  for (int i = 0; i < 3 && !s.ok() && s.error().code == Errc::unit_attention; ++i) s = d.test_unit_ready();
  return s;
}
}  // namespace

TEST_CASE("ejected drives round-trip through the state file", "[board][state]") {
  sim::LibraryState st;
  st.occupied.push_back({.address = 500, .barcode = "TG0001L9", .source = 1000});
  st.ejected = {500};
  st.outside = {"TG0009L9"};
  auto text = sim::format_library_state(st);
  auto back = sim::parse_library_state(text, "library.state");
  REQUIRE(back.ok());
  CHECK(back->ejected == std::set<std::uint16_t>{500});
  CHECK(back->outside == st.outside);
  CHECK_FALSE(sim::parse_library_state("ejected x\n", "f").ok());
}

TEST_CASE("a cartridge ejected in a drive is still ejected when the library starts again", "[board][state]") {
  TempDir d;
  const std::string spec = "sim:drives=2,slots=6,mailslots=1,cartridges=2,cartridge-mb=8";
  {
    auto b = board::open_board(spec, d.path);
    REQUIRE(b.ok());
    auto& lib = (*b)->library();
    auto inv = lib.changer->inventory();
    if (!inv.ok()) inv = lib.changer->inventory();
    REQUIRE(inv.ok());
    const auto* cart = inv->find_barcode("TG0001L9");
    REQUIRE(cart);
    REQUIRE(lib.changer->move(cart->address, lib.drives[1].element_address).ok());
    auto& drive = *lib.drives[1].drive;
    REQUIRE(drive.wait_ready(std::chrono::seconds(5)).ok());
    REQUIRE(drive.unload().ok());  // `drive eject drive1`
    CHECK(drive.test_unit_ready().error().code == Errc::not_ready);
  }
  {
    // The next one-shot command: the cartridge is in the drive, not ready.
    auto b = board::open_board(spec, d.path);
    REQUIRE(b.ok());
    auto& drive = *(*b)->library().drives[1].drive;
    auto tur = ready(drive);
    REQUIRE_FALSE(tur.ok());
    CHECK(tur.error().code == Errc::not_ready);
    // A LOAD threads it again, and that too is remembered.
    REQUIRE(drive.load().ok());
    CHECK(ready(drive).ok());
  }
  {
    auto b = board::open_board(spec, d.path);
    REQUIRE(b.ok());
    CHECK(ready(*(*b)->library().drives[1].drive).ok());
  }
}

TEST_CASE("a drive cleaned in one run is not asked to be cleaned again by its clean-drive fault on restart", "[board][state]") {
  TempDir d;
  const std::string spec = "sim:drives=1,slots=4,mailslots=1,cartridges=1,cartridge-mb=8,clean-drive=0";
  auto asks = [](drivers::TapeDrive& drive) {
    auto a = drive.tape_alerts();
    for (int i = 0; i < 3 && !a.ok() && a.error().code == Errc::unit_attention; ++i) a = drive.tape_alerts();
    REQUIRE(a.ok());
    for (const auto& f : *a)
      if (f.flag == 20) return true;
    return false;
  };
  {
    auto b = board::open_board(spec, d.path);
    REQUIRE(b.ok());
    auto& lib = (*b)->library();
    CHECK(asks(*lib.drives[0].drive));
    REQUIRE((*b)->simulated_library()->operator_insert(10, "CLN001L1").ok());
    auto inv = lib.changer->inventory();
    for (int i = 0; i < 3 && !inv.ok(); ++i) inv = lib.changer->inventory();
    REQUIRE(inv.ok());
    const auto* cln = inv->find_barcode("CLN001L1");
    REQUIRE(cln);
    REQUIRE(lib.changer->move(cln->address, lib.drives[0].element_address).ok());
    CHECK_FALSE(asks(*lib.drives[0].drive));
  }
  auto b = board::open_board(spec, d.path);
  REQUIRE(b.ok());
  CHECK_FALSE(asks(*(*b)->library().drives[0].drive));
}
