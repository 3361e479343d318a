#pragma once
// The backup files of one stream, in the order they go to tape, shared by
// the pipeline threads (opener, framer, hasher, writer). Capacity is fixed
// when the job starts (room for retries and manifests), but members are
// stored in chunks allocated as they are appended: a job pays for the
// members it has, not for the retries it might need, and a chunk never
// moves under a reader. Their strings live in the table's TextArena (a
// retry shares its original's). Each field has one writer thread, and is
// published to the others through an atomic or through the ring's queue:
//   input fields        - appender, before count_ (size, mtime, owner: the
//                         opener, from the file it opened, before open_state)
//   fd, open_*          - opener, published by open_state (release); a
//                         refusal's reason goes into outcome_detail, which
//                         the framer takes over from there
//   *_offset, list_*    - framer, published by framed_ (release)
//   outcome             - framer; atomic because the writer's cut logic
//                         looks for `skipped` members while the framer may
//                         still be streaming that member's data. Everything
//                         else the writer reads about an outcome comes after
//                         the slot holding the member's last byte (the
//                         ring's mutex orders outcome_detail).
//   sha256              - hasher, before it passes the slot holding the
//                         member's last data byte on to the writer.
//
// Manifests (TAPEGATE-2): a member with is_manifest set is no backup file
// but the checksum manifest of members [list_from, list_to): the framer
// gives it its size, the hasher writes its content. append() adds one after
// every manifest_interval bytes of members, and the framer one before it
// drains, so every tape file the writer closes on its own ends with one.
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "firmware/format/pax_header.hpp"
#include "firmware/pipeline/text_arena.hpp"
#include "hal/result.hpp"

namespace tg::firmware::pipeline {

enum class OpenState : std::uint8_t { pending, ready, failed };
enum class MemberOutcome : std::uint8_t {
  pending,
  ok,            // read whole, unchanged while it was copied
  changed,       // file changed or shrank while it was copied
  read_error,    // could not read it all: zeros were framed instead
  skipped,       // never framed (could not be opened, replaced since the scan)
};
const char* member_outcome_name(MemberOutcome o);

// What the scan saw of a file; the copy checks it is still the same file.
struct SourceIdentity {
  std::uint64_t dev = 0, ino = 0;  // 0, 0: unknown (not checked)
};

// Permission bits and numeric owner a member's header records (from the
// repository scan).
struct MemberOwner {
  std::uint32_t mode = 0644, uid = 0, gid = 0;
};

struct Member {
  // Input; text in the table's arena, NUL-terminated.
  std::string_view source;   // absolute path on the appliance
  std::string_view path;     // repository-relative path in the archive
  std::uint64_t size = 0;    // the scan's, then the opened file's
  std::int64_t mtime = 0;
  std::string_view group, kind;  // chain key, "full"/"incremental"/...
  std::uint32_t origin = 0;  // index of the first attempt (== own index for originals)
  std::uint32_t attempt = 1;
  SourceIdentity identity;
  MemberOwner owner;
  bool is_manifest = false;
  std::size_t list_from = 0, list_to = 0;  // manifest: the members it lists

  // Opener.
  std::atomic<OpenState> open_state{OpenState::pending};
  int fd = -1;                             // the framer closes it
  std::int64_t opened_mtime_ns = 0, opened_ctime_ns = 0;

  // Hasher.
  std::array<char, 65> sha256{};   // lowercase hex + NUL

  // Framer (stream offsets: bytes since the stream began). end_offset is
  // after the data's zero padding.
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

struct MemberInput {
  std::string source, path;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string group, kind;
  SourceIdentity identity;
  MemberOwner owner;
};

class MemberTable {
 public:
  // Every this many bytes of backup files, a manifest lists them.
  static constexpr std::uint64_t kDefaultManifestInterval = 1ull << 30;

