#pragma once
// The writer: takes the framer's continuous tar stream from the ring and
// puts it on tape as fixed-size blocks, owning every cut of the stream into
// tape files and cartridges (docs/tape-format.md):
//   * a tape file is closed at a member boundary (end-of-archive records,
//     zero padding, one filemark) when it reached tape_file_bytes, at the
//     end of the stream, or at early warning;
//   * at early warning inside a member's data the tape file ends at the
//     block boundary, and the next cartridge starts with GNU tar's
//     multi-volume continuation preamble; early warning inside a header
//     writes on to the next safe point;
//   * VOLUME OVERFLOW (block not written) cuts after the last written block
//     and re-emits the held block on the next cartridge; if that cut falls
//     inside a header, the member is written again whole;
//   * MEDIUM ERROR: every member not yet committed is written again on a
//     new cartridge (the events mark the failed one bad).
// Positions are mapped, not copied: a member is found by its stream offset
// and every tape file knows the stream offset of its first byte, so a cut
// never moves a byte twice or loses one. Blocks go to the drive straight
// from the ring slot when aligned; otherwise through one staging block.
#include <chrono>
#include <cstdint>
#include <vector>

#include "firmware/pipeline/block_ring.hpp"
#include "firmware/pipeline/block_sink.hpp"
#include "firmware/pipeline/cut_planner.hpp"
#include "firmware/pipeline/member_table.hpp"

namespace tg::firmware::pipeline {

// A contiguous run of one member's bytes inside one tape file.
struct PieceInfo {
  std::uint64_t offset = 0, length = 0;  // within the backup file
  std::uint64_t header_offset = 0;       // byte offset in the tape file of its first header record
  std::uint64_t first_block = 0;         // block (in the tape file) holding that header byte
  std::uint64_t end_block = 0;           // first block after its last data byte
  std::uint32_t volume_index = 0;        // 0 original member, n = n-th continuation
};

enum class VolumeEnd : std::uint8_t { full, failed };

struct WriterProgress {
  std::uint64_t stream_bytes = 0;   // stream bytes on tape
  std::uint64_t data_bytes = 0;     // backup-file bytes on tape (whole members finished)
  std::uint64_t members_done = 0;
  std::uint64_t blocks = 0;
  std::uint64_t stalls = 0;
  bool streaming = true;            // no stall during the last second
  std::size_t current_member = SIZE_MAX;
};

// What the job does at each event. Called on the writer's thread.
class StreamEvents {
 public:
  virtual ~StreamEvents() = default;
  // A tape file begins: its first block is the next block written.
  virtual Status tape_file_started() = 0;
  // The member's first bytes were written to the current tape file.
  virtual Status member_started(std::size_t member) = 0;
  // A piece ended (member finished or cut at the end of a cartridge).
  virtual Status piece_written(std::size_t member, const PieceInfo& piece) = 0;
  // Every byte of the member is written; table.at(member).outcome tells
  // whether its data matched its header's hash.
  virtual Status member_finished(std::size_t member) = 0;
  // A flush or filemark returned: `blocks` blocks of the current tape file are on tape.
  virtual Status durable(std::uint64_t blocks) = 0;
  virtual Status tape_file_closed(std::uint64_t blocks) = 0;
  // The member's copy is lost (cartridge failed, cut inside its header):
  // `retry` is the index of its new attempt, or SIZE_MAX if one existed.
  virtual void member_requeued(std::size_t member, std::size_t retry, const char* why) = 0;
  // The cartridge is full or failed: load the next one and return its sink,
  // positioned where a new tape file may begin.
  virtual Result<BlockSink*> next_volume(VolumeEnd why, const Error* cause) = 0;
  virtual bool cancelled() = 0;
  // At most every progress_interval.
  virtual void progress(const WriterProgress& p) = 0;
};

inline constexpr std::uint64_t kDefaultSyncBytes = 64ull << 30;
inline constexpr std::chrono::seconds kDefaultSyncInterval{300};

struct WriterConfig {
  std::size_t block_size = 256 * 1024;
  std::uint64_t tape_file_bytes = 64ull << 30;  // close a tape file at a member boundary after this
  // Sync (flush the drive, commit the catalog) after a member once this
  // much was written or this long has passed since the last sync; tape
  // files' ends and cartridge changes sync anyway. Defaults keep syncs
  // under 2% of an LTO drive's time at native speed with a 3 s backhitch
  // (docs/tape-format.md). sync_bytes 0: after every member (tests).
  std::uint64_t sync_bytes = kDefaultSyncBytes;
  std::chrono::seconds sync_interval = kDefaultSyncInterval;
  std::chrono::milliseconds progress_interval{250};
  // false: the stream's last tape file ends with a buffered filemark
  // (IMMED=1) and is not reported durable; the caller's next write follows
  // without a stop and its sync covers both (the backup job's catalog copy,
  // docs/tape-format.md). Its blocks are in WriterStats::unsynced_blocks.
  // At early warning the writer syncs anyway: a cartridge change follows.
  bool sync_at_end = true;
};

struct WriterStats {
  std::uint64_t blocks = 0, stream_bytes = 0, tape_files = 0, flushes = 0, filemarks = 0;
  std::uint64_t volumes = 1, early_warnings = 0, overflows = 0, medium_errors = 0;
  std::uint64_t staged_blocks = 0;   // blocks that went through the staging buffer
  std::uint64_t manifests = 0;       // checksum manifests written
  std::uint64_t unsynced_blocks = 0; // sync_at_end false: blocks of the last tape file not yet synced
  std::uint64_t requeued = 0;
  // How cartridge changes were cut (docs/tape-format.md).
  std::uint64_t cuts_in_data = 0;      // continuation on the next cartridge
  std::uint64_t cuts_at_boundary = 0;  // tape file closed with end-of-archive records
  std::uint64_t ew_in_header = 0;      // early warning inside a header: wrote on to a safe point
  std::uint64_t header_rewrites = 0;   // overflow cut inside a header: member written again whole
};

class TapeStreamWriter {
 public:
  TapeStreamWriter(const WriterConfig& cfg, MemberTable& table, BlockRing& ring, BlockSink& first,
                   StreamEvents& events);
  // Runs until the framer's stream ended and the last tape file is closed.
  // Errc::cancelled after a clean stop (tape file closed, durable committed).
  Status run();
  const WriterStats& stats() const { return stats_; }

