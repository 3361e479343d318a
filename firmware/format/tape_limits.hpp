#pragma once
// Bounds of every size read from tape before it sizes an allocation. A
// cartridge is outside input: a damaged or hostile label, header or catalog
// copy must give a clear error, never an allocation of whatever number the
// bytes hold. One place for each bound; the parsers check them and name
// the field that broke one.
#include <cstddef>
#include <cstdint>
#include <string>

#include "hal/result.hpp"

namespace tg::firmware::format {

// Largest tape block. SSC-3 READ/WRITE (6) in variable mode carry the
// transfer length in a 24-bit field, so no drive reads or writes a block
// longer than 2^24-1 bytes; a label that says more was not written by a
// drive and would size the restore's block buffer (and its read-ahead
// ring) from a garbage number.
inline constexpr std::uint32_t kMaxTapeBlockBytes = (1u << 24) - 1;

// Largest pax extended header ('x'/'g') or GNU long name ('L'/'K') payload.
// Our own preambles fit kMaxPreambleBytes (16 KiB); GNU tar writes a few
// hundred bytes; 1 MiB leaves room for any other writer's records while a
// size field of 8 GiB stays an error.
inline constexpr std::size_t kMaxPaxPayloadBytes = 1u << 20;

// Largest member path accepted from a header: PATH_MAX of Linux (4096),
// which is also the bound the writer enforces (pax_header.hpp kMaxPathBytes).
inline constexpr std::size_t kMaxMemberPathBytes = 4096;

// Sum of the global ('g') pax records kept across members: each payload is
// bounded, but a stream of 'g' headers with fresh keywords would grow the
// set without end. Four payloads' worth is far more than any writer uses.
inline constexpr std::size_t kMaxPaxGlobalBytes = 4 * kMaxPaxPayloadBytes;

// Largest job catalog copy read back whole into memory by `catalog
// rebuild`. A copy is a few hundred bytes per file: 256 MiB is about a
// million files in one job, beyond any job this appliance writes, and a
// size the appliance can hold.
inline constexpr std::size_t kMaxCatalogCopyBytes = 256u << 20;

// Errc::parse_error "<where>: <field> <value> exceeds the limit of <limit>
// (<why>)" when value > limit.
inline Status check_tape_bound(const std::string& where, const char* field, std::uint64_t value,
                               std::uint64_t limit, const char* why) {
  if (value <= limit) return {};
  return make_error(Errc::parse_error, where + ": " + field + " " + std::to_string(value) + " exceeds the limit of " +
                                           std::to_string(limit) + " (" + why + ")");
}

}  // namespace tg::firmware::format
