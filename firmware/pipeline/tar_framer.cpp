#include "firmware/pipeline/tar_framer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <ctime>

#include "firmware/format/sha256_manifest.hpp"

namespace tg::firmware::pipeline {

TarFramer::TarFramer(MemberTable& table, BlockRing& ring) : table_(table), ring_(ring) {}

TarFramer::~TarFramer() { join(); }

void TarFramer::start() { thread_ = std::thread([this] { run(); }); }

void TarFramer::join() {
  if (thread_.joinable()) thread_.join();
}

void TarFramer::fail(Error e) {
  failed_ = true;
  error_ = std::move(e);
  ring_.close();
  table_.stop();
}

bool TarFramer::ensure_space() {
  if (slot_ >= 0 && fill_ < ring_.slot_bytes()) return true;
  if (slot_ >= 0) publish_current(false);
  slot_ = ring_.acquire_free();
  if (slot_ < 0) return false;
  fill_ = 0;
  ring_.info(static_cast<std::size_t>(slot_)) = SlotInfo{.length = 0, .stream_offset = pos_, .drain = false};
  return true;
}

void TarFramer::publish_current(bool drain) {
  SlotInfo& info = ring_.info(static_cast<std::size_t>(slot_));
  info.length = fill_;
  info.drain = drain;
  ring_.publish(static_cast<std::size_t>(slot_));
  slot_ = -1;
  fill_ = 0;
}

bool TarFramer::emit(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    if (!ensure_space()) return false;
    std::size_t n = std::min(bytes.size(), ring_.slot_bytes() - fill_);
    std::memcpy(ring_.slot(static_cast<std::size_t>(slot_)).data() + fill_, bytes.data(), n);
    fill_ += n;
    pos_ += n;
    bytes = bytes.subspan(n);
  }
  return true;
}

bool TarFramer::emit_zeros(std::size_t n) {
  while (n > 0) {
    if (!ensure_space()) return false;
    std::size_t k = std::min(n, ring_.slot_bytes() - fill_);
    std::memset(ring_.slot(static_cast<std::size_t>(slot_)).data() + fill_, 0, k);
    fill_ += k;
    pos_ += k;
    n -= k;
  }
  return true;
}

namespace {
std::int64_t ns(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }
}  // namespace

// Reads m's data from its open file straight into ring slots. Returns false
// when the ring was closed; a short or failed read sets outcome and frames
// zeros instead (the header promised `size` bytes; this copy is never
// committed).
bool TarFramer::read_data(Member& m, MemberOutcome& outcome, std::string& detail) {
  std::uint64_t left = m.size;
  while (left > 0) {
    if (!ensure_space()) return false;
    std::uint8_t* dst = ring_.slot(static_cast<std::size_t>(slot_)).data() + fill_;
    std::size_t room = ring_.slot_bytes() - fill_;
    std::size_t want = left < room ? static_cast<std::size_t>(left) : room;
    std::size_t got = 0;
    while (got < want && outcome == MemberOutcome::ok) {
      ssize_t n = ::read(m.fd, dst + got, want - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        outcome = MemberOutcome::read_error;
        detail = "read failed at byte " + std::to_string(m.size - left + got) + ": " + std::strerror(errno);
      } else if (n == 0) {
        outcome = MemberOutcome::changed;
        detail = "file shrank to " + std::to_string(m.size - left + got) + " bytes while being copied";
      } else {
        got += static_cast<std::size_t>(n);
      }
    }
    if (got < want) std::memset(dst + got, 0, want - got);
    fill_ += want;
    pos_ += want;
    left -= want;
  }
  if (outcome != MemberOutcome::ok) return true;
  struct stat st {};
  if (::fstat(m.fd, &st) != 0) {
    outcome = MemberOutcome::read_error;
    detail = std::string("cannot stat after the copy: ") + std::strerror(errno);
  } else if (static_cast<std::uint64_t>(st.st_size) != m.size || ns(st.st_mtim) != m.opened_mtime_ns ||
             ns(st.st_ctim) != m.opened_ctime_ns) {
    outcome = MemberOutcome::changed;
    detail = static_cast<std::uint64_t>(st.st_size) != m.size
                 ? "size changed from " + std::to_string(m.size) + " to " + std::to_string(st.st_size) +
                       " bytes while being copied"
                 : "modified while being copied (mtime or ctime changed)";
  }
  return true;
}

