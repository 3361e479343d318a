#include <catch2/catch.hpp>

#include "board/sim_spec.hpp"

using namespace tg;
using namespace tg::board;

TEST_CASE("sim: spec with every common key", "[board][spec]") {
  auto r = parse_sim_spec("sim:drives=3,slots=40,mailslots=4,cartridges=12,cartridge-mb=128,speed-mbps=300,generation=8");
  REQUIRE(r.ok());
  const auto& c = r->config;
  CHECK(c.drive_count == 3);
  CHECK(c.slot_count == 40);
  CHECK(c.mailslot_count == 4);
  CHECK(c.cartridge_count == 12);
  CHECK(c.cartridge_bytes == 128ull << 20);
  CHECK(c.speed_mbps == 300);
  CHECK(c.generation == 8);
  CHECK(r->state_name == "sim-drives_3_slots_40_mailslots_4_cartridges_12_cartridge-mb_128_speed-mbps_300_generation_8");
}

TEST_CASE("sim: defaults and fault keys", "[board][spec]") {
  auto d = parse_sim_spec("sim:");
  REQUIRE(d.ok());
  CHECK(d->config.drive_count == 2);
  CHECK(d->state_name == "sim");
  auto f = parse_sim_spec("sim:medium-error=TG0001L9@12:write,medium-error=TG0002L9@3,corrupt-block=TG0001L9@4,"
                          "write-protect=TG0003L9,stuck-picker=1,unit-attention=1:2a/01,clean-drive=0,block-size=262144");
  REQUIRE(f.ok());
  const auto& x = f->config.faults;
  REQUIRE(x.medium_errors.size() == 2);
  CHECK(x.medium_errors[0].block == 12);
  CHECK_FALSE(x.medium_errors[0].on_read);
  CHECK(x.medium_errors[0].on_write);
  CHECK(x.medium_errors[1].on_read);
  CHECK(x.corrupt_blocks[0].block == 4);
  CHECK(x.stuck_picker);
  CHECK(x.unit_attentions[0].lun == 1);
  CHECK(x.unit_attentions[0].asc == 0x2A);
  CHECK(x.unit_attentions[0].ascq == 0x01);
  CHECK(f->options.block_size == 262144);
}

TEST_CASE("sim: drive quirk keys (tgt's SSC departures)", "[board][spec]") {
  auto d = parse_sim_spec("sim:");
  REQUIRE(d.ok());
  CHECK_FALSE(d->config.drive_quirks.no_locate);
  CHECK_FALSE(d->config.drive_quirks.no_position);
  CHECK_FALSE(d->config.drive_quirks.space_counts_filemarks);
  auto q = parse_sim_spec("sim:no-locate=1,no-position=true,space-counts-filemarks=1");
  REQUIRE(q.ok());
  CHECK(q->config.drive_quirks.no_locate);
  CHECK(q->config.drive_quirks.no_position);
  CHECK(q->config.drive_quirks.space_counts_filemarks);
  CHECK_FALSE(parse_sim_spec("sim:no-locate=maybe").ok());
}

TEST_CASE("sim: spec errors name the key", "[board][spec]") {
  auto err = [](const std::string& s) {
    auto r = parse_sim_spec(s);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  CHECK(err("sim:colour=red") == "sim spec: unknown key 'colour'");
  CHECK(err("sim:drives=two") == "sim spec: key 'drives': 'two' is not a number");
  CHECK(err("sim:drives=65") == "sim spec: key 'drives': 65 is not in 0..64");
  CHECK(err("sim:generation=4") == "sim spec: key 'generation': '4' is not an LTO generation 5..10");
  CHECK(err("sim:drives=1,drives=2") == "sim spec: key 'drives': given twice");
  CHECK(err("sim:slots") == "sim spec: 'slots' is not key=value");
  CHECK(err("sim:medium-error=TG0001L9") == "sim spec: key 'medium-error': 'TG0001L9' is not BARCODE@BLOCK");
  CHECK(err("sim:medium-error=A@1:sometimes") == "sim spec: key 'medium-error': mode 'sometimes' is not read, write or rw");
  CHECK(err("sim:stuck-picker=perhaps").find("stuck-picker") != std::string::npos);
  CHECK(err("simulated").find("must start with 'sim:'") != std::string::npos);
}
