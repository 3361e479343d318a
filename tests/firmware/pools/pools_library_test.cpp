// Pools against the simulated library (board/sim through the in-process
// transport): inventory --read-labels, label with its refusals, mounting an
// allocated cartridge for writing (drive reservations: tests/firmware/library).
#include <random>

#include "board/board.hpp"
#include "firmware/catalog/catalog_fixture.hpp"
#include "firmware/format/volume_label.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/pools/cartridge_mount.hpp"

using namespace tg::firmware::catalog;
using namespace tg::firmware::catalog::testing;
using namespace tg::firmware::pools;
using namespace tg::firmware::library;
using tg::firmware::format::MediumContent;
using tg::Errc;

namespace {

struct SimPools : CatalogFixture {
  std::unique_ptr<tg::board::Board> board;
  std::unique_ptr<DriveReservations> drives;

  SimPools() {
    auto b = tg::board::open_board(
        "sim:drives=2,slots=8,cartridges=4,mailslots=1,cartridge-mb=8,sync=false", dir.path / "state");
    if (!b) FAIL(b.error().message);
    board = std::move(*b);
    drives = std::make_unique<DriveReservations>(board->library());
    REQUIRE(cat->create_pool({.name = "weekly"}).ok());
    REQUIRE(cat->create_pool({.name = "daily"}).ok());
  }
  ~SimPools() {
    drives.reset();
    board.reset();
  }
  tg::drivers::Library& lib() { return board->library(); }
  std::vector<std::string> barcodes_in_slots() {
    auto inv = TG_REQUIRE_OK(read_inventory(lib()));
    std::vector<std::string> out;
    for (const auto* e : inv.of_type(tg::drivers::ElementType::storage))
      if (e->full) out.push_back(e->barcode);
    return out;
  }
  bool drives_empty() {
    auto inv = TG_REQUIRE_OK(read_inventory(lib()));
    for (const auto* e : inv.of_type(tg::drivers::ElementType::data_transfer))
      if (e->full) return false;
    return true;
  }
  // Writes some other product's data on a cartridge: one 4 KiB block of
  // noise and a filemark.
  void write_foreign(const std::string& barcode) {
    auto lease = TG_REQUIRE_OK(drives->reserve("test"));
    TG_REQUIRE_STATUS(load_cartridge(lib(), lease, barcode));
    TG_REQUIRE_STATUS(lease.drive().rewind());
    TG_REQUIRE_STATUS(lease.drive().set_block_size(0));
    std::vector<std::uint8_t> noise(4096);
    std::mt19937 rng(7);
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
    (void)TG_REQUIRE_OK(lease.drive().write(noise));
    (void)TG_REQUIRE_OK(lease.drive().write_filemarks(1));
    TG_REQUIRE_STATUS(unload_cartridge(lib(), lease));
  }
};

}  // namespace

