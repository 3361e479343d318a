#include "drivers/usb/usb_device.hpp"

#include <libusb.h>

#include <cstdio>
#include <vector>

#include "drivers/usb/bot_transport.hpp"
#include "drivers/usb/libusb_pipe.hpp"

namespace tg::usb {
namespace {

struct DeviceList {
  libusb_device** list = nullptr;
  ssize_t count = 0;
  ~DeviceList() {
    if (list) libusb_free_device_list(list, 1);
  }
};

// The device's iSerialNumber, read with a short-lived handle; empty when it
// cannot be opened (permission) or has none.
std::string device_serial(libusb_device* dev, std::uint8_t index) {
  libusb_device_handle* h = nullptr;
  if (index == 0 || libusb_open(dev, &h) != LIBUSB_SUCCESS) return {};
  std::string s = usb_string(h, index);
  libusb_close(h);
  return s;
}

}  // namespace

Result<UsbBotDevice> open_usb_device(const UsbSpec& spec) {
  const std::string name = format_usb_spec(spec);
  auto ctx = TG_TRY(UsbContext::create());
  DeviceList devs;
  devs.count = libusb_get_device_list(ctx->get(), &devs.list);
  if (devs.count < 0)
    return Error(Errc::transport_error, "listing USB devices: " + libusb_error_text(static_cast<int>(devs.count)));

  struct Match {
    libusb_device* dev;
    BotInterface where;
    std::string serial;
  };
  std::vector<Match> matches;
  for (ssize_t i = 0; i < devs.count; ++i) {
    libusb_device* dev = devs.list[i];
    libusb_device_descriptor desc{};
    if (libusb_get_device_descriptor(dev, &desc) != LIBUSB_SUCCESS) continue;
    if (desc.idVendor != spec.vendor_id || desc.idProduct != spec.product_id) continue;
    auto where = find_bot_interface(dev);
    if (!where.ok()) continue;
    std::string serial = device_serial(dev, desc.iSerialNumber);
    if (!spec.serial.empty() && serial != spec.serial) continue;
    matches.push_back({dev, *where, serial});
  }
  if (matches.empty())
    return Error(Errc::not_found, "no USB device " + name + " with a Bulk-Only mass-storage interface is connected");
  if (matches.size() > 1)
    return Error(Errc::invalid_argument, std::to_string(matches.size()) + " USB devices match " + name +
                                             "; name one by its serial (usb:VID:PID:SERIAL)");

  const Match& m = matches.front();
  UsbBotDevice out;
  out.spec = spec;
  out.spec.serial = m.serial;
  out.spec.lun = 0;
  out.location = "bus " + std::to_string(libusb_get_bus_number(m.dev)) + " port " + usb_port_path(m.dev) +
                 " interface " + std::to_string(m.where.interface);
  auto pipe = TG_TRY(LibusbBulkPipe::open(ctx, m.dev, m.where, format_usb_spec(out.spec) + " (" + out.location + ")"));
  out.protocol = std::make_shared<BotProtocol>(std::unique_ptr<UsbBulkPipe>(std::move(pipe)));
  out.max_lun = TG_TRY(out.protocol->get_max_lun());
  return out;
}

Result<std::unique_ptr<hal::ScsiTransport>> make_lun_transport(const UsbBotDevice& device, std::uint8_t lun) {
  if (lun > device.max_lun)
    return Error(Errc::not_found, format_usb_spec(device.spec) + " has LUNs 0.." + std::to_string(device.max_lun) +
                                      ", not " + std::to_string(lun));
  UsbSpec s = device.spec;
  s.lun = lun;
  return std::unique_ptr<hal::ScsiTransport>(std::make_unique<UsbBotTransport>(device.protocol, lun, format_usb_spec(s)));
}

Result<std::unique_ptr<hal::ScsiTransport>> open_usb_transport(const std::string& text) {
  UsbSpec spec = TG_TRY(parse_usb_spec(text));
  UsbBotDevice device = TG_TRY(open_usb_device(spec));
  return make_lun_transport(device, spec.lun);
}

}  // namespace tg::usb
