#include "board/sim/lto.hpp"

#include <array>

namespace tg::sim {
namespace {

// IBM TS4300 documentation, full-height drives on their own generation's
// media. Generations without a published table use steps spread from the
// native rate down to about 40% of it, which is how the later ones behave.
constexpr std::array<std::uint32_t, 8> kLto5Steps{140, 130, 120, 110, 100, 90, 80, 70};
constexpr std::array<std::uint32_t, 8> kLto6Steps{160, 147, 135, 123, 112, 100, 87, 76};
constexpr std::array<std::uint32_t, 12> kLto7Steps{300, 281, 262, 243, 224, 205, 186, 167, 148, 129, 110, 101};
constexpr std::array<std::uint32_t, 12> kLto8Steps{365, 342, 319, 296, 273, 250, 227, 204, 181, 158, 135, 112};
constexpr std::array<std::uint32_t, 12> kLto9Steps{408, 385, 366, 347, 325, 305, 284, 263, 244, 223, 203, 177};
constexpr std::array<std::uint32_t, 12> kLto10Steps{400, 380, 360, 340, 320, 300, 280, 260, 240, 220, 200, 177};

constexpr std::array<LtoGeneration, 6> kGenerations{{
    {5, 0x58, "LTO-5", "L5", 1'500'000, 140, kLto5Steps},
    {6, 0x5A, "LTO-6", "L6", 2'500'000, 160, kLto6Steps},
    {7, 0x5C, "LTO-7", "L7", 6'000'000, 300, kLto7Steps},
    {8, 0x5E, "LTO-8", "L8", 12'000'000, 360, kLto8Steps},
    {9, 0x60, "LTO-9", "L9", 18'000'000, 400, kLto9Steps},
    {10, 0x62, "LTO-10", "LA", 30'000'000, 400, kLto10Steps},
}};

}  // namespace

bool lto_can_write(int drive, int medium) {
  if (drive >= 10) return medium == drive;
  return medium == drive || medium == drive - 1;
}

bool lto_can_read(int drive, int medium) {
  if (drive >= 9) return lto_can_write(drive, medium);
  return medium <= drive && medium >= drive - 2;
}

std::optional<LtoGeneration> lto_generation(int generation) {
  for (const auto& g : kGenerations)
    if (g.generation == generation) return g;
  return std::nullopt;
}

std::optional<LtoGeneration> lto_by_density(std::uint8_t density_code) {
  for (const auto& g : kGenerations)
    if (g.density_code == density_code) return g;
  return std::nullopt;
}

std::optional<int> generation_from_barcode(std::string_view barcode) {
  if (barcode.size() < 2) return std::nullopt;
  std::string_view suffix = barcode.substr(barcode.size() - 2);
  for (const auto& g : kGenerations)
    if (g.media_suffix == suffix) return g.generation;
  return std::nullopt;
}

}  // namespace tg::sim