TEST_CASE("pools on the simulated library: read labels, label, refuse, allocate, mount") {
  SimPools f;
  auto barcodes = f.barcodes_in_slots();
  REQUIRE(barcodes.size() == 4);
  const std::string a = barcodes[0], b = barcodes[1], c = barcodes[2];

  // 1. A new library: everything is unknown; reading labels finds blanks and
  //    puts every cartridge back in its slot.
  auto read = TG_REQUIRE_OK(read_labels(*f.cat, *f.drives));
  REQUIRE(read.size() == 4);
  for (const auto& r : read) {
    INFO(r.barcode << ": " << r.detail);
    REQUIRE(r.content.has_value());
    CHECK(*r.content == MediumContent::blank);
    CHECK(TG_REQUIRE_OK(f.cat->cartridge(r.barcode)).state == CartridgeState::blank);
  }
  CHECK(f.drives_empty());
  CHECK(f.barcodes_in_slots() == barcodes);
  // Known now: a second run reads nothing.
  CHECK(TG_REQUIRE_OK(read_labels(*f.cat, *f.drives)).empty());

  // 2. Label a blank cartridge into a pool.
  auto out = TG_REQUIRE_OK(label_cartridge(*f.cat, *f.drives, {.barcode = a, .pool = "weekly", .host = "test"}));
  CHECK(out.previous == MediumContent::blank);
  auto ca = TG_REQUIRE_OK(f.cat->cartridge(a));
  CHECK(ca.state == CartridgeState::appendable);
  CHECK(ca.pool == std::optional<std::string>("weekly"));
  CHECK(ca.format_version == "TAPEGATE-2");
  CHECK(f.drives_empty());

  // 3. Another pool's cartridge is refused without --force.
  auto refused = label_cartridge(*f.cat, *f.drives, {.barcode = a, .pool = "daily"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == Errc::foreign_medium);
  CHECK_THAT(refused.error().message, Catch::Contains("another pool"));
  CHECK_THAT(refused.error().message, Catch::Contains("--force"));
  CHECK(TG_REQUIRE_OK(f.cat->cartridge(a)).pool == std::optional<std::string>("weekly"));
  CHECK(f.drives_empty());

  // 4. Foreign data is recognised as foreign, not blank, and refused.
  f.write_foreign(b);
  auto foreign = label_cartridge(*f.cat, *f.drives, {.barcode = b, .pool = "weekly"});
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().code == Errc::foreign_medium);
  CHECK_THAT(foreign.error().message, Catch::Contains("did not write"));
  CHECK(TG_REQUIRE_OK(f.cat->cartridge(b)).state == CartridgeState::foreign);
  // inventory --read-labels --all agrees: ours, foreign, blank.
  auto all = TG_REQUIRE_OK(read_labels(*f.cat, *f.drives, true));
  REQUIRE(all.size() == 4);
  for (const auto& r : all) {
    INFO(r.barcode << ": " << r.detail);
    REQUIRE(r.content.has_value());
    if (r.barcode == a) CHECK(*r.content == MediumContent::ours);
    else if (r.barcode == b) CHECK(*r.content == MediumContent::foreign);
    else CHECK(*r.content == MediumContent::blank);
  }
  // With --force the foreign cartridge is taken.
  out = TG_REQUIRE_OK(label_cartridge(*f.cat, *f.drives, {.barcode = b, .pool = "daily", .force = true}));
  CHECK(out.previous == MediumContent::foreign);
  CHECK(TG_REQUIRE_OK(f.cat->cartridge(b)).pool == std::optional<std::string>("daily"));

  // 5. A backup job's allocation: the pool member first, labelled into the set.
  auto set = TG_REQUIRE_OK(media_set_for_job(*f.cat, "weekly"));
  auto alloc = TG_REQUIRE_OK(choose_cartridge(*f.cat, "weekly", set.id, f.barcodes_in_slots()));
  REQUIRE(alloc.allocation.has_value());
  CHECK(alloc.allocation->barcode == a);
  CHECK(alloc.allocation->action == AllocationAction::assign);
  {
    auto lease = TG_REQUIRE_OK(f.drives->reserve("job 1"));
    auto m = TG_REQUIRE_OK(mount_for_write(*f.cat, lease, *alloc.allocation, 0, "test"));
    CHECK(m.next_file_number == 1);
    CHECK(m.position == 2);  // label block + filemark
    CHECK(lease.loaded() == std::optional<std::string>(a));
    auto ca2 = TG_REQUIRE_OK(f.cat->cartridge(a));
    CHECK(ca2.media_set == std::optional<std::string>(set.id));
    CHECK(ca2.sequence == 1);
    // The job writes a tape file and records it.
    auto job = TG_REQUIRE_OK(f.cat->start_job({.name = "j", .pool = "weekly", .media_set = set.id}));
    auto tf = TG_REQUIRE_OK(f.cat->open_tape_file({.cartridge = a, .file_number = 1, .first_block = m.position,
                                                   .job = job.id}));
    std::vector<std::uint8_t> block(65536, 0x5a);
    (void)TG_REQUIRE_OK(lease.drive().write(block));
    (void)TG_REQUIRE_OK(lease.drive().write_filemarks(1));
    TG_REQUIRE_STATUS(f.cat->close_tape_file(tf.id, 1));
    TG_REQUIRE_STATUS(f.cat->note_written(a, 1, block.size()));
    TG_REQUIRE_STATUS(unload_cartridge(f.lib(), lease));
  }
  // 6. The next job appends to it: label checked, positioned at end of data.
  alloc = TG_REQUIRE_OK(choose_cartridge(*f.cat, "weekly", set.id, f.barcodes_in_slots()));
  REQUIRE(alloc.allocation.has_value());
  CHECK(alloc.allocation->action == AllocationAction::append);
  {
    auto lease = TG_REQUIRE_OK(f.drives->reserve("job 2"));
    auto m = TG_REQUIRE_OK(mount_for_write(*f.cat, lease, *alloc.allocation, 0, "test"));
    CHECK(m.next_file_number == 2);
    CHECK(m.position == 4);  // label, FM, data block, FM
    TG_REQUIRE_STATUS(unload_cartridge(f.lib(), lease));
  }
  // 7. The tape disagreeing with the catalog is caught, not written over.
  TG_REQUIRE_STATUS(f.cat->upsert_cartridge({.barcode = c, .state = CartridgeState::blank}));
  f.write_foreign(c);
  alloc = TG_REQUIRE_OK(choose_cartridge(*f.cat, "weekly", set.id, {c}));
  REQUIRE(alloc.allocation.has_value());
  {
    auto lease = TG_REQUIRE_OK(f.drives->reserve("job 3"));
    auto m = mount_for_write(*f.cat, lease, *alloc.allocation, 0, "test");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code == Errc::foreign_medium);
    CHECK(TG_REQUIRE_OK(f.cat->cartridge(c)).state == CartridgeState::foreign);
    TG_REQUIRE_STATUS(unload_cartridge(f.lib(), lease));
  }
  CHECK(f.drives_empty());
}
