#pragma once
// Who a logical unit is: standard INQUIRY, unit serial (VPD 0x80) and
// device identification (VPD 0x83). Shared by the tape drive and the changer.
#include "drivers/scsi_lun.hpp"
#include "drivers/tape_drive.hpp"

namespace tg::drivers {

// VPD pages the device does not offer (ILLEGAL REQUEST) leave their fields empty.
Result<DeviceIdentity> identify_device(ScsiLun& lun);

}  // namespace tg::drivers
