#pragma once
// The host side of USB Mass Storage Bulk-Only Transport (BOT rev. 1.0):
// one command is CBW -> optional data phase -> CSW, with the spec's error
// handling. It knows nothing of SCSI beyond carrying CDB bytes; REQUEST
// SENSE after a failed command is the transport's job (bot_transport.hpp).
//
// Recovery done here, because the spec mandates it and no caller could do
// it better: clearing a stalled bulk endpoint and still reading the CSW
// (BOT 6.7.2, 6.7.3), one re-read of a stalled CSW (BOT 6.7, figure 2),
// and Reset Recovery (BOT 5.3.4) after a phase error, an invalid or
// not-meaningful CSW, a rejected CBW or a timeout. No command is ever
// repeated: a tape command's effect must not happen twice.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

#include "drivers/usb/bot_wrappers.hpp"
#include "drivers/usb/usb_bulk_pipe.hpp"
#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::usb {

// Class-specific requests (BOT 3.1, 3.2).
inline constexpr std::uint8_t kBulkOnlyResetRequestType = 0x21;  // class, interface, host-to-device
inline constexpr std::uint8_t kBulkOnlyResetRequest = 0xFF;
inline constexpr std::uint8_t kGetMaxLunRequestType = 0xA1;      // class, interface, device-to-host
inline constexpr std::uint8_t kGetMaxLunRequest = 0xFE;

struct BotCommand {
  std::uint8_t lun = 0;
  std::span<const std::uint8_t> cdb;
  hal::DataDirection direction = hal::DataDirection::none;
  std::span<const std::uint8_t> data_out;  // to_device
  std::span<std::uint8_t> data_in;         // from_device
  std::chrono::milliseconds timeout{60'000};
};

// A command the device completed with a meaningful CSW.
struct BotResult {
  CswStatus status = CswStatus::passed;  // passed or failed, never phase_error
  std::size_t transferred = 0;  // bytes of the data phase that count
  std::size_t residual = 0;     // expected - transferred
  std::uint32_t csw_residue = 0;  // what the device reported, for diagnostics
};

class BotProtocol {
 public:
  explicit BotProtocol(UsbBulkPipe& pipe) : pipe_(pipe) {}
  explicit BotProtocol(std::unique_ptr<UsbBulkPipe> pipe) : owned_(std::move(pipe)), pipe_(*owned_) {}

  // One command. Errors: Errc::timeout (after Reset Recovery),
  // Errc::transport_error (protocol violation, after Reset Recovery),
  // Errc::connection_lost (device gone, or Reset Recovery itself failed),
  // Errc::invalid_argument (CDB/LUN/length the wrapper cannot carry).
  Result<BotResult> execute(const BotCommand& cmd);

  // BOT 5.3.4: Bulk-Only Mass Storage Reset, then CLEAR_FEATURE(HALT) on
  // bulk-in and bulk-out, in that order.
  Status reset_recovery();

  // BOT 3.2. A device with one LUN may stall the request: that means 0.
  Result<std::uint8_t> get_max_lun();

  // Incremented by every Reset Recovery (attempted): the outcome of the
  // command that provoked it is unknown, so a tape's position is too.
  std::uint64_t reset_count() const { return reset_count_; }

  // Serialises command + REQUEST SENSE pairs of the LUN transports that
  // share this device (the sense belongs to the command before it).
  std::mutex& command_mutex() { return command_mutex_; }

  const UsbBulkPipe& pipe() const { return pipe_; }

 private:
  Error recover(Errc code, std::string what);
  Result<std::size_t> data_phase(const BotCommand& cmd);
  Result<CommandStatusWrapper> read_csw(std::uint32_t tag, std::chrono::milliseconds timeout);

  std::unique_ptr<UsbBulkPipe> owned_;
  UsbBulkPipe& pipe_;
  std::uint32_t next_tag_ = 1;
  std::uint64_t reset_count_ = 0;
  std::mutex command_mutex_;
};

}  // namespace tg::usb
