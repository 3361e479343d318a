#pragma once
// Opening a USB Bulk-Only tape drive or changer named by a board spec
// (usb:VID:PID[:SERIAL][/LUN], see usb_spec.hpp) and handing out one
// hal::ScsiTransport per LUN. All LUNs of a device share one claimed
// interface and one BotProtocol, which keeps the device open for as long as
// any of its transports lives.
#include <cstdint>
#include <memory>
#include <string>

#include "drivers/usb/bot_protocol.hpp"
#include "drivers/usb/usb_spec.hpp"
#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::usb {

struct UsbBotDevice {
  std::shared_ptr<BotProtocol> protocol;
  UsbSpec spec;              // as matched (serial filled in from the device)
  std::uint8_t max_lun = 0;  // Get Max LUN
  std::string location;      // "bus 1 port 1-1.4"
};

// Finds the one device matching spec (VID:PID, and serial when given) with a
// Bulk-Only interface, claims it (detaching usb-storage while we hold it).
// Errors: unsupported (no USB on this machine), not_found (no such device),
// invalid_argument (several match: add the serial), io_error (permission),
// busy (another program holds it).
Result<UsbBotDevice> open_usb_device(const UsbSpec& spec);

// The transport of one LUN; its describe() is the canonical spec.
// Errors: not_found when lun > max_lun.
Result<std::unique_ptr<hal::ScsiTransport>> make_lun_transport(const UsbBotDevice& device, std::uint8_t lun);

// open_usb_device + make_lun_transport for the spec's LUN.
Result<std::unique_ptr<hal::ScsiTransport>> open_usb_transport(const std::string& spec);

}  // namespace tg::usb
