// The simulated drive's LTO facts: density codes and barcode suffixes map
// both ways, speed steps fall from the native rate to the backhitch floor,
// and each generation reads and writes the media the LTO rules allow.
#include <catch2/catch.hpp>

#include "board/sim/lto.hpp"

using namespace tg::sim;

TEST_CASE("lto: generations by number, density code and barcode agree") {
  for (int gen = 5; gen <= 10; ++gen) {
    INFO("LTO-" << gen);
    auto g = lto_generation(gen);
    REQUIRE(g);
    CHECK(g->generation == gen);
    auto by_density = lto_by_density(g->density_code);
    REQUIRE(by_density);
    CHECK(by_density->generation == gen);
    CHECK(generation_from_barcode("TG0001" + std::string(g->media_suffix)) == gen);
    // Fastest step first, about the native rate (IBM's LTO-8/9 tables start a
    // few MB/s above it); each step slower, the floor last.
    REQUIRE_FALSE(g->speed_steps.empty());
    CHECK(g->speed_steps.front() <= g->native_mbps + 10);
    for (std::size_t i = 1; i < g->speed_steps.size(); ++i) CHECK(g->speed_steps[i] < g->speed_steps[i - 1]);
  }
  CHECK(lto_generation(9)->density_code == 0x60);
  CHECK(lto_generation(9)->name == "LTO-9");
  CHECK(lto_generation(9)->native_capacity_mb == 18'000'000);
  CHECK(lto_generation(10)->media_suffix == "LA");
  // Not modelled: said so, never a guess.
  CHECK_FALSE(lto_generation(4));
  CHECK_FALSE(lto_generation(11));
  CHECK_FALSE(lto_by_density(0x00));
  CHECK_FALSE(generation_from_barcode("TG0001XX"));
  CHECK_FALSE(generation_from_barcode("9"));
  CHECK_FALSE(generation_from_barcode(""));
}

TEST_CASE("lto: which media a drive writes and reads") {
  // LTO-5..8: write their own and the previous generation, read two back.
  CHECK(lto_can_write(8, 8));
  CHECK(lto_can_write(8, 7));
  CHECK_FALSE(lto_can_write(8, 6));
  CHECK(lto_can_read(8, 6));
  CHECK_FALSE(lto_can_read(8, 5));
  CHECK_FALSE(lto_can_read(7, 8));  // never a newer generation
  // LTO-9: LTO-8 and LTO-9 only, reading included.
  CHECK(lto_can_write(9, 9));
  CHECK(lto_can_write(9, 8));
  CHECK_FALSE(lto_can_read(9, 7));
  // LTO-10: its own media only.
  CHECK(lto_can_write(10, 10));
  CHECK_FALSE(lto_can_write(10, 9));
  CHECK_FALSE(lto_can_read(10, 9));
}
