#include "drivers/usb/usb_discovery.hpp"

#include <libusb.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "drivers/scsi/cdb_spc.hpp"
#include "drivers/scsi/inquiry.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "drivers/sg/sg_discovery.hpp"
#include "drivers/usb/bot_transport.hpp"
#include "drivers/usb/libusb_pipe.hpp"
#include "drivers/usb/usb_spec.hpp"

namespace tg::usb {
namespace fs = std::filesystem;
namespace {

constexpr std::chrono::milliseconds kProbeTimeout{5'000};

bool is_tape_or_changer(std::uint8_t type) {
  return type == scsi::device_type::tape || type == scsi::device_type::medium_changer;
}

// INQUIRY (standard, then unit serial) of one LUN over Bulk-Only.
std::optional<UsbLunInfo> probe_lun(hal::ScsiTransport& t, std::uint8_t lun) {
  std::array<std::uint8_t, 96> buf{};
  const scsi::Cdb6 inq = scsi::inquiry(buf.size());
  auto r = t.execute({.cdb = inq, .direction = hal::DataDirection::from_device, .data_in = buf, .timeout = kProbeTimeout});
  if (!r.ok() || !r->good()) return std::nullopt;
  auto std_inq = scsi::parse_standard_inquiry(Bytes(buf.data(), r->transferred));
  if (!std_inq.ok() || std_inq->qualifier != 0 || !is_tape_or_changer(std_inq->device_type)) return std::nullopt;
  UsbLunInfo info{.lun = lun,
                  .peripheral_type = std_inq->device_type,
                  .vendor = std_inq->vendor,
                  .product = std_inq->product,
                  .revision = std_inq->revision};
  std::array<std::uint8_t, 0xFC> vpd{};
  const scsi::Cdb6 serial_cdb = scsi::inquiry_vpd(scsi::vpd_page::unit_serial, vpd.size());
  auto s = t.execute({.cdb = serial_cdb, .direction = hal::DataDirection::from_device, .data_in = vpd, .timeout = kProbeTimeout});
  if (s.ok() && s->good()) {
    auto serial = scsi::parse_unit_serial(Bytes(vpd.data(), s->transferred));
    if (serial.ok()) info.serial = *serial;
  }
  return info;
}

void probe_over_bot(std::shared_ptr<UsbContext> ctx, libusb_device* dev, const BotInterface& where, UsbDeviceInfo& info) {
  auto pipe = LibusbBulkPipe::open(std::move(ctx), dev, where, info.spec());
  if (!pipe.ok()) {
    info.note = "cannot be asked: " + pipe.error().message;
    return;
  }
  auto protocol = std::make_shared<BotProtocol>(std::unique_ptr<UsbBulkPipe>(std::move(pipe).value()));
  auto max_lun = protocol->get_max_lun();
  if (!max_lun.ok()) {
    info.note = "cannot be asked: " + max_lun.error().message;
    return;
  }
  info.probed = true;
  for (std::uint8_t lun = 0; lun <= *max_lun; ++lun) {
    UsbBotTransport t(protocol, lun, info.spec(lun));
    if (auto l = probe_lun(t, lun)) info.luns.push_back(std::move(*l));
  }
}  // the pipe is released here: discovery holds nothing

}  // namespace

std::string UsbDeviceInfo::spec(std::uint8_t lun) const {
  return format_usb_spec({.vendor_id = vendor_id, .product_id = product_id, .serial = serial, .lun = lun});
}

std::vector<UsbLunInfo> sysfs_usb_storage_luns(const fs::path& interface_dir) {
  std::vector<UsbLunInfo> luns;
  std::error_code ec;
  // <intf>/hostN/targetN:0:0/N:0:0:L/ — real directories, three levels down.
  fs::recursive_directory_iterator it(interface_dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it.depth() >= 3) it.disable_recursion_pending();
    const std::string name = it->path().filename().string();
    if (std::count(name.begin(), name.end(), ':') != 3 || !it->is_directory(ec)) continue;
    auto dev = sg::read_sysfs_scsi_device(it->path());
    if (!dev || !is_tape_or_changer(dev->peripheral_type)) continue;
    UsbLunInfo l{.peripheral_type = dev->peripheral_type,
                 .vendor = dev->vendor,
                 .product = dev->model,
                 .revision = dev->revision,
                 .serial = dev->serial};
    unsigned h = 0, c = 0, t = 0, lun = 0;
    if (std::sscanf(name.c_str(), "%u:%u:%u:%u", &h, &c, &t, &lun) == 4 && lun <= 15) l.lun = static_cast<std::uint8_t>(lun);
    std::error_code sg_ec;
    for (fs::directory_iterator sg(it->path() / "scsi_generic", sg_ec); !sg_ec && sg != fs::directory_iterator();
         sg.increment(sg_ec))
      l.sg_name = sg->path().filename().string();
    luns.push_back(std::move(l));
  }
  std::sort(luns.begin(), luns.end(), [](const UsbLunInfo& a, const UsbLunInfo& b) { return a.lun < b.lun; });
  return luns;
}

Result<std::vector<UsbDeviceInfo>> discover_usb() { return discover_usb("/sys"); }

Result<std::vector<UsbDeviceInfo>> discover_usb(const fs::path& sysfs_root) {
  std::vector<UsbDeviceInfo> found;
  auto ctx = UsbContext::create();
  if (!ctx.ok()) return found;  // no USB on this machine: nothing to find
  libusb_device** list = nullptr;
  ssize_t n = libusb_get_device_list((*ctx)->get(), &list);
  if (n < 0) return found;
  std::unique_ptr<libusb_device*, void (*)(libusb_device**)> guard(list, [](libusb_device** l) { libusb_free_device_list(l, 1); });

  for (ssize_t i = 0; i < n; ++i) {
    libusb_device* dev = list[i];
    libusb_device_descriptor desc{};
    if (libusb_get_device_descriptor(dev, &desc) != LIBUSB_SUCCESS) continue;
    auto where = find_bot_interface(dev);
    if (!where.ok()) continue;

    UsbDeviceInfo info;
    info.vendor_id = desc.idVendor;
    info.product_id = desc.idProduct;
    info.bus = libusb_get_bus_number(dev);
    info.address = libusb_get_device_address(dev);
    info.port = usb_port_path(dev);
    info.interface = where->interface;

    libusb_device_handle* h = nullptr;
    if (libusb_open(dev, &h) == LIBUSB_SUCCESS) {
      info.serial = usb_string(h, desc.iSerialNumber);
      info.manufacturer = usb_string(h, desc.iManufacturer);
      info.product = usb_string(h, desc.iProduct);
      info.kernel_driver = libusb_kernel_driver_active(h, where->interface) == 1;
      libusb_close(h);
    } else {
      info.note = "cannot be opened (permission?): run as root or add a udev rule for /dev/bus/usb";
      found.push_back(std::move(info));
      continue;
    }

    if (info.kernel_driver) {
      // sysfs names the interface <port>:<configuration>.<interface>.
      fs::path intf = sysfs_root / "bus" / "usb" / "devices" /
                      (info.port + ":" + std::to_string(where->configuration) + "." + std::to_string(where->interface));
      info.luns = sysfs_usb_storage_luns(intf);
      info.probed = true;
      info.note = "held by usb-storage: also reachable as sg; opening it as usb: detaches the kernel driver";
    } else {
      probe_over_bot(*ctx, dev, *where, info);
    }
    if (!info.probed || !info.luns.empty()) found.push_back(std::move(info));
  }
  return found;
}

}  // namespace tg::usb
