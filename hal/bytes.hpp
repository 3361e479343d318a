#pragma once
// Big-endian field access for CDBs and device replies; the only place byte
// order is handled. Readers are bounds-checked by the caller (parsers check
// lengths before reading), so these take exact-size spans via offsets.
#include <cstddef>
#include <cstdint>
#include <span>

namespace tg {

using Bytes = std::span<const std::uint8_t>;
using MutableBytes = std::span<std::uint8_t>;

inline std::uint16_t get_be16(Bytes b, std::size_t off) {
  return static_cast<std::uint16_t>((b[off] << 8) | b[off + 1]);
}
inline std::uint32_t get_be24(Bytes b, std::size_t off) {
  return (std::uint32_t{b[off]} << 16) | (std::uint32_t{b[off + 1]} << 8) | b[off + 2];
}
inline std::uint32_t get_be32(Bytes b, std::size_t off) {
  return (std::uint32_t{b[off]} << 24) | (std::uint32_t{b[off + 1]} << 16) |
         (std::uint32_t{b[off + 2]} << 8) | b[off + 3];
}
inline std::uint64_t get_be64(Bytes b, std::size_t off) {
  return (std::uint64_t{get_be32(b, off)} << 32) | get_be32(b, off + 4);
}
inline void put_be16(MutableBytes b, std::size_t off, std::uint16_t v) {
  b[off] = static_cast<std::uint8_t>(v >> 8);
  b[off + 1] = static_cast<std::uint8_t>(v);
}
inline void put_be24(MutableBytes b, std::size_t off, std::uint32_t v) {
  b[off] = static_cast<std::uint8_t>(v >> 16);
  b[off + 1] = static_cast<std::uint8_t>(v >> 8);
  b[off + 2] = static_cast<std::uint8_t>(v);
}
inline void put_be32(MutableBytes b, std::size_t off, std::uint32_t v) {
  put_be16(b, off, static_cast<std::uint16_t>(v >> 16));
  put_be16(b, off + 2, static_cast<std::uint16_t>(v));
}
inline void put_be64(MutableBytes b, std::size_t off, std::uint64_t v) {
  put_be32(b, off, static_cast<std::uint32_t>(v >> 32));
  put_be32(b, off + 4, static_cast<std::uint32_t>(v));
}
// Little-endian, for USB Bulk-Only wrappers.
inline std::uint32_t get_le32(Bytes b, std::size_t off) {
  return std::uint32_t{b[off]} | (std::uint32_t{b[off + 1]} << 8) |
         (std::uint32_t{b[off + 2]} << 16) | (std::uint32_t{b[off + 3]} << 24);
}
inline void put_le32(MutableBytes b, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace tg
