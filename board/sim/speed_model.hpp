#pragma once
// How fast a simulated drive moves tape. A real LTO drive streams at its
// native rate, steps down through its speed-matching rates to follow a
// slower host, and below the lowest step it runs its buffer dry, stops,
// reverses and restarts (a backhitch, seconds each: "shoe-shining"). The
// host's command returns once its data fits in the drive's buffer, so a fast
// host waits for the tape and a slow one starves it.
//
// A flush (WRITE FILEMARKS with IMMED=0) empties the buffer onto tape and
// the tape stops there: the next write has to back the tape up and get it
// to speed again, one backhitch like the one after an underrun. Positioning
// commands (REWIND, LOCATE, UNLOAD) also drain the buffer but leave the tape
// where a write may start: their own time covers that, no backhitch.
//
// A stopped drive starts the tape only once it holds enough data to stream
// (start_bytes, at most half the buffer) or is told to write it out (a
// flush or positioning command): a lone label block and the pause before
// the job's data are buffered, not a start and an underrun.
//
// Counters: `stalls` are underruns the drive could not absorb by speed
// matching (the tape stopped for lack of data); `backhitches` are every
// stop-and-restart, those stalls plus the restarts after a flush.
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
  std::uint64_t start_bytes = 32ull << 20;  // data held before a stopped tape starts (capped at half the buffer)
};

class SpeedModel {
 public:
  SpeedModel(SpeedModelConfig config, hal::Clock& clock);
  bool enabled() const { return !config_.steps_mbps.empty(); }

  // The host handed over (WRITE) or took (READ) `bytes`; waits on the clock
  // as long as the drive would keep the command.
  void transfer(std::uint64_t bytes);
  // Everything buffered goes to tape before a positioning command (REWIND,
  // UNLOAD, LOCATE): waits for it; the next transfer starts without a backhitch.
  void drain();
  // Everything buffered goes to tape and the tape stops where the data
  // ends (WRITE FILEMARKS IMMED=0): waits for it; the next transfer costs a
  // backhitch. `wrote_filemarks`: the command itself moved the tape even
  // with nothing buffered.
  void stop(bool wrote_filemarks);

  std::uint64_t backhitches() const { return backhitches_; }
  std::uint64_t stalls() const { return stalls_; }
  std::uint32_t current_mbps() const { return enabled() ? config_.steps_mbps[step_] : 0; }

 private:
  hal::Nanos time_for(std::uint64_t bytes) const;
  // The tape starts moving at `now` to write what is held: a backhitch
  // first when a flush had stopped it.
  void start_tape(hal::Nanos now);

  SpeedModelConfig config_;
  hal::Clock& clock_;
  std::size_t step_ = 0;           // index into steps_mbps
  bool streaming_ = false;
  bool stopped_ = false;           // halted by a flush: the next start backhitches
  std::uint64_t held_ = 0;         // bytes accepted while the tape stands, not yet written
  hal::Nanos tape_done_{0};        // when the tape will have written all data accepted so far
  hal::Nanos last_return_{0};      // when the previous transfer command returned
  std::uint64_t backhitches_ = 0;
  std::uint64_t stalls_ = 0;
};

}  // namespace tg::sim
