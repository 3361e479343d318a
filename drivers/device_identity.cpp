#include "drivers/device_identity.hpp"

#include <array>

#include "drivers/scsi/cdb_spc.hpp"
#include "drivers/scsi/inquiry.hpp"
#include "drivers/scsi/opcodes.hpp"

namespace tg::drivers {

Result<DeviceIdentity> identify_device(ScsiLun& lun) {
  std::array<std::uint8_t, 96> std_buf{};
  const auto std_cdb = scsi::inquiry(std_buf.size());
  const std::size_t n = TG_TRY(lun.run_in("INQUIRY", std_cdb, std_buf, timeouts::quick));
  auto q = scsi::parse_standard_inquiry(std::span<const std::uint8_t>(std_buf).first(n));
  if (!q) return lun.error(Errc::parse_error, "INQUIRY", q.error().message);
  DeviceIdentity id{.peripheral_type = q->device_type, .vendor = q->vendor, .product = q->product,
                    .revision = q->revision};

  // VPD pages are optional (SPC-4 makes 0x80 optional): ILLEGAL REQUEST
  // means "not offered" and leaves the field empty; anything else is real.
  std::array<std::uint8_t, 252> vpd{};
  const auto serial_cdb = scsi::inquiry_vpd(scsi::vpd_page::unit_serial, vpd.size());
  Completion c = TG_TRY(lun.run("INQUIRY VPD 0x80", serial_cdb, hal::DataDirection::from_device, {}, vpd, timeouts::quick));
  if (c.good()) {
    auto s = scsi::parse_unit_serial(std::span<const std::uint8_t>(vpd).first(c.transferred));
    if (!s) return lun.error(Errc::parse_error, "INQUIRY VPD 0x80", s.error().message);
    id.serial = *s;
  } else if (c.sense->key != scsi::sense_key::illegal_request) {
    return lun.sense_error("INQUIRY VPD 0x80", *c.sense);
  }

  std::array<std::uint8_t, 1024> ids{};
  const auto id_cdb = scsi::inquiry_vpd(scsi::vpd_page::device_identification, ids.size());
  c = TG_TRY(lun.run("INQUIRY VPD 0x83", id_cdb, hal::DataDirection::from_device, {}, ids, timeouts::quick));
  if (c.good()) {
    auto d = scsi::parse_device_identification(std::span<const std::uint8_t>(ids).first(c.transferred));
    if (!d) return lun.error(Errc::parse_error, "INQUIRY VPD 0x83", d.error().message);
    for (const auto& des : *d) id.designators.push_back(scsi::designator_text(des));
  } else if (c.sense->key != scsi::sense_key::illegal_request) {
    return lun.sense_error("INQUIRY VPD 0x83", *c.sense);
  }
  return id;
}

}  // namespace tg::drivers
