#pragma once
// An in-process USB mass-storage device speaking Bulk-Only Transport, seen
// from the host through UsbBulkPipe. It parses the CBW bytes exactly,
// hands the CDB to a hal::ScsiTarget for the addressed LUN, and answers with
// data and CSW bytes. Like a real BOT device it holds the sense of a failed
// command until REQUEST SENSE asks for it (the target itself answers with
// autosense). Faults are armed for the next command and injected on the wire.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/usb/bot_wrappers.hpp"
#include "drivers/usb/usb_bulk_pipe.hpp"
#include "hal/scsi_target.hpp"

namespace tg::usb::test {

// Armed with arm(); applied to the next CBW only.
struct BotFaults {
  bool stall_after_data_in = false;  // send the data, then halt bulk-in instead of a short packet (BOT 6.7.2 case 5)
  std::optional<std::size_t> stall_data_out_after;  // accept N bytes, then halt bulk-out; the command fails
  std::optional<std::size_t> truncate_data_in;      // send only N bytes (short packet), residue honest
  bool residue_lies_zero = false;    // with truncate_data_in: CSW says residue 0
  bool pad_data_in = false;          // send the full length, zero padded; CSW residue honest (case 5 padding)
  bool extra_data_in = false;        // more data than asked: babble/overflow
  int stall_csw = 0;                 // halt bulk-in this many times where the CSW is due
  bool zero_length_before_csw = false;
  bool phase_error = false;          // CSW status 2
  bool reserved_status = false;      // CSW status 5
  bool bad_csw_signature = false;
  bool bad_csw_tag = false;
  bool short_csw = false;            // 12-byte CSW
  bool residue_too_large = false;    // CSW residue > dCBWDataTransferLength
  bool hang_in_data = false;         // data phase never completes (timeout) until reset
  bool hang_before_csw = false;      // CSW never comes (timeout) until reset
  bool stall_cbw = false;            // treat the CBW as not meaningful (BOT 6.6.1)
};

class BotDeviceModel final : public UsbBulkPipe {
 public:
  // luns[i] answers LUN i; Get Max LUN reports luns.size() - 1.
  explicit BotDeviceModel(std::vector<hal::ScsiTarget*> luns, std::uint8_t interface = 0);

  UsbTransfer bulk_out(std::span<const std::uint8_t> data, std::chrono::milliseconds timeout) override;
  UsbTransfer bulk_in(std::span<std::uint8_t> buf, std::chrono::milliseconds timeout) override;
  UsbTransfer clear_halt(BulkEndpoint ep) override;
  UsbTransfer control(const ControlSetup& setup, std::span<std::uint8_t> data,
                      std::chrono::milliseconds timeout) override;
  std::uint8_t interface_number() const override { return interface_; }
  std::string describe() const override { return "usb-model"; }

  void arm(const BotFaults& f) { armed_ = f; }
  void unplug() { unplugged_ = true; }
  // Halt an endpoint as a device does on its own (e.g. after an error the
  // host did not see).
  void halt(BulkEndpoint ep) { (ep == BulkEndpoint::in ? in_halted_ : out_halted_) = true; }
  void reject_reset(bool on) { reject_reset_ = on; }
  void stall_get_max_lun(bool on) { stall_get_max_lun_ = on; }
  // REQUEST SENSE itself ends with CSW "failed" (a device that lost it).
  void fail_request_sense(bool on) { fail_request_sense_ = on; }

  // What the host did, for assertions.
  std::vector<CommandBlockWrapper> cbws;  // every valid CBW, in order
  std::vector<std::string> events;        // "reset", "clear-in", "clear-out", "get-max-lun"
  int resets = 0;
  bool in_halted() const { return in_halted_; }
  bool out_halted() const { return out_halted_; }

 private:
  enum class Phase { command, data_out, data_in, status };
  void start_command(const CommandBlockWrapper& cbw);
  void run_target(std::span<const std::uint8_t> out, std::span<std::uint8_t> in);
  UsbTransfer send_csw(std::span<std::uint8_t> buf);

  std::vector<hal::ScsiTarget*> luns_;
  std::uint8_t interface_;
  Phase phase_ = Phase::command;
  CommandBlockWrapper cbw_;
  BotFaults armed_, cur_;
  std::vector<std::uint8_t> data_;      // data-in to send, or data-out received
  std::size_t data_offset_ = 0;
  std::uint32_t residue_ = 0;
  std::uint8_t status_ = 0;
  bool in_halted_ = false, out_halted_ = false;
  bool need_reset_ = false;             // invalid CBW: halts stick until Reset Recovery
  bool hung_ = false;
  bool unplugged_ = false, reject_reset_ = false, stall_get_max_lun_ = false, fail_request_sense_ = false;
  // Sense held per LUN for REQUEST SENSE (BOT has no autosense).
  std::vector<std::vector<std::uint8_t>> held_sense_;
};

}  // namespace tg::usb::test
