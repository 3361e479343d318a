#pragma once
// Finding tape drives and changers among the SCSI generic nodes, from sysfs:
//   <root>/class/scsi_generic/sgN/device -> the SCSI device directory
//   (named H:C:T:L) with type, vendor, model, rev, state, vpd_pg80 and
//   scsi_tape/ or scsi_changer/ beside it.
// The root is a parameter so tests use a fake tree.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/sg/sg_device.hpp"
#include "hal/result.hpp"

namespace tg::sg {

struct SgDeviceInfo {
  std::string name;                // "sg3"
  std::filesystem::path node;      // "/dev/sg3"
  std::string spec;                // "sg:/dev/sg3", as written in a board
  std::string hctl;                // "2:0:3:0" (host:channel:target:lun); empty if unknown
  std::uint8_t peripheral_type = 0;  // 0x01 tape, 0x08 changer
  std::string vendor, model, revision;
  std::string serial;              // VPD 0x80: from sysfs, else asked with INQUIRY; may be empty
  std::string state;               // "running", "offline", ...; empty if unknown
  std::string kernel_node;         // "nst0" (tape, no-rewind) or "sch0" (changer) when bound
};

// What sysfs tells of one SCSI device directory (.../H:C:T:L/): shared with
// the USB discovery, which finds usb-storage LUNs the same way.
struct SysfsScsiDevice {
  std::string hctl;                // directory name when it is H:C:T:L
  std::uint8_t peripheral_type = 0;
  std::string vendor, model, revision, serial, state;
};
// nullopt when the directory has no readable numeric `type`.
std::optional<SysfsScsiDevice> read_sysfs_scsi_device(const std::filesystem::path& dir);

// Opens a node to ask INQUIRY VPD 0x80 when sysfs has no vpd_pg80; an
// empty function means "never open devices".
using SgOpener = std::function<Result<std::unique_ptr<SgDevice>>(const std::filesystem::path&)>;

// Tape drives (type 0x01) and medium changers (type 0x08), ordered by sg
// number. No scsi_generic class (no sg module, a container): an empty list.
// Entries that vanish or cannot be read while scanning are skipped (hotplug);
// an unreadable class directory is an io_error.
Result<std::vector<SgDeviceInfo>> discover_sg(const std::filesystem::path& sysfs_root = "/sys");
Result<std::vector<SgDeviceInfo>> discover_sg(const std::filesystem::path& sysfs_root, const SgOpener& opener);

}  // namespace tg::sg
