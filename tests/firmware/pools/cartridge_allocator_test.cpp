// Media pools: cartridge allocation order and refusals, from catalog state
// and the barcodes in the library (no drive needed).
#include "firmware/catalog/catalog_fixture.hpp"
#include "firmware/pools/cartridge_allocator.hpp"
#include "firmware/pools/media_pools.hpp"

using namespace tg::firmware::catalog;
using namespace tg::firmware::catalog::testing;
using namespace tg::firmware::pools;
using tg::Errc;

namespace {

struct PoolFixture : CatalogFixture {
  MediaSet set;
  PoolFixture() {
    REQUIRE(cat->create_pool({.name = "weekly", .retention_days = 7}).ok());
    REQUIRE(cat->create_pool({.name = "daily"}).ok());
    set = TG_REQUIRE_OK(media_set_for_job(*cat, "weekly"));
  }
  void cart(const std::string& barcode, CartridgeState state, std::optional<std::string> pool = std::nullopt,
            bool worm = false) {
    TG_REQUIRE_STATUS(cat->upsert_cartridge({.barcode = barcode, .state = state, .pool = pool, .worm = worm}));
  }
  void in_set(const std::string& barcode, std::uint32_t seq, CartridgeState state = CartridgeState::appendable) {
    TG_REQUIRE_STATUS(cat->record_label({.barcode = barcode, .pool = "weekly", .media_set = set.id, .sequence = seq}));
    if (state != CartridgeState::appendable) TG_REQUIRE_STATUS(cat->set_cartridge_state(barcode, state));
  }
  AllocationOutcome choose(const std::vector<std::string>& lib, const std::set<std::string>& exclude = {}) {
    return TG_REQUIRE_OK(choose_cartridge(*cat, "weekly", set.id, lib, exclude));
  }
};

}  // namespace

TEST_CASE("pools: the media set of a job follows the pool's policy") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "cont"}));
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "each", .policy = AllocationPolicy::new_set_per_job}));
  auto a = TG_REQUIRE_OK(media_set_for_job(*f.cat, "cont"));
  auto b = TG_REQUIRE_OK(media_set_for_job(*f.cat, "cont"));
  CHECK(a.id == b.id);
  auto c = TG_REQUIRE_OK(media_set_for_job(*f.cat, "each"));
  auto d = TG_REQUIRE_OK(media_set_for_job(*f.cat, "each"));
  CHECK(c.id != d.id);
  CHECK(TG_REQUIRE_OK(f.cat->media_set(c.id)).closed.has_value());
  CHECK(media_set_for_job(*f.cat, "nope").error().code == Errc::not_found);
}

TEST_CASE("pools: appendable cartridges of the current set come first, highest sequence") {
  PoolFixture f;
  f.in_set("W1", 1, CartridgeState::full);
  f.in_set("W2", 2);
  f.in_set("W3", 3);
  f.cart("BL1", CartridgeState::blank);
  auto o = f.choose({"BL1", "W1", "W2", "W3"});
  REQUIRE(o.allocation.has_value());
  CHECK(o.allocation->barcode == "W3");
  CHECK(o.allocation->action == AllocationAction::append);
  CHECK(o.allocation->sequence == 3);
  // Not in the library -> not chosen, even though the catalog knows it.
  o = f.choose({"BL1", "W1", "W2"});
  CHECK(o.allocation->barcode == "W2");
  // A cartridge this job gave up on is skipped.
  o = f.choose({"BL1", "W2"}, {"W2"});
  CHECK(o.allocation->barcode == "BL1");
}

TEST_CASE("pools: then free cartridges: pool members before blanks, they get the next sequence") {
  PoolFixture f;
  f.in_set("W1", 1, CartridgeState::full);
  f.cart("BL1", CartridgeState::blank);
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "PM1", .pool = "weekly"}));  // labelled, no set
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "OTHER", .pool = "daily"}));
  auto o = f.choose({"W1", "BL1", "PM1", "OTHER"});
  REQUIRE(o.allocation.has_value());
  CHECK(o.allocation->barcode == "PM1");
  CHECK(o.allocation->action == AllocationAction::assign);
  CHECK(o.allocation->sequence == 2);
  CHECK(o.allocation->media_set == f.set.id);
  o = f.choose({"W1", "BL1", "OTHER"});
  CHECK(o.allocation->barcode == "BL1");
  CHECK(o.allocation->action == AllocationAction::assign);
}

