#include "firmware/pipeline/block_ring.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace tg::firmware::pipeline {

Result<std::unique_ptr<BlockRing>> BlockRing::create(std::size_t slot_bytes, std::size_t total_bytes,
                                                     bool hash_stage) {
  if (slot_bytes == 0 || slot_bytes % 512 != 0)
    return make_error(Errc::invalid_argument, "ring slot size must be a positive multiple of 512 bytes");
  std::size_t count = total_bytes / slot_bytes;
  if (count < 2) count = 2;  // one being filled, one being written
  // Page-aligned so read(2) and the transport can move whole pages.
  void* mem = std::aligned_alloc(4096, (count * slot_bytes + 4095) / 4096 * 4096);
  if (!mem)
    return make_error(Errc::io_error, "cannot allocate the " + std::to_string(count * slot_bytes >> 20) +
                                          " MiB ring buffer");
  std::memset(mem, 0, count * slot_bytes);  // touch it now: RSS is paid at start, not mid-job
  return std::unique_ptr<BlockRing>(new BlockRing(slot_bytes, count, static_cast<std::uint8_t*>(mem), hash_stage));
}

BlockRing::BlockRing(std::size_t slot_bytes, std::size_t count, std::uint8_t* base, bool hash_stage)
    : slot_bytes_(slot_bytes), count_(count), hash_stage_(hash_stage), base_(base), infos_(count), free_q_(count),
      framed_q_(hash_stage ? count : 0), full_q_(count) {
  for (std::size_t i = 0; i < count; ++i) free_q_.push(static_cast<std::uint32_t>(i));
}

BlockRing::~BlockRing() { std::free(base_); }

void BlockRing::IndexQueue::push(std::uint32_t i) {
  slots[(head + len) % slots.size()] = i;
  ++len;
}

std::uint32_t BlockRing::IndexQueue::pop() {
  std::uint32_t i = slots[head];
  head = (head + 1) % slots.size();
  --len;
  return i;
}

void BlockRing::IndexQueue::clear() { head = len = 0; }

// Waits on `cv` for an index in `q`; -1 once closed (after `drain_on_close`
// only when nothing is left). `waits` counts the times it had to wait.
long BlockRing::take(IndexQueue& q, std::condition_variable& cv, std::uint64_t& waits, bool drain_on_close,
                     std::uint64_t* wait_ns) {
  std::unique_lock lk(mu_);
  if (q.len == 0 && !closed_) {
    auto t0 = std::chrono::steady_clock::now();
    cv.wait(lk, [&] { return q.len > 0 || closed_; });
    ++waits;
    if (wait_ns)
      *wait_ns += static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
  }
  if (closed_ && (!drain_on_close || q.len == 0)) return -1;
  return q.pop();
}

void BlockRing::put(IndexQueue& q, std::condition_variable& cv, std::size_t i) {
  {
    std::lock_guard lk(mu_);
    q.push(static_cast<std::uint32_t>(i));
  }
  cv.notify_one();
}

long BlockRing::acquire_free() { return take(free_q_, free_cv_, stats_.framer_waits, false, nullptr); }

void BlockRing::publish(std::size_t i) {
  if (hash_stage_) put(framed_q_, framed_cv_, i);
  else put(full_q_, full_cv_, i);
}

long BlockRing::acquire_framed() { return take(framed_q_, framed_cv_, stats_.hasher_waits, false, nullptr); }

void BlockRing::pass(std::size_t i) { put(full_q_, full_cv_, i); }

long BlockRing::acquire_full(bool count_stall) {
  // The writer's first wait (before any block) is no stall of the drive.
  std::uint64_t ignored = 0, ignored_ns = 0;
  return take(full_q_, full_cv_, count_stall ? stats_.writer_waits : ignored, true,
              count_stall ? &stats_.writer_wait_ns : &ignored_ns);
}

void BlockRing::release(std::size_t i) { put(free_q_, free_cv_, i); }

void BlockRing::close() {
  {
    std::lock_guard lk(mu_);
    closed_ = true;
  }
  free_cv_.notify_all();
  framed_cv_.notify_all();
  full_cv_.notify_all();
}

void BlockRing::reopen() {
  std::lock_guard lk(mu_);
  free_q_.clear();
  framed_q_.clear();
  full_q_.clear();
  for (std::size_t i = 0; i < count_; ++i) free_q_.push(static_cast<std::uint32_t>(i));
  closed_ = false;
}

bool BlockRing::closed() const {
  std::lock_guard lk(mu_);
  return closed_;
}

RingStats BlockRing::stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

}  // namespace tg::firmware::pipeline
