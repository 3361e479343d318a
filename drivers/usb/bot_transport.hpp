#pragma once
// hal::ScsiTransport for one LUN of a USB Bulk-Only device. BOT has no
// autosense: a CSW with status "failed" is followed here by REQUEST SENSE
// on the same LUN, under the same lock, and its bytes become the reply's
// sense — so drivers see the same CHECK CONDITION + raw sense they get over
// iSCSI or SG_IO.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "drivers/usb/bot_protocol.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::usb {

class UsbBotTransport final : public hal::ScsiTransport {
 public:
  // Several LUN transports may share one protocol (one claimed interface).
  UsbBotTransport(std::shared_ptr<BotProtocol> protocol, std::uint8_t lun, std::string description);

  Result<hal::ScsiReply> execute(const hal::ScsiCommand& cmd) override;
  std::string describe() const override { return description_; }
  // True once after any Reset Recovery on the device (ours or another
  // LUN's): the command in flight may or may not have taken effect.
  bool take_position_lost() override;

  std::uint8_t lun() const { return lun_; }

 private:
  std::shared_ptr<BotProtocol> protocol_;
  std::uint8_t lun_;
  std::string description_;
  std::uint64_t resets_seen_;
};

// REQUEST SENSE allocation: the SPC-4 maximum (4.5.1), so vendor bytes past
// the standard 18 (tape drives use them) are not cut off.
inline constexpr std::uint8_t kRequestSenseAllocation = 252;
inline constexpr std::chrono::milliseconds kRequestSenseTimeout{30'000};

}  // namespace tg::usb