TEST_CASE("pools: then expired cartridges of the pool, least recently written first") {
  PoolFixture f;
  auto old_set = f.set;
  f.in_set("E1", 1);
  f.advance_days(1);
  f.in_set("E2", 2);
  TG_REQUIRE_STATUS(f.cat->note_written("E2", 1, 10));
  f.advance_days(1);
  TG_REQUIRE_STATUS(f.cat->note_written("E1", 1, 10));  // E1 written last
  f.set = TG_REQUIRE_OK(f.cat->start_media_set("weekly"));  // closes the old set
  f.advance_days(3);
  auto o = f.choose({"E1", "E2"});
  CHECK(o.needs_operator());  // retention (7 days) not yet over
  f.advance_days(5);
  o = f.choose({"E1", "E2"});
  REQUIRE(o.allocation.has_value());
  CHECK(o.allocation->barcode == "E2");
  CHECK(o.allocation->action == AllocationAction::reuse_expired);
  CHECK(o.allocation->sequence == 1);  // first of the new set
  CHECK(TG_REQUIRE_OK(f.cat->cartridge("E1")).state == CartridgeState::expired);
}

TEST_CASE("pools: never bad, foreign, unknown, cleaning, WORM or another pool's cartridges") {
  PoolFixture f;
  f.cart("BAD1", CartridgeState::bad, "weekly");
  f.cart("FOR1", CartridgeState::foreign);
  f.cart("UNK1", CartridgeState::unknown);
  f.cart("CLN001L1", CartridgeState::blank);  // even if the catalog says blank
  f.cart("WORM1", CartridgeState::blank, std::nullopt, true);
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "DAY1", .pool = "daily"}));
  auto daily_set = TG_REQUIRE_OK(f.cat->start_media_set("daily"));
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "DAY2", .pool = "daily", .media_set = daily_set.id,
                                         .sequence = 1}));
  auto o = f.choose({"BAD1", "FOR1", "UNK1", "CLN001L1", "WORM1", "DAY1", "DAY2", "NEW1"});
  REQUIRE(o.needs_operator());
  CHECK_THAT(o.operator_request, Catch::Contains("pool 'weekly' has no writable cartridge in the library"));
  CHECK_THAT(o.operator_request, Catch::Contains("import"));
  // UNK1 and the never-seen NEW1 are worth reading.
  CHECK_THAT(o.operator_request, Catch::Contains("inventory --read-labels"));
  CHECK_THAT(o.operator_request, Catch::Contains("2 cartridge(s)"));
}

TEST_CASE("pools: allocation argument errors") {
  PoolFixture f;
  auto other = TG_REQUIRE_OK(f.cat->start_media_set("daily"));
  CHECK(choose_cartridge(*f.cat, "weekly", other.id, {}).error().code == Errc::invalid_argument);
  CHECK(choose_cartridge(*f.cat, "nope", f.set.id, {}).error().code == Errc::not_found);
  CHECK(choose_cartridge(*f.cat, "weekly", "no-such-set", {}).error().code == Errc::not_found);
  CHECK(is_cleaning_barcode("CLN123L1"));
  CHECK_FALSE(is_cleaning_barcode("TPCLN1L9"));
}

TEST_CASE("pools: list with cartridge counts per state") {
  PoolFixture f;
  f.in_set("W1", 1);
  f.in_set("W2", 2, CartridgeState::full);
  TG_REQUIRE_STATUS(f.cat->note_written("W1", 1, 1000));
  auto pools = TG_REQUIRE_OK(list_pools(*f.cat));
  REQUIRE(pools.size() == 2);
  CHECK(pools[0].pool.name == "daily");
  CHECK(pools[0].cartridges.empty());
  CHECK_FALSE(pools[0].current_media_set.has_value());
  CHECK(pools[1].current_media_set == std::optional<std::string>(f.set.id));
  CHECK(pools[1].cartridges[CartridgeState::appendable] == 1);
  CHECK(pools[1].cartridges[CartridgeState::full] == 1);
  CHECK(pools[1].bytes_written == 1000);
  CHECK_FALSE(create_pool(*f.cat, {.name = "weekly"}).ok());
}
