#include "firmware/pipeline/cut_planner.hpp"

namespace tg::firmware::pipeline {

CutPoint CutPlanner::classify(std::size_t first, std::uint64_t e) const {
  const std::size_t n = table_.framed();
  for (std::size_t j = first; j < n; ++j) {
    const Member& m = table_.at(j);
    if (ignorable(m)) continue;
    if (e <= m.preamble_offset) return {};
    if (e < m.data_offset) return {.kind = Cut::in_header, .member = j};
    // A manifest is never continued on the next cartridge: tar -M joins
    // backup files; a manifest is written again whole instead.
    if (e < m.end_offset && m.is_manifest) return {.kind = Cut::in_header, .member = j};
    if (e < m.end_offset) {
      const std::uint64_t d = e - m.data_offset;
      // In the zero padding after the data: cannot happen for a cut at a
      // block end (data and blocks are 512-aligned), kept for safety.
      if (d >= m.size) return {.kind = Cut::in_header, .member = j};
      return {.kind = Cut::in_data, .member = j, .data_done = d};
    }
  }
  return {};
}

std::uint64_t CutPlanner::next_manifest_end(std::size_t first, std::uint64_t from) const {
  const std::size_t n = table_.framed();
  for (std::size_t j = first; j < n; ++j) {
    const Member& m = table_.at(j);
    if (ignorable(m) || !m.is_manifest) continue;
    if (m.end_offset >= from) return m.end_offset;
  }
  return UINT64_MAX;
}

std::uint64_t CutPlanner::next_boundary(std::size_t first, std::uint64_t from) const {
  const std::size_t n = table_.framed();
  for (std::size_t j = first; j < n; ++j) {
    const Member& m = table_.at(j);
    if (m.outcome == MemberOutcome::skipped) continue;
    if (m.preamble_offset >= from) return m.preamble_offset;
  }
  return UINT64_MAX;
}

}  // namespace tg::firmware::pipeline
