// One load timeout: from the cartridge's generation.
#include <catch2/catch.hpp>

#include "firmware/library/load_timeout.hpp"

using namespace tg::firmware::library;
using namespace std::chrono_literals;

TEST_CASE("the generation comes from the barcode's media suffix", "[library][load]") {
  CHECK(lto_generation_of("TG0001L9") == 9);
  CHECK(lto_generation_of("TG0001L8") == 8);
  CHECK(lto_generation_of("TG0001LA") == 10);
  CHECK(lto_generation_of("TG0001M8") == 7);
  CHECK_FALSE(lto_generation_of("TAPE01").has_value());
  CHECK_FALSE(lto_generation_of("").has_value());
}

TEST_CASE("LTO-9 and later or unknown cartridges may optimise the medium for 2 hours, older ones load in 15 minutes", "[library][load]") {
  CHECK(load_timeout("TG0001L8") == 15min);
  CHECK(load_timeout("CLN001L1") == 15min);
  CHECK(load_timeout("TG0001L9") == 120min);
  CHECK(load_timeout("TG0001LA") == 120min);
  CHECK(load_timeout("VOL001") == 120min);
}
