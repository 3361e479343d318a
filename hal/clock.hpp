#pragma once
// Time seam: the firmware reads time only through a Clock so tests and the
// simulated drive's speed model can run on virtual time.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace tg::hal {

using Nanos = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Nanos now() const = 0;                   // monotonic
  virtual void sleep_for(Nanos d) = 0;             // may be virtual time
  virtual std::int64_t wall_seconds() const = 0;   // UNIX time, for labels and logs
};

class SteadyClock final : public Clock {
 public:
  Nanos now() const override;
  void sleep_for(Nanos d) override;
  std::int64_t wall_seconds() const override;
};

// Virtual time: sleep_for advances it instantly; tests set it explicitly.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t wall_start = 1'767'225'600) : wall_start_(wall_start) {}
  Nanos now() const override { return Nanos(t_.load()); }
  void sleep_for(Nanos d) override { t_ += d.count(); }
  void advance(Nanos d) { t_ += d.count(); }
  std::int64_t wall_seconds() const override {
    return wall_start_ + std::chrono::duration_cast<std::chrono::seconds>(now()).count();
  }

 private:
  std::atomic<std::int64_t> t_{0};
  std::int64_t wall_start_;
};

Clock& system_clock();

}  // namespace tg::hal
