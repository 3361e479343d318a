#include "hal/human_bytes.hpp"

#include <catch2/catch.hpp>

using namespace tg;

TEST_CASE("human_bytes: exact bytes below 1 KiB, one decimal in binary units above") {
  CHECK(hal::human_bytes(0) == "0 B");
  CHECK(hal::human_bytes(1023) == "1023 B");
  CHECK(hal::human_bytes(1024) == "1.0 KiB");
  CHECK(hal::human_bytes(900000) == "878.9 KiB");
  CHECK(hal::human_bytes(3ull << 30) == "3.0 GiB");
  CHECK(hal::human_bytes(18ull << 40) == "18.0 TiB");
  CHECK(hal::human_bytes(~0ull) == "16.0 EiB");
}