// Returns false when the ring was closed (stop) or on a fatal error.
bool TarFramer::frame_member(std::size_t i) {
  Member& m = table_.at(i);
  OpenState os = table_.wait_open(i);
  if (table_.stopped()) return false;
  if (m.is_manifest) return frame_manifest(i);
  auto place_empty = [&](MemberOutcome o, std::string detail) {
    m.preamble_offset = m.data_offset = m.end_offset = pos_;
    m.outcome = o;
    m.outcome_detail = std::move(detail);
    ++stats_.skipped;
    table_.set_framed(i + 1);
  };
  if (os == OpenState::failed) {
    place_empty(MemberOutcome::skipped, std::move(m.outcome_detail));  // the opener's reason
    return true;
  }
  auto pre = format::encode_member_preamble(table_.meta(i), preamble_);
  if (!pre) {
    ::close(m.fd);
    m.fd = -1;
    place_empty(MemberOutcome::skipped, pre.error().message);
    return true;
  }
  m.preamble_offset = pos_;
  m.data_offset = pos_ + *pre;
  m.end_offset = m.data_offset + format::padded_to_record(m.size);
  table_.set_framed(i + 1);
  if (!emit({preamble_.data(), *pre})) return false;

  MemberOutcome outcome = MemberOutcome::ok;
  std::string detail;
  bool open = read_data(m, outcome, detail);
  ::close(m.fd);
  m.fd = -1;
  if (!open) return false;
  // Set before the slot holding the last data byte is published (ensure_space
  // publishes lazily, on the next byte).
  m.outcome = outcome;
  m.outcome_detail = std::move(detail);
  stats_.members_framed++;
  stats_.data_bytes += m.size;
  if (outcome == MemberOutcome::changed) ++stats_.changed;
  if (outcome == MemberOutcome::read_error) ++stats_.read_errors;
  if (outcome != MemberOutcome::ok && m.attempt < 2) {
    auto r = table_.append_retry(i);
    if (!r) {
      fail(std::move(r).error());
      return false;
    }
  }
  return emit_zeros(static_cast<std::size_t>(m.end_offset - m.data_offset - m.size));
}

// A manifest: its lines are known in length now (every member it lists is
// framed), their content once the hasher has hashed those members.
bool TarFramer::frame_manifest(std::size_t i) {
  Member& m = table_.at(i);
  std::uint64_t lines = 0;
  for (std::size_t j = m.list_from; j < m.list_to; ++j) {
    const Member& f = table_.at(j);
    if (f.is_manifest || f.end_offset == f.preamble_offset) continue;  // a manifest, or never framed
    lines += format::manifest_line_length(f.path);
  }
  if (lines == 0) {  // nothing of its list reached the stream
    m.preamble_offset = m.data_offset = m.end_offset = pos_;
    m.outcome = MemberOutcome::skipped;
    m.outcome_detail = "nothing to list";
    table_.set_framed(i + 1);
    return true;
  }
  m.size = lines;
  m.mtime = static_cast<std::int64_t>(::time(nullptr));
  auto pre = format::encode_member_preamble(table_.meta(i), preamble_);
  if (!pre) {
    fail(std::move(pre).error().with_context("checksum manifest"));
    return false;
  }
  m.preamble_offset = pos_;
  m.data_offset = pos_ + *pre;
  m.end_offset = m.data_offset + format::padded_to_record(m.size);
  m.outcome = MemberOutcome::ok;
  table_.set_framed(i + 1);
  ++stats_.manifests;
  if (!emit({preamble_.data(), *pre})) return false;
  return emit_zeros(static_cast<std::size_t>(m.end_offset - m.data_offset));
}

void TarFramer::run() {
  std::size_t i = 0;
  while (!table_.stopped()) {
    if (i >= table_.count()) {
      // Whatever is not listed yet gets its manifest before the drain.
      auto mf = table_.append_pending_manifest();
      if (!mf) {
        fail(std::move(mf).error());
        break;
      }
      if (*mf) continue;
      // A member boundary: hand the writer everything, then wait.
      if (slot_ < 0) {
        slot_ = ring_.acquire_free();
        if (slot_ < 0) break;
        fill_ = 0;
        ring_.info(static_cast<std::size_t>(slot_)) = SlotInfo{.length = 0, .stream_offset = pos_, .drain = true};
      }
      ring_.info(static_cast<std::size_t>(slot_)).members_at_drain = i;
      publish_current(true);
      table_.framer_drained(i);
      continue;
    }
    if (!frame_member(i)) break;
    ++i;
  }
  stats_.stream_bytes = pos_;
}

}  // namespace tg::firmware::pipeline
