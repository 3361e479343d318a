#pragma once
// LTO generations as the simulated drive reports them: density codes (MODE
// SENSE block descriptor, REPORT DENSITY SUPPORT), native capacity and rate,
// the speed-matching steps and the barcode media-id suffix. Facts from the
// vendors' manuals (IBM TS4300/TS2290 docs for the LTO-9 steps); LTO-10's
// density code 0x62 and media id "LA" follow the LTO consortium's sequence.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tg::sim {

struct LtoGeneration {
  int generation = 0;                 // 5..10
  std::uint8_t density_code = 0;      // 0x58 LTO-5 ... 0x60 LTO-9
  std::string_view name;              // "LTO-9"
  std::string_view media_suffix;      // "L9": last two barcode characters
  std::uint64_t native_capacity_mb = 0;  // decimal MB (10^6 bytes)
  std::uint32_t native_mbps = 0;      // decimal MB/s, uncompressed
  // Speed-matching steps in MB/s, fastest first; the last is the floor below
  // which the drive stops and repositions (a backhitch).
  std::span<const std::uint32_t> speed_steps;
};

// What an LTO drive of generation `drive` does with media of `medium`:
// LTO-9 reads and writes LTO-8 and LTO-9; LTO-10 only LTO-10; LTO-5..8
// write their own and the previous generation and read two back.
bool lto_can_write(int drive, int medium);
bool lto_can_read(int drive, int medium);

// nullopt for generations the simulator does not model.
std::optional<LtoGeneration> lto_generation(int generation);
std::optional<LtoGeneration> lto_by_density(std::uint8_t density_code);
// The generation encoded in a barcode's media suffix ("TG0001L9" -> 9).
std::optional<int> generation_from_barcode(std::string_view barcode);

}  // namespace tg::sim
