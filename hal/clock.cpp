#include "hal/clock.hpp"

#include <thread>

namespace tg::hal {

Nanos SteadyClock::now() const {
  return std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now().time_since_epoch());
}
void SteadyClock::sleep_for(Nanos d) { std::this_thread::sleep_for(d); }
std::int64_t SteadyClock::wall_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Clock& system_clock() {
  static SteadyClock clock;
  return clock;
}

}  // namespace tg::hal
