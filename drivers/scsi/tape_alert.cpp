#include "drivers/scsi/tape_alert.hpp"

#include <array>

#include "drivers/scsi/log_pages.hpp"
#include "drivers/scsi/opcodes.hpp"

namespace tg::scsi {
namespace {

using S = AlertSeverity;
constexpr S I = S::information, W = S::warning, C = S::critical;

// Index = flag - 1. Flags 0x28-0x2E are the obsolete autoloader flags, kept
// with their historical names because older drives still set them.
constexpr std::array<TapeAlertFlag, 64> kFlags{{
    {0x01, "Read warning", W},
    {0x02, "Write warning", W},
    {0x03, "Hard error", W},
    {0x04, "Media", C},
    {0x05, "Read failure", C},
    {0x06, "Write failure", C},
    {0x07, "Media life", W},
    {0x08, "Not data grade", W},
    {0x09, "Write protect", C},
    {0x0A, "No removal", I},
    {0x0B, "Cleaning media", I},
    {0x0C, "Unsupported format", I},
    {0x0D, "Recoverable mechanical cartridge failure", C},
    {0x0E, "Unrecoverable mechanical cartridge failure", C},
    {0x0F, "Memory chip in cartridge failure", W},
    {0x10, "Forced eject", C},
    {0x11, "Read only format", W},
    {0x12, "Tape directory corrupted on load", W},
    {0x13, "Nearing media life", I},
    {0x14, "Clean now", C},
    {0x15, "Clean periodic", W},
    {0x16, "Expired cleaning media", C},
    {0x17, "Invalid cleaning tape", C},
    {0x18, "Retension requested", W},
    {0x19, "Dual-port interface error", W},
    {0x1A, "Cooling fan failure", W},
    {0x1B, "Power supply failure", W},
    {0x1C, "Power consumption", W},
    {0x1D, "Drive maintenance", W},
    {0x1E, "Hardware A", C},
    {0x1F, "Hardware B", C},
    {0x20, "Interface", W},
    {0x21, "Eject media", C},
    {0x22, "Download fail", W},
    {0x23, "Drive humidity", W},
    {0x24, "Drive temperature", W},
    {0x25, "Drive voltage", W},
    {0x26, "Predictive failure", C},
    {0x27, "Diagnostics required", W},
    {0x28, "Loader hardware A (obsolete)", C},
    {0x29, "Loader stray tape (obsolete)", C},
    {0x2A, "Loader hardware B (obsolete)", W},
    {0x2B, "Loader door (obsolete)", C},
    {0x2C, "Loader hardware C (obsolete)", C},
    {0x2D, "Loader magazine (obsolete)", C},
    {0x2E, "Loader predictive failure (obsolete)", W},
    {0x2F, "Reserved (0x2F)", I},
    {0x30, "Reserved (0x30)", I},
    {0x31, "Diminished native capacity", I},
    {0x32, "Lost statistics", W},
    {0x33, "Tape directory invalid at unload", W},
    {0x34, "Tape system area write failure", C},
    {0x35, "Tape system area read failure", C},
    {0x36, "No start of data", C},
    {0x37, "Loading failure", C},
    {0x38, "Unrecoverable unload failure", C},
    {0x39, "Automation interface failure", C},
    {0x3A, "Firmware failure", W},
    {0x3B, "WORM medium - integrity check failed", W},
    {0x3C, "WORM medium - overwrite attempted", W},
    {0x3D, "Reserved (0x3D)", I},
    {0x3E, "Reserved (0x3E)", I},
    {0x3F, "Reserved (0x3F)", I},
    {0x40, "Reserved (0x40)", I},
}};

constexpr bool indexed() {
  for (std::size_t i = 0; i < kFlags.size(); ++i)
    if (kFlags[i].flag != i + 1) return false;
  return true;
}
static_assert(indexed(), "kFlags[i] must describe flag i + 1");

constexpr TapeAlertFlag kReserved{0, "Reserved", I};

}  // namespace

const char* alert_severity_name(AlertSeverity s) {
  switch (s) {
    case AlertSeverity::information: return "information";
    case AlertSeverity::warning: return "warning";
    case AlertSeverity::critical: return "critical";
  }
  return "unknown";
}

const TapeAlertFlag& tape_alert_flag(std::uint8_t flag) {
  if (flag < 1 || flag > 64) return kReserved;
  return kFlags[flag - 1];
}

Result<std::uint64_t> parse_tape_alert_page(Bytes reply) {
  auto page = TG_TRY(parse_log_page(reply, log_page::tape_alert));
  std::uint64_t mask = 0;
  for (const auto& p : page.parameters) {
    if (p.code < 1 || p.code > 64) continue;
    if (p.value.empty())
      return Error(Errc::parse_error, "TapeAlert parameter " + std::to_string(p.code) + " has no value byte");
    if (p.value[0] & 0x01) mask |= std::uint64_t{1} << (p.code - 1);
  }
  return mask;
}

}  // namespace tg::scsi
