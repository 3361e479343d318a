// One owner per drive (firmware/library/drive_reservations): reserve and
// release, a busy drive refused naming its owner, waiters, a job's share,
// release when a lease goes out of scope.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>

#include "board/board.hpp"
#include "firmware/console/test_support.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/library/drive_reservations.hpp"

using namespace tg;
using namespace tg::firmware::library;

namespace {

struct SimDrives {
  test::TempDir dir;
  std::unique_ptr<board::Board> board;
  std::unique_ptr<DriveReservations> drives;

  SimDrives() {
    auto b = board::open_board("sim:drives=2,slots=8,cartridges=4,mailslots=1,cartridge-mb=8,sync=false",
                               dir.path() / "state");
    if (!b) FAIL(b.error().message);
    board = std::move(*b);
    drives = std::make_unique<DriveReservations>(board->library());
  }
  ~SimDrives() {
    drives.reset();
    board.reset();
  }
  drivers::Library& lib() { return board->library(); }
  std::string drive_name(std::size_t i) { return lib().drives.at(i).drive->name(); }
  std::string first_barcode_in_slots() {
    auto inv = read_inventory(lib());
    REQUIRE(inv.ok());
    for (const auto* e : inv->of_type(drivers::ElementType::storage))
      if (e->full) return e->barcode;
    FAIL("no cartridge in the slots");
    return {};
  }
  bool drives_empty() {
    auto inv = read_inventory(lib());
    REQUIRE(inv.ok());
    for (const auto* e : inv->of_type(drivers::ElementType::data_transfer))
      if (e->full) return false;
    return true;
  }
};

}  // namespace

TEST_CASE("drive reservations: one owner per drive, refusals name the owner, a released drive is free again",
          "[library][drives]") {
  SimDrives f;
  auto first = f.drives->reserve("job 1");
  REQUIRE(first.ok());
  auto second = f.drives->reserve("job 2");
  REQUIRE(second.ok());
  CHECK(first->name() != second->name());
  auto third = f.drives->reserve("console");
  REQUIRE_FALSE(third.ok());
  CHECK(third.error().code == Errc::busy);
  CHECK_THAT(third.error().message, Catch::Contains("job 1"));
  auto named = f.drives->reserve("console", first->name());
  REQUIRE_FALSE(named.ok());
  CHECK_THAT(named.error().message, Catch::Contains("in use by job 1"));
  CHECK(f.drives->reserve("console", std::string("nope")).error().code == Errc::not_found);
  auto status = f.drives->status();
  REQUIRE(status.size() == 2);
  CHECK(status[0].owner.has_value());
  const std::string freed = first->name();
  first->release();
  CHECK_FALSE(f.drives->owner_of(freed).has_value());
  auto again = f.drives->reserve("console", freed);
  REQUIRE(again.ok());
  CHECK(again->name() == freed);
  // Loading a cartridge that sits in the other reserved drive is refused.
  const std::string barcode = f.first_barcode_in_slots();
  REQUIRE(load_cartridge(f.lib(), *second, barcode).ok());
  auto clash = load_cartridge(f.lib(), *again, barcode);
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == Errc::busy);
  REQUIRE(unload_cartridge(f.lib(), *second).ok());
  CHECK(f.drives_empty());
}

TEST_CASE("drive reservations: a lease releases its drive when it goes out of scope, once, after a move",
          "[library][drives]") {
  SimDrives f;
  const std::string d0 = f.drive_name(0);
  {
    auto lease = f.drives->reserve("job 1", d0);
    REQUIRE(lease.ok());
    CHECK(f.drives->owner_of(d0) == "job 1");
    // Moved from: the new lease owns the drive, the old one releases nothing.
    DriveLease moved(std::move(*lease));
    CHECK(moved.name() == d0);
    CHECK(f.drives->owner_of(d0) == "job 1");
  }
  CHECK_FALSE(f.drives->owner_of(d0).has_value());
  auto after = f.drives->reserve("job 2", d0);
  REQUIRE(after.ok());
  after->release();
  after->release();  // a second release is a no-op
  CHECK_FALSE(f.drives->owner_of(d0).has_value());
}

TEST_CASE("drive reservations: waiters take a freed drive, a cancelled waiter stops, a job's share is its drive only",
          "[library][drives]") {
  SimDrives f;
  DriveReservations& drives = *f.drives;
  const std::string d0 = f.drive_name(0);
  const std::string d1 = f.drive_name(1);

  auto first = drives.reserve("job 1 (backup a)", d0);
  REQUIRE(first.ok());
  auto taken = drives.reserve("drive rewind", d0);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == Errc::busy);
  CHECK(taken.error().message == "drive " + d0 + " is in use by job 1 (backup a)");
  auto second = drives.reserve("job 2 (backup b)");  // any drive: the free one
  REQUIRE(second.ok());
  CHECK(second->name() == d1);
  CHECK(drives.owner_of(d1) == "job 2 (backup b)");

  {
    // What job 1's engines reserve from: its drive, nothing else.
    DriveReservations share(*first);
    auto inner = share.reserve("engine");
    REQUIRE(inner.ok());
    CHECK(inner->name() == d0);
    CHECK(share.reserve("engine", d1).error().code == Errc::not_found);
    inner->set_loaded("TG0001L9");
    CHECK(drives.owner_of(d0) == "job 1 (backup a)");
  }
  CHECK(drives.status().at(0).loaded == "TG0001L9");  // the share recorded it for the appliance too

  // A waiter is told who holds the drives, then takes the one released.
  std::promise<std::string> told;
  std::optional<DriveLease> third;
  std::thread waiter([&] {
    auto l = drives.reserve_waiting("job 3 (backup c)", std::nullopt, nullptr,
                                    [&](const Error& busy) { told.set_value(busy.message); });
    if (l) third.emplace(std::move(*l));
  });
  const std::string why = told.get_future().get();
  CHECK(why.find("job 1 (backup a)") != std::string::npos);
  CHECK(why.find("job 2 (backup b)") != std::string::npos);
  first->release();
  waiter.join();
  REQUIRE(third);
  CHECK(third->name() == d0);
  CHECK(drives.owner_of(d0) == "job 3 (backup c)");

  // A waiting job that is cancelled stops waiting.
  std::atomic<bool> cancel{false};
  std::promise<void> waiting;
  std::optional<Errc> outcome;
  std::thread cancelled([&] {
    auto l = drives.reserve_waiting("job 4 (backup d)", d1, [&] { return cancel.load(); },
                                    [&](const Error&) { waiting.set_value(); });
    outcome = l ? Errc::internal : l.error().code;
  });
  waiting.get_future().wait();
  cancel = true;
  drives.wake_waiters();
  cancelled.join();
  CHECK(outcome == Errc::cancelled);
  CHECK(drives.owner_of(d1) == "job 2 (backup b)");
}
