#pragma once
// Hexadecimal text for people and files: sense and status values in error
// messages, byte dumps, escapes, digests. The one digit table.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tg::hal {

inline constexpr char kHexDigits[] = "0123456789abcdef";
inline constexpr char kHexDigitsUpper[] = "0123456789ABCDEF";

// Two digits per byte, appended.
inline void append_hex(std::string& out, std::uint8_t b, bool upper = false) {
  const char* d = upper ? kHexDigitsUpper : kHexDigits;
  out += d[b >> 4];
  out += d[b & 0xF];
}

// "00ff1a...": every byte as two lowercase digits.
inline std::string hex_bytes(std::span<const std::uint8_t> bytes) {
  std::string s;
  s.reserve(bytes.size() * 2);
  for (auto b : bytes) append_hex(s, b);
  return s;
}

// The bytes of "00ff1a..." (either case); nullopt for an odd length or any
// character that is not a hex digit.
inline std::optional<std::vector<std::uint8_t>> parse_hex_bytes(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = digit(text[i]), lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

// "0x0a", "0x1f2e": a value with at least min_digits digits.
inline std::string hex_value(std::uint64_t v, unsigned min_digits = 2, bool upper = false) {
  const char* d = upper ? kHexDigitsUpper : kHexDigits;
  std::string s;
  do {
    s.insert(s.begin(), d[v & 0xF]);
    v >>= 4;
  } while (v != 0);
  while (s.size() < min_digits) s.insert(s.begin(), '0');
  return "0x" + s;
}

}  // namespace tg::hal
