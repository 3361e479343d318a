#include "firmware/restore/writeback_pacer.hpp"

#include <algorithm>

namespace tg::firmware::restore {

WritebackPacer::WritebackPacer(std::uint64_t window, std::uint64_t in_flight)
    : window_(std::max<std::uint64_t>(window, 1)), limit_(window_ * std::max<std::uint64_t>(in_flight, 1)) {}

WritebackStep WritebackPacer::after_write(std::uint64_t written) {
  WritebackStep step;
  // Whole windows only: a call per write(2) would cost more than it saves.
  if (written < started_ + window_) return step;
  step.start = {started_, written - started_};
  started_ = written;
  if (started_ > waited_ + limit_) {
    const std::uint64_t to = started_ - limit_;
    step.wait = {waited_, to - waited_};
    waited_ = to;
  }
  return step;
}

}  // namespace tg::firmware::restore
