#pragma once
// One logical unit as a driver talks to it: sends a CDB over the transport,
// decodes the sense of a CHECK CONDITION once, and names the device and
// the command in every error ("drive drive0: WRITE: MEDIUM ERROR: ...").
// It does not interpret sense (that is the tape drive's or changer's call)
// and never retries or sleeps.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "drivers/scsi/sense.hpp"
#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::drivers {

struct Completion {
  std::optional<scsi::Sense> sense;  // set when the device answered CHECK CONDITION
  std::size_t transferred = 0;       // bytes moved in the data phase
  bool good() const { return !sense.has_value(); }
};

class ScsiLun {
 public:
  // who: how errors name the device, e.g. "drive drive0" or "changer lib0".
  ScsiLun(hal::ScsiTransport& transport, std::string who) : transport_(transport), who_(std::move(who)) {}

  const std::string& who() const { return who_; }
  hal::ScsiTransport& transport() { return transport_; }

  // GOOD and CHECK CONDITION (with sense that parses) come back as a
  // Completion. Transport failures keep their Errc (timeout,
  // connection_lost...); BUSY, TASK SET FULL and RESERVATION CONFLICT are
  // Errc::busy; CHECK CONDITION with missing or unreadable sense is
  // Errc::check_condition. Every error names who and op.
  Result<Completion> run(const char* op, std::span<const std::uint8_t> cdb, hal::DataDirection direction,
                         std::span<const std::uint8_t> data_out, std::span<std::uint8_t> data_in,
                         std::chrono::milliseconds timeout);

  // The same, for callers that accept no CHECK CONDITION: the sense becomes
  // an Error. Returns the bytes transferred.
  Result<std::size_t> run_checked(const char* op, std::span<const std::uint8_t> cdb, hal::DataDirection direction,
                                  std::span<const std::uint8_t> data_out, std::span<std::uint8_t> data_in,
                                  std::chrono::milliseconds timeout);
  Status run_no_data(const char* op, std::span<const std::uint8_t> cdb, std::chrono::milliseconds timeout);
  Result<std::size_t> run_in(const char* op, std::span<const std::uint8_t> cdb, std::span<std::uint8_t> in,
                             std::chrono::milliseconds timeout);
  Status run_out(const char* op, std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> out,
                 std::chrono::milliseconds timeout);

  // "<who>: <op>: <decoded sense>", Errc from the sense (scsi::errc_for).
  Error sense_error(const char* op, const scsi::Sense& s) const;
  // "<who>: <op>: <message>".
  Error error(Errc code, const char* op, const std::string& message) const;

 private:
  hal::ScsiTransport& transport_;
  std::string who_;
};

// Command timeouts. Tape motion is slow and must not be cut short by a
// timeout: a drive that is interrupted mid-load or mid-rewind is left in an
// unknown state. Values follow drive vendors' recommendations (an LTO-8
// manual recommends 14 minutes for load/unload, mtx uses 30).
namespace timeouts {
using namespace std::chrono_literals;
inline constexpr std::chrono::milliseconds quick = 60s;         // TUR, INQUIRY, MODE SENSE/SELECT
inline constexpr std::chrono::milliseconds log_or_mam = 5min;   // LOG SENSE, READ ATTRIBUTE (slow on LTO-9)
inline constexpr std::chrono::milliseconds read_write = 15min;  // READ, WRITE, WRITE FILEMARKS
inline constexpr std::chrono::milliseconds motion = 30min;      // LOAD/UNLOAD, REWIND, LOCATE, SPACE
inline constexpr std::chrono::milliseconds short_erase = 30min;
inline constexpr std::chrono::milliseconds long_erase = 16h;    // writes the whole tape (LTO-9: 18 TB)
inline constexpr std::chrono::milliseconds move_medium = 15min;
inline constexpr std::chrono::milliseconds element_status = 10min;
inline constexpr std::chrono::milliseconds initialize_elements = 1h;  // full re-scan of a large library
}  // namespace timeouts

}  // namespace tg::drivers