  MemberTable(std::size_t capacity, std::string repository, std::string job_uuid,
              std::uint64_t manifest_interval = kDefaultManifestInterval);
  // Room for n files, their retries and their manifests.
  static std::size_t capacity_for(std::size_t files) { return files * 3 + files / 64 + 64; }
  std::size_t capacity() const { return capacity_; }
  std::size_t count() const { return count_.load(std::memory_order_acquire); }
  // i < count(): its chunk was allocated before count() included it.
  Member& at(std::size_t i) { return chunks_[i / kChunkMembers][i % kChunkMembers]; }
  const Member& at(std::size_t i) const { return chunks_[i / kChunkMembers][i % kChunkMembers]; }
  // Members in allocated chunks, and their text: what the table costs.
  std::size_t allocated_members() const { return allocated_chunks_.load(std::memory_order_acquire) * kChunkMembers; }
  std::size_t text_bytes() const;
  const std::string& repository() const { return repository_; }
  const std::string& job() const { return job_; }

  // Before the stream starts, or from pipeline threads (retries). Returns the
  // index; Errc::internal when the table is full (too many retries). May
  // append a manifest after it (manifest_interval reached).
  Result<std::size_t> append(const MemberInput& in);
  // Appends a new attempt of member i (attempt + 1), once: the framer (hash
  // mismatch) and the writer (lost cartridge) may both ask; the second call
  // returns nullopt. Errc::internal when the table is full.
  Result<std::optional<std::size_t>> append_retry(std::size_t i);
  // A manifest of every backup file appended since the last one, if any
  // (the framer, before it drains). nullopt when there is none to list.
  Result<std::optional<std::size_t>> append_pending_manifest();

  // How many members the framer has placed (positions valid below this).
  std::size_t framed() const { return framed_.load(std::memory_order_acquire); }
  void set_framed(std::size_t n);

  // Opener/framer hand-over.
  void notify_open();
  // Waits until member i's open state is not pending or stop() was called.
  OpenState wait_open(std::size_t i);
  // New members appended or stop: wakes the framer and the opener.
  void wait_for_members(std::size_t have);
  // The framer, after publishing its drain slot: wait_for_members, shown
  // through framer_idle_at().
  void framer_drained(std::size_t have);
  // The member count the framer has drained at and is waiting beyond
  // (SIZE_MAX while it works): the stream is idle, every slot published.
  std::size_t framer_idle_at() const { return framer_idle_at_.load(std::memory_order_acquire); }
  void stop();
  // Opener: waits until member i is at most `ahead` members past the framer.
  void wait_framer_near(std::size_t i, std::size_t ahead);
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }

  // The member's header fields; a manifest's name is its path.
  format::MemberMeta meta(std::size_t i) const;

 private:
  // Under mu_.
  Result<std::size_t> append_locked(const Member& like, std::uint32_t origin, std::uint32_t attempt);
  // Text for a new member: the previous member's copy when it is the same
  // (a chain's files share their key and kind), else a new one.
  std::string_view text_like(std::string_view text, std::string_view previous);
  Result<std::size_t> append_manifest_locked();
  Status list_if_due_locked();

  // ~100 KiB a chunk: one allocation per 256 files.
  static constexpr std::size_t kChunkMembers = 256;
  std::size_t capacity_;
  // capacity_ / kChunkMembers (rounded up) pointers, allocated at start;
  // chunk k is allocated (under mu_) by the append of member k * kChunkMembers.
  std::unique_ptr<std::unique_ptr<Member[]>[]> chunks_;
  std::atomic<std::size_t> allocated_chunks_{0};
  TextArena text_;  // under mu_
  std::atomic<std::size_t> count_{0}, framed_{0};
  std::string repository_, job_;
  std::uint64_t manifest_interval_;
  // Backup files appended since the last manifest (under mu_).
  std::size_t unlisted_from_ = 0;
  std::uint64_t unlisted_bytes_ = 0, unlisted_lines_ = 0;
  std::uint32_t manifests_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopped_{false};
  std::atomic<std::size_t> framer_idle_at_{SIZE_MAX};
};

}  // namespace tg::firmware::pipeline
