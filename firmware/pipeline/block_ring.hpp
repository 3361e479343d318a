#pragma once
// The ring of fixed-size buffers between the framer (disk side) and the
// writer (drive side). All memory is allocated once by the constructor;
// slots move between a free queue and a full queue as indices, under one
// mutex per hand-over (never per byte). Nothing allocates after start-up.
//
// Stall accounting: a "stall" is a time the writer asked for a full slot
// and had to wait (the drive would have been starved); "starved" time is
// the sum of those waits. The framer's waits for a free slot are counted
// separately: they mean the drive is the bottleneck, which is the goal.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "hal/result.hpp"

namespace tg::firmware::pipeline {

struct SlotInfo {
  std::size_t length = 0;     // bytes filled (== capacity except before a drain/end)
  std::uint64_t stream_offset = 0;  // stream offset of byte 0
  bool drain = false;         // the framer has nothing more for now; see TarFramer
  // drain only: how many members the framer had framed when it drained.
  // The stream has ended iff the table still holds exactly that many when
  // the writer reaches this slot (only the writer appends after a drain).
  std::size_t members_at_drain = 0;
};

struct RingStats {
  std::uint64_t writer_waits = 0;    // stalls: writer found no full slot
  std::uint64_t writer_wait_ns = 0;
  std::uint64_t framer_waits = 0;    // framer found no free slot (drive-bound)
  std::uint64_t hasher_waits = 0;    // hasher found no framed slot (disk-bound)
};

class BlockRing {
 public:
  // Errc::invalid_argument for zero sizes; allocation happens here only.
  // hash_stage: published slots pass through a middle stage (the backup's
  // hasher: acquire_framed / pass) before the consumer sees them, so reading
  // the source, hashing it and writing the tape run on three threads.
  static Result<std::unique_ptr<BlockRing>> create(std::size_t slot_bytes, std::size_t total_bytes,
                                                   bool hash_stage = false);
  ~BlockRing();
  BlockRing(const BlockRing&) = delete;
  BlockRing& operator=(const BlockRing&) = delete;

  std::size_t slot_bytes() const { return slot_bytes_; }
  std::size_t slot_count() const { return count_; }
  std::span<std::uint8_t> slot(std::size_t i) { return {base_ + i * slot_bytes_, slot_bytes_}; }
  SlotInfo& info(std::size_t i) { return infos_[i]; }

  // Producer side. Returns -1 once closed.
  long acquire_free();
  void publish(std::size_t i);
  // Middle stage (hash_stage rings only), in publication order. Returns -1
  // once closed.
  long acquire_framed();
  void pass(std::size_t i);
  // Consumer side. Returns -1 once closed and no full slot is left.
  // count_stall: whether a wait here counts as a drive stall.
  long acquire_full(bool count_stall);
  void release(std::size_t i);

  // Wakes everyone; further acquires return -1 (cancellation, errors).
  void close();
  // Back to how create() left it: every slot free, none full, open again.
  // Only while no thread uses the ring (restore's read-ahead restarts it
  // after each LOCATE with its tape thread idle).
  void reopen();
  bool closed() const;
  RingStats stats() const;

 private:
  // A fixed-capacity FIFO of slot indices (allocated once).
  struct IndexQueue {
    explicit IndexQueue(std::size_t capacity) : slots(capacity) {}
    void push(std::uint32_t i);
    std::uint32_t pop();
    void clear();
    std::vector<std::uint32_t> slots;
    std::size_t head = 0, len = 0;
  };
  BlockRing(std::size_t slot_bytes, std::size_t count, std::uint8_t* base, bool hash_stage);
  long take(IndexQueue& q, std::condition_variable& cv, std::uint64_t& waits, bool drain_on_close,
            std::uint64_t* wait_ns);
  void put(IndexQueue& q, std::condition_variable& cv, std::size_t i);
  std::size_t slot_bytes_, count_;
  bool hash_stage_;
  std::uint8_t* base_;
  std::vector<SlotInfo> infos_;
  IndexQueue free_q_, framed_q_, full_q_;
  mutable std::mutex mu_;
  std::condition_variable free_cv_, framed_cv_, full_cv_;
  bool closed_ = false;
  RingStats stats_;
};

}  // namespace tg::firmware::pipeline
