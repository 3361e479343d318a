#include "firmware/pipeline/stream_hasher.hpp"

#include <algorithm>
#include <cstring>

#include "firmware/format/sha256_manifest.hpp"

namespace tg::firmware::pipeline {

StreamHasher::StreamHasher(MemberTable& table, BlockRing& ring)
    : table_(table), ring_(ring), manifest_(format::kMaxManifestBytes) {}

StreamHasher::~StreamHasher() { join(); }

void StreamHasher::start() { thread_ = std::thread([this] { run(); }); }

void StreamHasher::join() {
  if (thread_.joinable()) thread_.join();
}

bool StreamHasher::build_manifest(const Member& m) {
  std::size_t at = 0;
  for (std::size_t j = m.list_from; j < m.list_to; ++j) {
    const Member& f = table_.at(j);
    if (f.is_manifest || f.end_offset == f.preamble_offset) continue;  // as the framer counted
    std::size_t n = format::manifest_line_length(f.path);
    if (at + n > manifest_.size()) break;
    std::span<std::uint8_t> line(manifest_.data() + at, n);
    if (f.outcome.load(std::memory_order_acquire) == MemberOutcome::ok)
      format::write_manifest_line(f.sha256_view(), f.path, line);
    else
      format::write_manifest_placeholder(f.path, line);
    at += n;
  }
  if (at != m.size) {
    failed_ = true;
    error_ = make_error(Errc::internal, "checksum manifest '" + std::string(m.path) + "' came to " + std::to_string(at) +
                                            " bytes, the framer reserved " + std::to_string(m.size));
    return false;
  }
  manifest_len_ = at;
  manifest_built_ = true;
  ++stats_.manifests;
  return true;
}

bool StreamHasher::process(std::uint8_t* slot, std::uint64_t s, std::uint64_t e) {
  while (member_ < table_.framed()) {
    Member& m = table_.at(member_);
    if (m.end_offset == m.preamble_offset) {  // never reached the stream
      ++member_;
      continue;
    }
    if (m.preamble_offset >= e) return true;  // begins in a later slot
    const std::uint64_t d0 = m.data_offset, d1 = m.data_offset + m.size;
    const std::uint64_t a = std::max(d0, s), b = std::min(d1, e);
    if (m.is_manifest) {
      if (a < b) {
        if (!manifest_built_ && !build_manifest(m)) return false;
        std::memcpy(slot + (a - s), manifest_.data() + (a - d0), static_cast<std::size_t>(b - a));
      }
    } else {
      if (a < b) hash_.update({slot + (a - s), static_cast<std::size_t>(b - a)});
      if (!finished_ && e >= d1) {
        hash_.finish_hex(std::span<char, 64>(m.sha256.data(), 64));
        m.sha256[64] = 0;
        finished_ = true;
        ++stats_.files_hashed;
        stats_.bytes_hashed += m.size;
      }
    }
    if (e < m.end_offset) return true;  // continues in the next slot
    ++member_;
    finished_ = false;
    manifest_built_ = false;
  }
  return true;
}

void StreamHasher::run() {
  for (;;) {
    long si = ring_.acquire_framed();
    if (si < 0) break;
    const std::size_t i = static_cast<std::size_t>(si);
    const SlotInfo info = ring_.info(i);
    if (!process(ring_.slot(i).data(), info.stream_offset, info.stream_offset + info.length)) {
      ring_.close();
      table_.stop();
      break;
    }
    ring_.pass(i);
  }
}

}  // namespace tg::firmware::pipeline
