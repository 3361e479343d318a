#pragma once
// LOG SENSE replies built byte by byte for the log page parsers' tests.
#include <cstdint>
#include <vector>

namespace tg::test {

using LogBytes = std::vector<std::uint8_t>;

// One parameter: code, control 0x60, length, the value big-endian (a
// length beyond 8 pads with leading zero bytes).
inline void log_param(LogBytes& page, std::uint16_t code, std::uint64_t value, std::uint8_t length = 8) {
  page.insert(page.end(), {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code), 0x60, length});
  for (int i = length - 1; i >= 0; --i) page.push_back(static_cast<std::uint8_t>(i < 8 ? value >> (8 * i) : 0));
}

// The page header (code, subpage 0, length) before `params`.
inline LogBytes log_page_of(std::uint8_t code, const LogBytes& params) {
  LogBytes p{code, 0x00, static_cast<std::uint8_t>(params.size() >> 8), static_cast<std::uint8_t>(params.size())};
  p.insert(p.end(), params.begin(), params.end());
  return p;
}

}  // namespace tg::test
