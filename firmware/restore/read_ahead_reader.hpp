#pragma once
// Read-ahead for restore, verify and the rebuild's header scan: a tape
// thread reads blocks from the cartridge into the slots of a BlockRing (the
// backup pipeline's fixed-memory ring) while the caller parses, hashes and
// writes the blocks before them, so the drive keeps streaming instead of
// waiting for each block to be handled.
//
// It is a TapeReader around the cartridge's own reader and answers block
// by block exactly as that reader would:
//  - Every outcome is queued in tape order: data (with length and
//    truncation), filemark, end of data, error (with its Error). The thread
//    reads on past filemarks but stops by itself after end of data or an
//    error, so the drive is never moved past either before the caller has
//    taken it.
//  - LOCATE and rewind discard what was read ahead, then position; the
//    next read restarts the thread there.
//  - position() is counted, not asked: the caller's last known position
//    plus the data blocks and filemarks it has taken.
//  - SPACE forward over filemarks that were already read ahead happens in
//    the ring, without tape motion. Any other SPACE stops the thread and
//    spaces from the caller's position: straight from the drive's when that
//    gives the same result (only blocks and fewer filemarks were read
//    ahead), after a LOCATE back to the caller's block otherwise.
//
// Memory: create() allocates the ring and starts the thread, once per job;
// nothing allocates per block (an Error's text only when a read fails).
// read_block() hands out the ring slot itself, no copy. Stopping the
// thread (any positioning, attach(), the destructor) waits for the READ in
// flight: a SCSI command cannot be taken back.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "firmware/pipeline/block_ring.hpp"
#include "firmware/restore/tape_reader.hpp"

namespace tg::firmware::restore {

// Restore's ring: 32 MiB is 80 ms of an LTO-9 streaming at 400 MB/s, which
// covers what stalls the consumer for a moment (a file's fsync, rename and
// directory fsync, scheduling), while a longer stall (a whole large file's
// writeback at its fsync) would outlast any ring of sane size: that is why
// a restored file's writeback runs while it is written (writeback_pacer.hpp).
// Unlike backup, whatever was read ahead past the last wanted block is read
// for nothing at each LOCATE and at the end of each cartridge, so more is
// not free.
inline constexpr std::size_t kDefaultReadAheadBytes = 32u << 20;

struct ReadAheadStats {
  std::uint64_t blocks_read = 0;        // by the tape thread, read-ahead included
  std::uint64_t blocks_discarded = 0;   // read ahead, then dropped by a reposition
  std::uint64_t restarts = 0;           // the thread started reading at a new position
  // The thread found the ring full: the caller was behind, a drive would
  // stop streaming (also counts the last fill before a LOCATE or the end).
  std::uint64_t ring_full = 0;
  // The caller found no block ready: the drive was behind (or positioning).
  std::uint64_t caller_waits = 0;
  double caller_wait_seconds = 0;
};

class ReadAheadReader final : public TapeReader {
 public:
  // slot_bytes: the largest block to read (rounded up to a multiple of
  // 512); a longer block reads as truncated, as into a buffer of that size.
  // ring_bytes: the ring, at least two slots.
  static Result<std::unique_ptr<ReadAheadReader>> create(std::size_t slot_bytes, std::size_t ring_bytes);
  ~ReadAheadReader() override;
  ReadAheadReader(const ReadAheadReader&) = delete;
  ReadAheadReader& operator=(const ReadAheadReader&) = delete;

  // Reads ahead on `tape` from now on; the position is taken as unknown.
  // nullptr detaches: the thread is idle and no longer touches the previous
  // tape when this returns (call it before the cartridge is unloaded).
  void attach(TapeReader* tape);
  void detach() { attach(nullptr); }

  Result<drivers::ReadStatus> read(std::span<std::uint8_t> buf) override;
  Result<BlockRead> read_block(std::span<std::uint8_t> buf) override;
  Status locate(std::uint64_t logical_object) override;
  Result<drivers::SpaceStatus> space(drivers::SpaceCode code, std::int32_t count) override;
  Result<std::uint64_t> position() override;
  Status rewind() override;
  std::string name() const override { return name_; }

  std::size_t slot_bytes() const { return ring_->slot_bytes(); }
  std::size_t ring_bytes() const { return ring_->slot_bytes() * ring_->slot_count(); }
  ReadAheadStats stats() const;

 private:
  struct Outcome {
    bool failed = false;
    drivers::ReadStatus status;
    Error error;   // when failed
  };

  explicit ReadAheadReader(std::unique_ptr<pipeline::BlockRing> ring);
  void thread_main();
  void fill(TapeReader& tape);
  Status start();
  void stop();
  void discard();
  void release_held();
  Status relocate();
  void unmoved();
  Error not_attached() const;

  std::unique_ptr<pipeline::BlockRing> ring_;
  std::vector<Outcome> outcomes_;          // one per slot, written by the thread before it publishes
  std::vector<std::uint32_t> drained_;     // slots left in the ring when stopped (capacity reserved)

  // Shared with the tape thread.
  std::mutex mu_;
  std::condition_variable cv_;
  TapeReader* tape_ = nullptr;             // the thread's tape; changed only while it is idle
  bool go_ = false, running_ = false, quit_ = false;
  std::atomic<std::uint64_t> filemarks_queued_{0};   // since start()
  std::atomic<std::uint64_t> blocks_read_{0};
  std::thread thread_;

  // The caller's side.
  TapeReader* inner_ = nullptr;
  std::string name_ = "no cartridge";
  bool reading_ = false;                   // started; its queue not yet drained to the end or discarded
  long held_ = -1;                         // slot whose bytes the last read_block() returned
  std::optional<std::uint64_t> logical_;   // the next object the caller reads; known while reading_
  bool relocate_ = false;                  // the drive is past logical_ (read-ahead was discarded)
  std::uint64_t filemarks_taken_ = 0;      // since start()
  std::uint64_t discarded_ = 0, restarts_ = 0;
};

}  // namespace tg::firmware::restore
