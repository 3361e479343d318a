#pragma once
// The narrow seam under the Bulk-Only protocol: one claimed mass-storage
// interface with a bulk-in and a bulk-out endpoint, plus the default control
// pipe for the two class requests. LibusbBulkPipe implements it on real
// hardware; the tests implement it with an in-process device model, so every
// line of BotProtocol runs without a device.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace tg::usb {

enum class BulkEndpoint : std::uint8_t { in, out };

// How a transfer ended. `stall` is the device's protocol signal (a halted
// endpoint, BOT 6.6/6.7) and is recovered by the protocol; the others are
// failures of the link.
enum class UsbOutcome : std::uint8_t {
  ok,         // completed; `transferred` may be short on bulk-in (short packet)
  stall,      // endpoint halted (LIBUSB_ERROR_PIPE)
  timeout,    // no completion within the timeout
  overflow,   // device sent more than the buffer holds (babble)
  no_device,  // unplugged / gone
  error,      // any other failure (I/O, access, ...)
};

struct UsbTransfer {
  UsbOutcome outcome = UsbOutcome::ok;
  std::size_t transferred = 0;  // bytes moved before the outcome, even on stall/timeout
  std::string detail;           // the backend's words ("LIBUSB_ERROR_IO"), for messages
};

// A control request on the default pipe (USB 2.0 9.3).
struct ControlSetup {
  std::uint8_t request_type = 0;  // bmRequestType
  std::uint8_t request = 0;       // bRequest
  std::uint16_t value = 0;        // wValue
  std::uint16_t index = 0;        // wIndex
};

class UsbBulkPipe {
 public:
  virtual ~UsbBulkPipe() = default;
  virtual UsbTransfer bulk_out(std::span<const std::uint8_t> data, std::chrono::milliseconds timeout) = 0;
  // Reads up to buf.size() bytes; a short packet ends the transfer early.
  virtual UsbTransfer bulk_in(std::span<std::uint8_t> buf, std::chrono::milliseconds timeout) = 0;
  // CLEAR_FEATURE(ENDPOINT_HALT) on one bulk endpoint (USB 2.0 9.4.1) and the
  // host-side data toggle reset that goes with it.
  virtual UsbTransfer clear_halt(BulkEndpoint ep) = 0;
  // data.size() is wLength; the direction comes from bit 7 of request_type.
  virtual UsbTransfer control(const ControlSetup& setup, std::span<std::uint8_t> data,
                              std::chrono::milliseconds timeout) = 0;
  // bInterfaceNumber of the claimed interface: wIndex of the class requests.
  virtual std::uint8_t interface_number() const = 0;
  // "usb:0781:5567 bus 1 port 1.4 interface 0", for messages.
  virtual std::string describe() const = 0;
};

}  // namespace tg::usb
