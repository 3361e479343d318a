#include "firmware/library/load_timeout.hpp"

namespace tg::firmware::library {

std::optional<int> lto_generation_of(std::string_view barcode) {
  if (barcode.size() < 3) return std::nullopt;
  const char kind = barcode[barcode.size() - 2], g = barcode.back();
  if (kind == 'L' && g >= '1' && g <= '9') return g - '0';
  if (kind == 'L' && g == 'A') return 10;
  if (kind == 'M' && g == '8') return 7;
  return std::nullopt;
}

std::chrono::minutes load_timeout(std::string_view barcode) {
  auto gen = lto_generation_of(barcode);
  if (gen && *gen < 9) return std::chrono::minutes(15);
  return std::chrono::minutes(120);
}

}  // namespace tg::firmware::library
