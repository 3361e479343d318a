#include "board/sim/speed_model.hpp"

#include <algorithm>
#include <cstdint>

namespace tg::sim {

SpeedModel::SpeedModel(SpeedModelConfig config, hal::Clock& clock) : config_(std::move(config)), clock_(clock) {}

hal::Nanos SpeedModel::time_for(std::uint64_t bytes) const {
  // MB/s with MB = 10^6 bytes: ns = bytes * 1000 / MBps.
  const std::uint64_t mbps = config_.steps_mbps[step_];
  return hal::Nanos(static_cast<std::int64_t>(bytes * 1000 / mbps));
}

void SpeedModel::transfer(std::uint64_t bytes) {
  if (!enabled() || bytes == 0) return;
  const hal::Nanos now = clock_.now();
  // The host's rate for this transfer: bytes over the time since the
  // previous command returned (0 time = faster than anything).
  const std::int64_t interval = (now - last_return_).count();
  const std::uint64_t host_mbps = interval > 0 ? bytes * 1000 / static_cast<std::uint64_t>(interval) : UINT64_MAX;
  if (!streaming_) {
    // The tape stands: hold the data until there is enough to stream.
    held_ += bytes;
    if (held_ < std::min(config_.start_bytes, config_.buffer_bytes / 2)) {
      last_return_ = now;
      return;
    }
    start_tape(now);
    bytes = 0;  // counted in start_tape
  } else if (now > tape_done_) {
    // The buffer ran dry: the host was slower than the tape. The drive
    // follows the host's rate if one of its steps is slow enough...
    const auto& steps = config_.steps_mbps;
    if (host_mbps >= steps.back()) {
      step_ = 0;
      while (step_ + 1 < steps.size() && steps[step_] > host_mbps) ++step_;
      tape_done_ = now;
    } else {
      // ...otherwise it stops, rewinds past the last block and restarts.
      ++stalls_;
      ++backhitches_;
      step_ = steps.size() - 1;
      tape_done_ = now + config_.backhitch_penalty;
    }
  }
  tape_done_ = std::max(tape_done_, now) + time_for(bytes);
  // The command completes once what is left to write fits in the buffer.
  const hal::Nanos release = tape_done_ - time_for(config_.buffer_bytes);
  if (release > now) {
    clock_.sleep_for(release - now);
    // A host that had to wait and delivers faster than the current step
    // (not one held up by a reposition): step up again.
    if (step_ > 0 && host_mbps > config_.steps_mbps[step_]) --step_;
  }
  last_return_ = clock_.now();
}

void SpeedModel::start_tape(hal::Nanos now) {
  streaming_ = true;
  step_ = 0;
  tape_done_ = now;
  if (stopped_) {
    // Halted by a flush: back up past the last block, restart.
    ++backhitches_;
    stopped_ = false;
    tape_done_ = now + config_.backhitch_penalty;
  }
  tape_done_ += time_for(held_);
  held_ = 0;
}

void SpeedModel::drain() {
  if (!enabled()) return;
  const hal::Nanos now = clock_.now();
  if (!streaming_ && held_ > 0) start_tape(now);  // what is held goes to tape now
  if (streaming_ && tape_done_ > now) clock_.sleep_for(tape_done_ - now);
  streaming_ = false;
  stopped_ = false;
  last_return_ = clock_.now();
}

void SpeedModel::stop(bool wrote_filemarks) {
  if (!enabled()) return;
  const bool moving = streaming_ || held_ > 0 || stopped_ || wrote_filemarks;
  drain();
  stopped_ = moving;
}

}  // namespace tg::sim