 private:
  Status push(std::span<const std::uint8_t> bytes);
  Result<std::size_t> push_stage(std::span<const std::uint8_t> bytes);
  Status write_block(std::span<const std::uint8_t> block, bool staged);
  Status after_block();
  Status open_tape_file_if_needed();
  Status close_at_boundary(bool end_of_stream = false);
  Status flush();
  Status switch_volume(const CutPoint& cut);
  Status next_volume(VolumeEnd why, const Error* cause);
  // false: a medium error or overflow took the cartridge (already handled).
  Result<bool> write_filemarks(std::uint32_t count, bool buffered = false);
  Status on_overflow(const Error& e);
  Status on_medium_error(const Error& e);
  Status stop_cleanly();
  void requeue_uncommitted(const char* why);
  Status mark_durable();
  CutPoint classify(std::uint64_t stream_offset) const;
  std::uint64_t next_boundary(std::uint64_t from) const;
  std::uint64_t next_manifest_end(std::uint64_t from) const;
  std::uint64_t block_end_stream_offset() const;
  void maybe_progress(bool force);

  WriterConfig cfg_;
  MemberTable& table_;
  CutPlanner planner_;
  BlockRing& ring_;
  BlockSink* sink_;
  StreamEvents& events_;
  std::vector<std::uint8_t> stage_, hold_;
  std::size_t stage_fill_ = 0, hold_len_ = 0;

  std::uint64_t pos_ = 0;            // stream bytes handed to the tape (staged or written)
  bool tf_open_ = false;
  std::int64_t delta_ = 0;           // tape-file offset = stream offset + delta_
  std::uint64_t tf_blocks_ = 0;      // blocks of the current tape file on tape
  std::uint64_t tf_stream_start_ = 0;
  bool volume_has_data_ = false;     // a block was written on this cartridge
  bool early_warning_ = false;       // EW seen: change cartridge at the next safe cut
  bool ew_write_on_ = false;         // counted this EW's write-on already
  bool closing_ = false;            // inside close_at_boundary()
  bool skipping_ = false;            // discard stream bytes up to the next member boundary
  bool pending_flush_ = false;
  std::uint64_t bytes_since_flush_ = 0;
  std::chrono::steady_clock::time_point last_sync_{};

  std::size_t scan_ = 0;             // first member not finished
  std::size_t commit_ = 0;           // first member not committed
  std::uint64_t data_done_ = 0, members_done_ = 0;

  WriterStats stats_;
  std::chrono::steady_clock::time_point last_progress_{};
  std::uint64_t last_stall_count_ = 0;
  std::chrono::steady_clock::time_point last_stall_seen_{};
};

}  // namespace tg::firmware::pipeline
