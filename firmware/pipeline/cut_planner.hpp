#pragma once
// Where may the tape file in progress end? The writer's pure decision,
// apart from its side effects (TapeStreamWriter): it reads the members'
// stream positions and nothing else, and answers for a stream offset
//   boundary  - between members: close with end-of-archive records;
//   in_data   - inside a backup file's data: GNU multi-volume continuation;
//   in_header - inside headers, padding or a manifest: no clean cut there
//               (at early warning, write on to the next boundary; after an
//               overflow, that member is written again whole).
// A tape file closed for its size (not at early warning) ends only after a
// manifest, so each such tape file verifies on its own (docs/tape-format.md).
#include <cstdint>

#include "firmware/pipeline/member_table.hpp"

namespace tg::firmware::pipeline {

enum class Cut : std::uint8_t { boundary, in_data, in_header };

struct CutPoint {
  Cut kind = Cut::boundary;
  std::size_t member = SIZE_MAX;  // in_data / in_header
  std::uint64_t data_done = 0;    // in_data: bytes of the member before the cut
};

class CutPlanner {
 public:
  explicit CutPlanner(const MemberTable& table) : table_(table) {}

  // Members before `first` are behind the writer; only framed ones count.
  CutPoint classify(std::size_t first, std::uint64_t stream_offset) const;
  // The first member boundary at or after `from` (UINT64_MAX: beyond what
  // is framed, the drain point or later).
  std::uint64_t next_boundary(std::size_t first, std::uint64_t from) const;
  // The end of the first manifest that ends at or after `from`.
  std::uint64_t next_manifest_end(std::size_t first, std::uint64_t from) const;

  // Skipped members hold no bytes; abandoned ones are given up (their bytes
  // are skipped or already on a lost cartridge).
  static bool ignorable(const Member& m) { return m.outcome == MemberOutcome::skipped || m.w_abandoned; }

 private:
  const MemberTable& table_;
};

}  // namespace tg::firmware::pipeline
