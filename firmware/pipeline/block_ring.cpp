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
  for (std::size_t i = 0; i < count; ++i) free_q_[i] = static_cast<std::uint32_t>(i);
  free_len_ = count;
}

BlockRing::~BlockRing() { std::free(base_); }

long BlockRing::acquire_free() {
  std::unique_lock lk(mu_);
  if (free_len_ == 0 && !closed_) {
    ++stats_.framer_waits;
    free_cv_.wait(lk, [&] { return free_len_ > 0 || closed_; });
  }
  if (closed_) return -1;
  std::uint32_t i = free_q_[free_head_];
  free_head_ = (free_head_ + 1) % count_;
  --free_len_;
  return i;
}

void BlockRing::publish(std::size_t i) {
  if (!hash_stage_) return push_full(i);
  {
    std::lock_guard lk(mu_);
    framed_q_[(framed_head_ + framed_len_) % count_] = static_cast<std::uint32_t>(i);
    ++framed_len_;
  }
  framed_cv_.notify_one();
}

long BlockRing::acquire_framed() {
  std::unique_lock lk(mu_);
  if (framed_len_ == 0 && !closed_) {
    ++stats_.hasher_waits;
    framed_cv_.wait(lk, [&] { return framed_len_ > 0 || closed_; });
  }
  if (closed_) return -1;
  std::uint32_t i = framed_q_[framed_head_];
  framed_head_ = (framed_head_ + 1) % count_;
  --framed_len_;
  return i;
}

void BlockRing::pass(std::size_t i) { push_full(i); }

void BlockRing::push_full(std::size_t i) {
  {
    std::lock_guard lk(mu_);
    full_q_[(full_head_ + full_len_) % count_] = static_cast<std::uint32_t>(i);
    ++full_len_;
  }
  full_cv_.notify_one();
}

long BlockRing::acquire_full(bool count_stall) {
  std::unique_lock lk(mu_);
  if (full_len_ == 0 && !closed_) {
    auto t0 = std::chrono::steady_clock::now();
    full_cv_.wait(lk, [&] { return full_len_ > 0 || closed_; });
    if (count_stall) {
      ++stats_.writer_waits;
      stats_.writer_wait_ns += static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  if (full_len_ == 0) return -1;
  std::uint32_t i = full_q_[full_head_];
  full_head_ = (full_head_ + 1) % count_;
  --full_len_;
  return i;
}

void BlockRing::release(std::size_t i) {
  {
    std::lock_guard lk(mu_);
    free_q_[(free_head_ + free_len_) % count_] = static_cast<std::uint32_t>(i);
    ++free_len_;
  }
  free_cv_.notify_one();
}

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
  for (std::size_t i = 0; i < count_; ++i) free_q_[i] = static_cast<std::uint32_t>(i);
  free_head_ = 0;
  free_len_ = count_;
  framed_head_ = 0;
  framed_len_ = 0;
  full_head_ = 0;
  full_len_ = 0;
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
