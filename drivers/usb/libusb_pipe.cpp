#include "drivers/usb/libusb_pipe.hpp"

#include <libusb.h>

#include <algorithm>
#include <climits>

namespace tg::usb {
namespace {

unsigned timeout_ms(std::chrono::milliseconds t) {
  // libusb takes 0 as "wait forever": never pass it by accident.
  return static_cast<unsigned>(std::clamp<std::int64_t>(t.count(), 1, UINT_MAX));
}

UsbTransfer from_libusb(int rc, int transferred) {
  UsbTransfer t;
  t.transferred = transferred > 0 ? static_cast<std::size_t>(transferred) : 0;
  switch (rc) {
    case LIBUSB_SUCCESS: t.outcome = UsbOutcome::ok; return t;
    case LIBUSB_ERROR_PIPE: t.outcome = UsbOutcome::stall; break;
    case LIBUSB_ERROR_TIMEOUT: t.outcome = UsbOutcome::timeout; break;
    case LIBUSB_ERROR_OVERFLOW: t.outcome = UsbOutcome::overflow; break;
    case LIBUSB_ERROR_NO_DEVICE: t.outcome = UsbOutcome::no_device; break;
    default: t.outcome = UsbOutcome::error; break;
  }
  t.detail = libusb_error_text(rc);
  return t;
}

Errc errc_for_open(int rc) {
  switch (rc) {
    case LIBUSB_ERROR_ACCESS: return Errc::io_error;
    case LIBUSB_ERROR_BUSY: return Errc::busy;
    case LIBUSB_ERROR_NO_DEVICE: return Errc::connection_lost;
    case LIBUSB_ERROR_NOT_FOUND: return Errc::not_found;
    default: return Errc::transport_error;
  }
}

}  // namespace

std::string libusb_error_text(int code) { return libusb_error_name(code); }

std::string usb_string(libusb_device_handle* handle, std::uint8_t index) {
  if (index == 0 || handle == nullptr) return {};
  unsigned char buf[256];
  int n = libusb_get_string_descriptor_ascii(handle, index, buf, sizeof buf);
  if (n <= 0) return {};
  std::string s(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

Result<std::shared_ptr<UsbContext>> UsbContext::create() {
  libusb_context* ctx = nullptr;
  int rc = libusb_init(&ctx);
  if (rc != LIBUSB_SUCCESS) return Error(Errc::unsupported, "USB is not available here: libusb_init: " + libusb_error_text(rc));
  return std::shared_ptr<UsbContext>(new UsbContext(ctx));
}

UsbContext::~UsbContext() { libusb_exit(ctx_); }

Result<BotInterface> find_bot_interface(libusb_device* device) {
  libusb_config_descriptor* cfg = nullptr;
  int rc = libusb_get_active_config_descriptor(device, &cfg);
  // An unconfigured device has no active configuration: look at the first.
  if (rc != LIBUSB_SUCCESS) rc = libusb_get_config_descriptor(device, 0, &cfg);
  if (rc != LIBUSB_SUCCESS) return Error(Errc::not_found, "no configuration descriptor: " + libusb_error_text(rc));
  std::unique_ptr<libusb_config_descriptor, void (*)(libusb_config_descriptor*)> guard(cfg, libusb_free_config_descriptor);
  for (int i = 0; i < cfg->bNumInterfaces; ++i) {
    const libusb_interface& itf = cfg->interface[i];
    for (int a = 0; a < itf.num_altsetting; ++a) {
      const libusb_interface_descriptor& d = itf.altsetting[a];
      if (d.bInterfaceClass != LIBUSB_CLASS_MASS_STORAGE || d.bInterfaceSubClass != 0x06 || d.bInterfaceProtocol != 0x50)
        continue;
      BotInterface where{.configuration = cfg->bConfigurationValue,
                         .interface = d.bInterfaceNumber,
                         .alt_setting = d.bAlternateSetting};
      for (int e = 0; e < d.bNumEndpoints; ++e) {
        const libusb_endpoint_descriptor& ep = d.endpoint[e];
        if ((ep.bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK) continue;
        if ((ep.bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN) {
          if (!where.endpoint_in) where.endpoint_in = ep.bEndpointAddress;
        } else if (!where.endpoint_out) {
          where.endpoint_out = ep.bEndpointAddress;
        }
        where.max_packet = std::max<std::uint16_t>(where.max_packet, ep.wMaxPacketSize);
      }
      if (where.endpoint_in && where.endpoint_out) return where;
    }
  }
  return Error(Errc::not_found, "no Bulk-Only mass-storage interface");
}

std::string usb_port_path(libusb_device* device) {
  std::uint8_t ports[8];
  int n = libusb_get_port_numbers(device, ports, sizeof ports);
  std::string s = std::to_string(libusb_get_bus_number(device));
  for (int i = 0; i < n; ++i) s += (i == 0 ? "-" : ".") + std::to_string(ports[i]);
  return s;
}

Result<std::unique_ptr<LibusbBulkPipe>> LibusbBulkPipe::open(std::shared_ptr<UsbContext> context, libusb_device* device,
                                                             const BotInterface& where, std::string description) {
  libusb_device_handle* h = nullptr;
  int rc = libusb_open(device, &h);
  if (rc != LIBUSB_SUCCESS)
    return Error(errc_for_open(rc), description + ": cannot open: " + libusb_error_text(rc) +
                                        (rc == LIBUSB_ERROR_ACCESS ? " (the service needs write access to /dev/bus/usb)" : ""));
  std::unique_ptr<LibusbBulkPipe> pipe(new LibusbBulkPipe(std::move(context), h, where, std::move(description)));
  // usb-storage binds every Bulk-Only interface; it must let go for us to
  // talk to the device, and gets it back when we are done.
  if (libusb_kernel_driver_active(h, where.interface) == 1) {
    rc = libusb_detach_kernel_driver(h, where.interface);
    if (rc != LIBUSB_SUCCESS)
      return Error(errc_for_open(rc), pipe->description_ + ": cannot detach the kernel driver: " + libusb_error_text(rc));
    pipe->reattach_kernel_driver_ = true;
  }
  int current = 0;
  if (libusb_get_configuration(h, &current) == LIBUSB_SUCCESS && current != where.configuration) {
    rc = libusb_set_configuration(h, where.configuration);
    if (rc != LIBUSB_SUCCESS)
      return Error(errc_for_open(rc), pipe->description_ + ": cannot select configuration " +
                                          std::to_string(where.configuration) + ": " + libusb_error_text(rc));
  }
  rc = libusb_claim_interface(h, where.interface);
  if (rc != LIBUSB_SUCCESS)
    return Error(errc_for_open(rc), pipe->description_ + ": cannot claim interface " + std::to_string(where.interface) +
                                        ": " + libusb_error_text(rc));
  if (where.alt_setting != 0) {
    rc = libusb_set_interface_alt_setting(h, where.interface, where.alt_setting);
    if (rc != LIBUSB_SUCCESS) {
      libusb_release_interface(h, where.interface);
      return Error(errc_for_open(rc), pipe->description_ + ": cannot select alternate setting: " + libusb_error_text(rc));
    }
  }
  return pipe;
}

LibusbBulkPipe::~LibusbBulkPipe() {
  libusb_release_interface(handle_, where_.interface);
  if (reattach_kernel_driver_) libusb_attach_kernel_driver(handle_, where_.interface);
  libusb_close(handle_);
}

UsbTransfer LibusbBulkPipe::bulk_out(std::span<const std::uint8_t> data, std::chrono::milliseconds timeout) {
  if (data.size() > INT_MAX) return {.outcome = UsbOutcome::error, .detail = "transfer larger than 2 GiB"};
  int done = 0;
  // libusb's buffer argument is not const; it does not write to OUT data.
  int rc = libusb_bulk_transfer(handle_, where_.endpoint_out, const_cast<std::uint8_t*>(data.data()),
                                static_cast<int>(data.size()), &done, timeout_ms(timeout));
  return from_libusb(rc, done);
}

UsbTransfer LibusbBulkPipe::bulk_in(std::span<std::uint8_t> buf, std::chrono::milliseconds timeout) {
  if (buf.size() > INT_MAX) return {.outcome = UsbOutcome::error, .detail = "transfer larger than 2 GiB"};
  int done = 0;
  int rc = libusb_bulk_transfer(handle_, where_.endpoint_in, buf.data(), static_cast<int>(buf.size()), &done,
                                timeout_ms(timeout));
  return from_libusb(rc, done);
}

UsbTransfer LibusbBulkPipe::clear_halt(BulkEndpoint ep) {
  int rc = libusb_clear_halt(handle_, ep == BulkEndpoint::in ? where_.endpoint_in : where_.endpoint_out);
  return from_libusb(rc, 0);
}

UsbTransfer LibusbBulkPipe::control(const ControlSetup& s, std::span<std::uint8_t> data, std::chrono::milliseconds timeout) {
  if (data.size() > 0xFFFF) return {.outcome = UsbOutcome::error, .detail = "wLength above 65535"};
  int rc = libusb_control_transfer(handle_, s.request_type, s.request, s.value, s.index, data.data(),
                                   static_cast<std::uint16_t>(data.size()), timeout_ms(timeout));
  if (rc >= 0) return {.outcome = UsbOutcome::ok, .transferred = static_cast<std::size_t>(rc)};
  return from_libusb(rc, 0);
}

}  // namespace tg::usb
