#include "drivers/scsi/drive_counters_page.hpp"

#include <limits>

#include "drivers/scsi/log_pages.hpp"
#include "drivers/scsi/opcodes.hpp"

namespace tg::scsi {

Result<DriveCounters> parse_drive_counters_page(Bytes reply) {
  auto page = TG_TRY(parse_log_page(reply, log_page::tapegate_counters));
  DriveCounters out;
  bool seen[3] = {false, false, false};
  for (const auto& p : page.parameters) {
    if (p.code > 2) continue;
    if (seen[p.code])
      return Error(Errc::parse_error, "drive counters page: parameter " + std::to_string(p.code) + " repeated");
    seen[p.code] = true;
    if (p.value.empty() || p.value.size() > 8)
      return Error(Errc::parse_error, "drive counters page: parameter " + std::to_string(p.code) + " has " +
                                          std::to_string(p.value.size()) + " bytes, not a 1 to 8 byte counter");
    const std::uint64_t v = p.counter();
    switch (p.code) {
      case 0: out.backhitches = v; break;
      case 1:
        if (v > std::numeric_limits<std::uint32_t>::max())
          return Error(Errc::parse_error, "drive counters page: speed " + std::to_string(v) + " MB/s out of range");
        out.speed_mbps = static_cast<std::uint32_t>(v);
        break;
      default: out.stalls = v; break;
    }
  }
  if (!seen[0] || !seen[2]) return Error(Errc::parse_error, "drive counters page: backhitch or stall counter missing");
  return out;
}

}  // namespace tg::scsi
