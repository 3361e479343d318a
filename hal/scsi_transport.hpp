#pragma once
// The one seam between SCSI command sets and the wire. iSCSI, SG_IO, USB
// Bulk-Only and the in-process transport to the simulated library all
// implement it; SSC/SMC code never sees anything below it.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "hal/result.hpp"

namespace tg::hal {

enum class DataDirection : std::uint8_t { none, to_device, from_device };

namespace scsi_status {
inline constexpr std::uint8_t good = 0x00;
inline constexpr std::uint8_t check_condition = 0x02;
inline constexpr std::uint8_t condition_met = 0x04;
inline constexpr std::uint8_t busy = 0x08;
inline constexpr std::uint8_t reservation_conflict = 0x18;
inline constexpr std::uint8_t task_set_full = 0x28;
inline constexpr std::uint8_t aca_active = 0x30;
inline constexpr std::uint8_t task_aborted = 0x40;
}  // namespace scsi_status

// Sense data is at most 252 bytes (SPC-4 4.5.1); kept inline so a command
// never allocates.
inline constexpr std::size_t kMaxSense = 252;

struct ScsiCommand {
  std::span<const std::uint8_t> cdb;
  DataDirection direction = DataDirection::none;
  std::span<const std::uint8_t> data_out;  // used when direction == to_device
  std::span<std::uint8_t> data_in;         // caller-owned; when from_device
  std::chrono::milliseconds timeout{60'000};
};

struct ScsiReply {
  std::uint8_t status = scsi_status::good;
  std::array<std::uint8_t, kMaxSense> sense{};
  std::size_t sense_length = 0;  // raw sense bytes valid in `sense`
  std::size_t transferred = 0;   // bytes actually moved in the data phase
  std::size_t residual = 0;      // expected - transferred

  std::span<const std::uint8_t> sense_bytes() const { return {sense.data(), sense_length}; }
  bool good() const { return status == scsi_status::good; }
};

// execute() returns a reply for every command the device answered, whatever
// its SCSI status (CHECK CONDITION included: interpreting sense is the
// driver's job). It returns an Error only when the transport itself failed:
// Errc::timeout, Errc::connection_lost, Errc::transport_error.
class ScsiTransport {
 public:
  virtual ~ScsiTransport() = default;
  virtual Result<ScsiReply> execute(const ScsiCommand& cmd) = 0;
  // Human description for logs and banners ("iscsi://127.0.0.1:3260/iqn.../1").
  // Never contains credentials.
  virtual std::string describe() const = 0;
  // After a transport-level recovery (reconnect), the device's position is
  // unknown. Drivers poll this to refuse blind writes; reading clears it.
  virtual bool take_position_lost() { return false; }
};

}  // namespace tg::hal
