#pragma once
// The thin libusb-1.0 part of the USB transport: a context, and one claimed
// Bulk-Only interface as a UsbBulkPipe. Built and reviewed; everything above
// it (BotProtocol) is tested against a device model instead of hardware.
#include <cstdint>
#include <memory>
#include <string>

#include "drivers/usb/usb_bulk_pipe.hpp"
#include "hal/result.hpp"

struct libusb_context;
struct libusb_device;
struct libusb_device_handle;

namespace tg::usb {

// Owns a libusb_context (libusb_init / libusb_exit). Shared by every pipe
// opened from it, so it lives as long as the last one.
class UsbContext {
 public:
  // Fails when the machine has no USB at all (no usbfs, a container).
  static Result<std::shared_ptr<UsbContext>> create();
  ~UsbContext();
  UsbContext(const UsbContext&) = delete;
  UsbContext& operator=(const UsbContext&) = delete;
  libusb_context* get() const { return ctx_; }

 private:
  explicit UsbContext(libusb_context* ctx) : ctx_(ctx) {}
  libusb_context* ctx_;
};

// Where a mass-storage Bulk-Only interface sits on a device (class 0x08,
// subclass 0x06 SCSI transparent, protocol 0x50 Bulk-Only).
struct BotInterface {
  std::uint8_t configuration = 0;   // bConfigurationValue
  std::uint8_t interface = 0;       // bInterfaceNumber
  std::uint8_t alt_setting = 0;
  std::uint8_t endpoint_in = 0;     // bEndpointAddress (bit 7 set)
  std::uint8_t endpoint_out = 0;
  std::uint16_t max_packet = 0;
};

// The first Bulk-Only interface of the device's active (else first)
// configuration, if it has one with a bulk-in and a bulk-out endpoint.
Result<BotInterface> find_bot_interface(libusb_device* device);

// "1-1.4": bus and port path, as the kernel names the device in sysfs.
std::string usb_port_path(libusb_device* device);

std::string libusb_error_text(int code);  // "LIBUSB_ERROR_ACCESS"

// An ASCII string descriptor (iSerialNumber, iProduct...), trimmed; empty
// when the index is 0 or the device does not answer.
std::string usb_string(libusb_device_handle* handle, std::uint8_t index);

class LibusbBulkPipe final : public UsbBulkPipe {
 public:
  // Opens the device, detaches a bound kernel driver (usb-storage) from the
  // interface for as long as the pipe lives, selects the alt setting and
  // claims the interface. Errors: io_error (permission), busy (claimed by
  // another program), connection_lost (unplugged), transport_error.
  static Result<std::unique_ptr<LibusbBulkPipe>> open(std::shared_ptr<UsbContext> context, libusb_device* device,
                                                      const BotInterface& where, std::string description);
  ~LibusbBulkPipe() override;  // releases the interface, re-attaches the kernel driver
  LibusbBulkPipe(const LibusbBulkPipe&) = delete;
  LibusbBulkPipe& operator=(const LibusbBulkPipe&) = delete;

  UsbTransfer bulk_out(std::span<const std::uint8_t> data, std::chrono::milliseconds timeout) override;
  UsbTransfer bulk_in(std::span<std::uint8_t> buf, std::chrono::milliseconds timeout) override;
  UsbTransfer clear_halt(BulkEndpoint ep) override;
  UsbTransfer control(const ControlSetup& setup, std::span<std::uint8_t> data,
                      std::chrono::milliseconds timeout) override;
  std::uint8_t interface_number() const override { return where_.interface; }
  std::string describe() const override { return description_; }

  libusb_device_handle* handle() const { return handle_; }

 private:
  LibusbBulkPipe(std::shared_ptr<UsbContext> ctx, libusb_device_handle* h, BotInterface where, std::string desc)
      : context_(std::move(ctx)), handle_(h), where_(where), description_(std::move(desc)) {}

  std::shared_ptr<UsbContext> context_;
  libusb_device_handle* handle_;
  BotInterface where_;
  std::string description_;
  bool reattach_kernel_driver_ = false;
};

}  // namespace tg::usb
