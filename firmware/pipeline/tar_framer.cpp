#include "firmware/pipeline/tar_framer.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace tg::firmware::pipeline {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

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

// Returns false when the ring was closed (stop) or on a fatal error.
bool TarFramer::frame_member(std::size_t i) {
  Member& m = table_.at(i);
  HashState hs = table_.wait_hash(i);
  if (table_.stopped()) return false;
  auto place_empty = [&](MemberOutcome o, std::string detail) {
    m.preamble_offset = m.data_offset = m.end_offset = pos_;
    m.outcome = o;
    m.outcome_detail = std::move(detail);
    ++stats_.skipped;
    table_.set_framed(i + 1);
  };
  if (hs == HashState::failed) {
    place_empty(MemberOutcome::skipped, m.hash_error);
    return true;
  }
  auto pre = format::encode_member_preamble(table_.meta(i), preamble_);
  if (!pre) {
    place_empty(MemberOutcome::skipped, pre.error().message);
    return true;
  }
  m.preamble_offset = pos_;
  m.data_offset = pos_ + *pre;
  m.end_offset = m.data_offset + format::padded_to_record(m.size);
  table_.set_framed(i + 1);
  if (!emit({preamble_.data(), *pre})) return false;

  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    fail(make_error(Errc::internal, "OpenSSL SHA-256 initialisation failed"));
    return false;
  }
  MemberOutcome outcome = MemberOutcome::ok;
  std::string detail;
  int fd = ::open(m.source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    outcome = MemberOutcome::read_error;
    detail = "cannot open: " + std::string(std::strerror(errno));
  } else {
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  std::uint64_t left = m.size;
  while (left > 0) {
    if (!ensure_space()) {
      if (fd >= 0) ::close(fd);
      return false;
    }
    std::uint8_t* dst = ring_.slot(static_cast<std::size_t>(slot_)).data() + fill_;
    std::size_t room = ring_.slot_bytes() - fill_;
    std::size_t want = left < room ? static_cast<std::size_t>(left) : room;
    std::size_t got = 0;
    // read(2) straight into the slot: no intermediate copy.
    while (got < want && outcome == MemberOutcome::ok) {
      ssize_t n = ::read(fd, dst + got, want - got);
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
    // The header promised `size` bytes: keep the archive well-formed with
    // zeros; this copy is never committed.
    if (got < want) std::memset(dst + got, 0, want - got);
    EVP_DigestUpdate(ctx.get(), dst, want);
    fill_ += want;
    pos_ += want;
    left -= want;
  }
  if (fd >= 0 && outcome == MemberOutcome::ok) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) != m.size || st.st_mtim.tv_sec != m.mtime) {
      outcome = MemberOutcome::changed;
      detail = "size or modification time changed while being copied";
    }
  }
  if (fd >= 0) ::close(fd);
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int dl = 0;
  EVP_DigestFinal_ex(ctx.get(), d, &dl);
  static const char* hex = "0123456789abcdef";
  if (outcome == MemberOutcome::ok) {
    for (int k = 0; k < 32; ++k) {
      if (m.sha256[2 * k] != hex[d[k] >> 4] || m.sha256[2 * k + 1] != hex[d[k] & 15]) {
        outcome = MemberOutcome::changed;
        detail = "content changed while being copied (SHA-256 differs from the one in its header)";
        break;
      }
    }
  }
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

void TarFramer::run() {
  std::size_t i = 0;
  while (!table_.stopped()) {
    if (i >= table_.count()) {
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
