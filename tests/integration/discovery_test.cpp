// discover_portal against a tgt library: the target, its LUNs, the changer
// and which drive LUN sits in which (non-contiguous, not 1-based) element.
#include <catch2/catch.hpp>

#include "drivers/iscsi/discovery.hpp"
#include "drivers/iscsi/lun_inventory.hpp"
#include "vtl_fixture.hpp"

using namespace tg::drivers::iscsi;
using tg::test::Vtl;

TEST_CASE("discovery finds the library, its drives and their elements", "[integration][iscsi][discovery]") {
  Vtl vtl({.drives = 2, .slots = 5, .mailslots = 2, .cartridges = 3});
  auto found = discover_portal(vtl.portal());
  TG_REQUIRE_OK(found);
  REQUIRE(found->size() == 1);
  const IscsiTargetInfo& t = found->front();
  CHECK(t.error.empty());
  CHECK(t.iqn == vtl.iqn());
  CHECK(t.url == vtl.target_url());
  REQUIRE_FALSE(t.portals.empty());
  CHECK_THAT(t.portals.front(), Catch::StartsWith("127.0.0.1:" + std::to_string(vtl.port())));

  // LUN 0 controller, 1-2 drives, 3 changer.
  REQUIRE(t.luns.size() == 4);
  CHECK(t.luns[1].peripheral_type == peripheral::tape);
  CHECK(t.luns[1].serial == "VTLDRV0001");
  CHECK(t.luns[3].peripheral_type == peripheral::changer);
  CHECK(t.luns[3].type_name == "media changer");

  REQUIRE(t.changers.size() == 1);
  const IscsiChangerInfo& ch = t.changers.front();
  CHECK(ch.error.empty());
  CHECK(ch.lun == 3);
  CHECK(ch.slot_count == 5);
  CHECK(ch.mail_slot_count == 2);
  CHECK(ch.drive_element_count == 2);
  CHECK(ch.cartridges == 3);
  REQUIRE(ch.drives.size() == 2);
  const int first = vtl.env_int("VTL_DRIVE_ADDR");
  for (const auto& d : ch.drives) {
    INFO("LUN " << d.lun);
    REQUIRE(d.element_address);
    CHECK(*d.element_address == first + d.lun - 1);
    // tgt reports the drive's serial with DVCID: the strongest evidence. Its
    // reply ends 8 bytes early, cutting the last drive's identifier, so that
    // drive is placed by elimination (order) instead.
    if (d.lun == static_cast<int>(ch.drives.size()))
      CHECK(d.mapped_by != MappingSource::none);
    else
      CHECK(d.mapped_by == MappingSource::dvcid_serial);
  }
  CHECK(t.standalone_drives.empty());
}

TEST_CASE("discovery with an explicit target and a board-file map", "[integration][iscsi][discovery]") {
  Vtl vtl({.drives = 2, .slots = 3, .mailslots = 0, .cartridges = 1});
  const int first = vtl.env_int("VTL_DRIVE_ADDR");
  DiscoveryOptions opts;
  // Agreeing with the changer's DVCID report is accepted...
  opts.board_drive_map = {{1, static_cast<std::uint16_t>(first)}};
  auto ok = discover_portal(vtl.target_url(), opts);
  TG_REQUIRE_OK(ok);
  REQUIRE(ok->size() == 1);
  CHECK(ok->front().changers.at(0).error.empty());
  // ...contradicting it is reported, not followed.
  opts.board_drive_map = {{1, static_cast<std::uint16_t>(first + 1)}};
  auto bad = discover_portal(vtl.target_url(), opts);
  TG_REQUIRE_OK(bad);
  CHECK_THAT(bad->front().changers.at(0).error, Catch::Contains("reports its serial"));
}

TEST_CASE("discovery of a closed port fails clearly", "[integration][iscsi][discovery]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1});
  auto r = discover_portal("iscsi://127.0.0.1:" + std::to_string(vtl.port() + 1));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("connection refused"));
}
