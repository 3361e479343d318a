#include "firmware/console/quantity.hpp"

#include <cstdio>

#include "firmware/console/dispatch.hpp"
#include "firmware/console/tape_job.hpp"

namespace tg::firmware::console {
namespace {
std::int64_t as_int(std::uint64_t v) { return static_cast<std::int64_t>(v); }
}  // namespace

Cell bytes_cell(std::uint64_t bytes) { return Quantity{as_int(bytes), human_bytes(bytes)}; }

Cell seconds_cell(double seconds) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  return Quantity{seconds, buf};
}

Cell rate_cell(std::uint64_t bytes, double seconds) {
  if (seconds <= 0) return Cell{};
  const double mb_per_s = static_cast<double>(bytes) / seconds / 1e6;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f MB/s", mb_per_s);
  return Quantity{mb_per_s, buf};
}

Cell transfer_cell(std::uint64_t bytes, double seconds) {
  return Quantity{as_int(bytes), amount_and_rate(bytes, seconds)};
}

}  // namespace tg::firmware::console
