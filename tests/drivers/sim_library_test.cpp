// The driver suite against the simulated library (the same checks run
// against tgt in tests/integration).
#include <catch2/catch.hpp>

#include "drivers/library_suite.hpp"
#include "drivers/sim_library_fixture.hpp"

using namespace tg::test;

TEST_CASE("sim: identity and inventory, drives matched by DVCID") {
  SimLibraryFixture fx;
  check_identity_and_inventory(fx);
}

TEST_CASE("sim: load and unload through the changer") {
  SimLibraryFixture fx;
  check_load_unload(fx);
}

TEST_CASE("sim: write, filemarks, read back, end of data, append") {
  SimLibraryFixture fx;
  check_write_read_filemarks(fx);
}

TEST_CASE("sim: space, locate and position") {
  SimLibraryFixture fx;
  check_space_locate_position(fx);
}

TEST_CASE("sim: ILI short and long blocks") {
  SimLibraryFixture fx;
  check_ili_reads(fx);
}

TEST_CASE("sim: early warning, then volume overflow, everything written reads back") {
  SimLibraryFixture fx;
  check_early_warning_then_overflow(fx);
}

TEST_CASE("sim: injected medium error and unit attention") {
  SimLibraryFixture fx;
  check_injected_faults(fx);
}

TEST_CASE("sim: move errors name the elements") {
  SimLibraryFixture fx;
  check_move_errors(fx);
}

TEST_CASE("sim: mail slots, import and export") {
  SimLibraryFixture fx;
  check_mailslots(fx);
}

TEST_CASE("sim: drive queries (limits, medium, TapeAlert, MAM, block size, compression)") {
  SimLibraryFixture fx;
  check_drive_queries(fx);
}

TEST_CASE("sim: inventory paged in small replies matches the whole one") {
  SimLibraryFixture fx([](tg::sim::SimConfig& c) { c.slot_count = 60; });
  REQUIRE(fx.changer().wait_ready(std::chrono::minutes(1), fx.clock()).ok());
  auto whole = fx.changer().inventory();
  REQUIRE(whole.ok());
  fx.changer().set_inventory_allocation(300);
  auto paged = fx.changer().inventory();
  REQUIRE(paged.ok());
  REQUIRE(paged->elements.size() == whole->elements.size());
  for (std::size_t i = 0; i < whole->elements.size(); ++i) {
    CHECK(paged->elements[i].address == whole->elements[i].address);
    CHECK(paged->elements[i].barcode == whole->elements[i].barcode);
    CHECK(paged->elements[i].drive_serial == whole->elements[i].drive_serial);
  }
}

TEST_CASE("sim: the second drive works independently of the first") {
  SimLibraryFixture fx;
  REQUIRE(fx.drive_count() >= 2);
  REQUIRE(fx.changer().wait_ready(std::chrono::minutes(1), fx.clock()).ok());
  auto inv = fx.changer().inventory();
  REQUIRE(inv.ok());
  REQUIRE(fx.changer().move(1003, fx.drive_element(1)).ok());
  REQUIRE(fx.drive(1).wait_ready(std::chrono::minutes(1), fx.clock()).ok());
  REQUIRE(fx.drive(1).rewind().ok());
  std::vector<std::uint8_t> block(1234, 9);
  REQUIRE(fx.drive(1).write(block).ok());
  // Drive 0 is still empty.
  auto t = fx.drive(0).wait_ready(std::chrono::seconds(3), fx.clock());
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code == tg::Errc::not_ready);
  CHECK(t.error().asc == 0x3A);
}
