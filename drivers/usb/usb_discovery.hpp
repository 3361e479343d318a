#pragma once
// Finding USB Bulk-Only tape drives and changers. A device is a candidate
// when it has a mass-storage interface (class 0x08, subclass 0x06, protocol
// 0x50); it is listed when one of its LUNs reports peripheral type 0x01
// (tape) or 0x08 (changer):
//  - interfaces usb-storage holds are read from sysfs (the kernel already
//    asked INQUIRY; we never detach a driver just to look, which would
//    unmount a USB disk);
//  - free interfaces are claimed briefly and asked Get Max LUN, INQUIRY and
//    the unit serial VPD page over Bulk-Only, then released.
// Candidates that cannot be asked (permission) are listed with probed=false
// and a note, so the operator learns why a drive is not usable.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hal/result.hpp"

namespace tg::usb {

struct UsbLunInfo {
  std::uint8_t lun = 0;
  std::uint8_t peripheral_type = 0x1F;  // 0x01 tape, 0x08 changer
  std::string vendor, product, revision, serial;  // INQUIRY / VPD 0x80
  std::string sg_name;                  // "sg3" when usb-storage exposes it
};

struct UsbDeviceInfo {
  std::uint16_t vendor_id = 0, product_id = 0;
  std::string serial;                   // iSerialNumber; empty when absent or unreadable
  std::string manufacturer, product;    // string descriptors
  std::uint8_t bus = 0, address = 0;
  std::string port;                     // "1-1.4"
  std::uint8_t interface = 0;
  bool kernel_driver = false;           // usb-storage holds it: also reachable as sg
  bool probed = false;                  // LUN types known
  std::string note;                     // why not probed, or other advice
  std::vector<UsbLunInfo> luns;         // tape and changer LUNs only

  // The board spec for one of its LUNs (usb:VID:PID[:SERIAL][/LUN]).
  std::string spec(std::uint8_t lun = 0) const;
};

// Empty (not an error) on a machine without USB or without such devices.
Result<std::vector<UsbDeviceInfo>> discover_usb();
// sysfs_root for the usb-storage path (tests; default "/sys").
Result<std::vector<UsbDeviceInfo>> discover_usb(const std::filesystem::path& sysfs_root);

// The usb-storage side, separately testable on a fake sysfs tree: the tape
// and changer LUNs below one USB interface directory
// (<root>/bus/usb/devices/1-1.4:1.0).
std::vector<UsbLunInfo> sysfs_usb_storage_luns(const std::filesystem::path& interface_dir);

}  // namespace tg::usb
