#pragma once
// Encoder of the headers Tapegate writes in front of each backup file on
// tape: a pax extended header ('x', POSIX.1-2017 "pax Extended Header")
// followed by a ustar header, and GNU tar's multi-volume continuation
// preamble ('g' + 'x' + ustar "GNUFileParts" entry) for a file that
// continues on the next cartridge. The byte layout is docs/tape-format.md;
// the continuation mirrors what GNU tar 1.34 writes (verified with
// `tar -c -M -L ... --format=pax`).
//
// Everything encodes into a caller's fixed buffer: the pipeline frames
// headers without allocating.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "hal/result.hpp"

namespace tg::firmware::format {

inline constexpr std::size_t kRecordSize = 512;
// POSIX: an archive ends with two zero records; more zeros are allowed.
inline constexpr std::size_t kEndOfArchiveBytes = 2 * kRecordSize;
// Bound of one member's preamble: paths are limited to kMaxPathBytes, so
// all records fit with room to spare.
inline constexpr std::size_t kMaxPreambleBytes = 16 * 1024;
inline constexpr std::size_t kMaxPathBytes = 4096;

constexpr std::uint64_t padded_to_record(std::uint64_t n) {
  return (n + kRecordSize - 1) / kRecordSize * kRecordSize;
}

// What a member says about its backup file.
struct MemberMeta {
  std::string_view path;        // repository-relative, '/' separated
  std::uint64_t size = 0;
  std::int64_t mtime = 0;       // UNIX seconds
  std::string_view sha256_hex;  // 64 lowercase hex digits, or "" (TAPEGATE-2: the hash is in the manifest)
  std::string_view repository;
  std::string_view job;         // job uuid
  std::string_view group;       // chain / VM key, may be empty
  std::string_view kind;        // "full", "incremental", "reverse", "other", "catalog", "manifest"
  // The file's permission bits (07777; ustar `mode`) and numeric owner
  // (ustar `uid`/`gid`, and pax `uid`/`gid` records when too large for the
  // field). The defaults are what every member carried before.
  std::uint32_t mode = 0644;
  std::uint32_t uid = 0, gid = 0;
};

// invalid_argument for a path that is empty, absolute, has a ".." component,
// a NUL byte or more than kMaxPathBytes bytes, or a hash that is neither
// empty nor 64 lowercase hex digits.
Status validate_member(const MemberMeta& m);

// The original member's preamble: 'x' header, its records, the ustar header.
// Returns the bytes used (a multiple of 512, <= kMaxPreambleBytes).
Result<std::size_t> encode_member_preamble(const MemberMeta& m, std::span<std::uint8_t> out);

// The preamble GNU tar expects at the start of a volume that continues `m`:
// 'g' header with GNU.volume.filename/size/offset, 'x' header, ustar header
// named "<dir>/GNUFileParts/<base>.<volume_number>" of the remaining size.
// offset: bytes of m already on earlier volumes. volume_number: GNU's count
// (2 for the first continuation).
Result<std::size_t> encode_continuation_preamble(const MemberMeta& m, std::uint64_t offset,
                                                 std::uint32_t volume_number, std::span<std::uint8_t> out);

// A complete tar archive (one member, end-of-archive records) padded with
// zeros to a multiple of block_size: the job catalog copy.
Result<std::vector<std::uint8_t>> encode_single_member_archive(const MemberMeta& m,
                                                               std::span<const std::uint8_t> data,
                                                               std::size_t block_size);

}  // namespace tg::firmware::format
