#pragma once
// The backup files of one stream, in the order they go to tape, shared by
// the three pipeline threads (hasher, framer, writer). Capacity is fixed
// when the job starts (room for retries), so appending a retry never
// reallocates under a reader. Each field has one writer thread, and is
// published to the others through an atomic or through the ring's queue:
//   input fields        - job, before start (or appender, before count_)
//   hash_*              - hasher, published by hash_state (release)
//   *_offset, volume    - framer, published by framed_ (release)
//   outcome             - framer; atomic because the writer's cut logic
//                         looks for `skipped` members while the framer may
//                         still be streaming that member's data. Everything
//                         else the writer reads about an outcome comes after
//                         the slot holding the member's last byte (the
//                         ring's mutex orders outcome_detail).
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "firmware/format/pax_header.hpp"
#include "hal/result.hpp"

namespace tg::firmware::pipeline {

enum class HashState : std::uint8_t { pending, ready, failed };
enum class MemberOutcome : std::uint8_t {
  pending,
  ok,            // streamed bytes hash to the header's SHA-256
  changed,       // file changed or shrank while it was copied
  read_error,    // could not read it all: zeros were framed instead
  skipped,       // never framed (hashing failed: vanished, unreadable)
};
const char* member_outcome_name(MemberOutcome o);

struct Member {
  // Input.
  std::string source;        // absolute path on the appliance
  std::string path;          // repository-relative path in the archive
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string group, kind;   // chain key, "full"/"incremental"/...
  std::uint32_t origin = 0;  // index of the first attempt (== own index for originals)
  std::uint32_t attempt = 1;
  std::string cached_sha256; // from the catalog's hash cache ("" = hash it)

  // Hasher.
  std::atomic<HashState> hash_state{HashState::pending};
  std::array<char, 65> sha256{};   // lowercase hex + NUL
  std::string hash_error;

  // Framer (stream offsets: bytes since the stream began).
  std::uint64_t preamble_offset = 0, data_offset = 0, end_offset = 0;
  std::atomic<MemberOutcome> outcome{MemberOutcome::pending};
  std::string outcome_detail;

  // Writer (TapeStreamWriter) only: where the piece in progress began.
  bool w_started = false;
  std::uint64_t w_piece_offset = 0;       // file offset of the piece's first byte
  std::uint64_t w_piece_header = 0;       // tape-file offset of its first header record
  std::uint32_t w_volume_index = 0;       // 0 original, n n-th continuation
  bool w_abandoned = false;               // its copy was given up; a retry (if any) replaces it

  // Guarded by the table's mutex: a retry was already appended.
  bool retried = false;

  std::string_view sha256_view() const { return {sha256.data(), 64}; }
};

class MemberTable {
 public:
  MemberTable(std::size_t capacity, std::string repository, std::string job_uuid);
  std::size_t capacity() const { return capacity_; }
  std::size_t count() const { return count_.load(std::memory_order_acquire); }
  Member& at(std::size_t i) { return members_[i]; }
  const std::string& repository() const { return repository_; }
  const std::string& job() const { return job_; }

  // Before the stream starts, or from pipeline threads (retries). Returns the
  // index; Errc::internal when the table is full (too many retries).
  Result<std::size_t> append(const std::string& source, const std::string& path, std::uint64_t size,
                             std::int64_t mtime, const std::string& group, const std::string& kind,
                             std::uint32_t origin, std::uint32_t attempt);
  // Appends a new attempt of member i (attempt + 1), once: the framer (hash
  // mismatch) and the writer (lost cartridge) may both ask; the second call
  // returns nullopt. Errc::internal when the table is full.
  Result<std::optional<std::size_t>> append_retry(std::size_t i);

  // How many members the framer has placed (positions valid below this).
  std::size_t framed() const { return framed_.load(std::memory_order_acquire); }
  void set_framed(std::size_t n);

  // Hasher/framer hand-over.
  void notify_hash();
  // Waits until member i's hash is not pending or stop() was called.
  HashState wait_hash(std::size_t i);
  // New members appended or stop: wakes the framer and hasher.
  void wait_for_members(std::size_t have);
  // The framer, after publishing its drain slot: wait_for_members, shown
  // through framer_idle_at().
  void framer_drained(std::size_t have);
  // The member count the framer has drained at and is waiting beyond
  // (SIZE_MAX while it works): the stream is idle, every slot published.
  std::size_t framer_idle_at() const { return framer_idle_at_.load(std::memory_order_acquire); }
  void stop();
  // Hasher: waits until member i is at most `ahead` members past the framer.
  void wait_framer_near(std::size_t i, std::size_t ahead);
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }

  format::MemberMeta meta(std::size_t i) const;

 private:
  std::size_t capacity_;
  std::unique_ptr<Member[]> members_;
  std::atomic<std::size_t> count_{0}, framed_{0};
  std::string repository_, job_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopped_{false};
  std::atomic<std::size_t> framer_idle_at_{SIZE_MAX};
};

}  // namespace tg::firmware::pipeline
