#pragma once
// How fast a simulated drive moves tape. A real LTO drive streams at its
// native rate, steps down through its speed-matching rates to follow a
// slower host, and below the lowest step it runs its buffer dry, stops,
// reverses and restarts (a backhitch, seconds each: "shoe-shining"). The
// host's command returns once its data fits in the drive's buffer, so a fast
// host waits for the tape and a slow one starves it.
//
// Time comes from hal::Clock: on a ManualClock the model costs no real time
// and its waits are deterministic.
#include <cstdint>
#include <vector>

#include "hal/clock.hpp"

namespace tg::sim {

struct SpeedModelConfig {
  std::vector<std::uint32_t> steps_mbps;  // fastest first; empty = model off
  std::uint64_t buffer_bytes = 256ull << 20;
  hal::Nanos backhitch_penalty = std::chrono::seconds(3);
};

class SpeedModel {
 public:
  SpeedModel(SpeedModelConfig config, hal::Clock& clock);
  bool enabled() const { return !config_.steps_mbps.empty(); }

  // The host handed over (WRITE) or took (READ) `bytes`; waits on the clock
  // as long as the drive would keep the command.
  void transfer(std::uint64_t bytes);
  // Everything buffered goes to tape (WRITE FILEMARKS IMMED=0, REWIND,
  // UNLOAD, LOCATE): waits for it; the tape then stops without a backhitch.
  void drain();

  std::uint64_t backhitches() const { return backhitches_; }
  std::uint32_t current_mbps() const { return enabled() ? config_.steps_mbps[step_] : 0; }

 private:
  hal::Nanos time_for(std::uint64_t bytes) const;

  SpeedModelConfig config_;
  hal::Clock& clock_;
  std::size_t step_ = 0;           // index into steps_mbps
  bool streaming_ = false;
  hal::Nanos tape_done_{0};        // when the tape will have written all data accepted so far
  hal::Nanos last_return_{0};      // when the previous transfer command returned
  std::uint64_t backhitches_ = 0;
};

}  // namespace tg::sim
