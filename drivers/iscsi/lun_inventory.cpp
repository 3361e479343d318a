#include "drivers/iscsi/lun_inventory.hpp"

#include <array>

#include "drivers/scsi/cdb_spc.hpp"
#include "drivers/scsi/report_luns.hpp"
#include "drivers/scsi/sense.hpp"
#include "hal/bytes.hpp"

namespace tg::drivers::iscsi {
namespace {

Error command_failed(const hal::ScsiTransport& t, const char* what, const hal::ScsiReply& r) {
  auto sense = scsi::parse_sense(r.sense_bytes());
  if (sense) return scsi::sense_error(*sense, t.describe() + ": " + what);
  return Error(Errc::check_condition, t.describe() + ": " + what + " failed with SCSI status 0x" +
                                          std::to_string(r.status));
}

}  // namespace

const char* peripheral_type_name(std::uint8_t type) {
  switch (type) {
    case scsi::device_type::disk: return "disk";
    case scsi::device_type::tape: return "tape drive";
    case scsi::device_type::cd_dvd: return "CD/DVD";
    case scsi::device_type::medium_changer: return "media changer";
    case scsi::device_type::storage_array_controller: return "storage array controller";
    case scsi::device_type::enclosure_services: return "enclosure services";
    default: return "other device";
  }
}

Result<LunProbe> probe_lun(hal::ScsiTransport& t, int lun, std::chrono::milliseconds timeout) {
  LunProbe p;
  p.lun = lun;
  std::array<std::uint8_t, 96> inq{};
  const auto cdb = scsi::inquiry(inq.size());
  auto r = TG_TRY(t.execute({.cdb = cdb, .direction = hal::DataDirection::from_device, .data_in = inq,
                             .timeout = timeout}));
  if (!r.good()) return command_failed(t, "INQUIRY", r);
  p.inquiry = TG_TRY(scsi::parse_standard_inquiry(std::span<const std::uint8_t>(inq).first(r.transferred)));
  if (p.inquiry.qualifier == 3) return p;

  std::array<std::uint8_t, 255> vpd{};
  const auto vcdb = scsi::inquiry_vpd(0x80, vpd.size());
  auto v = TG_TRY(t.execute({.cdb = vcdb, .direction = hal::DataDirection::from_device, .data_in = vpd,
                             .timeout = timeout}));
  if (v.good()) {
    auto serial = scsi::parse_unit_serial(std::span<const std::uint8_t>(vpd).first(v.transferred));
    if (serial) p.serial = std::move(*serial);
  }
  return p;
}

Status absorb_unit_attentions(hal::ScsiTransport& t, int max, std::chrono::milliseconds timeout) {
  const auto tur = scsi::test_unit_ready();
  for (int i = 0;; ++i) {
    auto r = TG_TRY(t.execute({.cdb = tur, .timeout = timeout}));
    if (r.status != hal::scsi_status::check_condition) return {};
    auto s = scsi::parse_sense(r.sense_bytes());
    if (!s || s->key != scsi::sense_key::unit_attention) return {};
    if (i + 1 >= max) {
      return Error(Errc::unit_attention, t.describe() + ": still reporting UNIT ATTENTION after " +
                                             std::to_string(i + 1) + " TEST UNIT READY commands: " +
                                             scsi::describe(*s));
    }
  }
}

Result<std::vector<int>> report_luns(hal::ScsiTransport& t, std::chrono::milliseconds timeout) {
  // 256 LUNs per target is plenty for a tape library; a longer list is
  // parsed as far as it arrived.
  std::array<std::uint8_t, 8 + 8 * 256> buf{};
  const auto cdb = scsi::report_luns(buf.size());
  auto r = TG_TRY(t.execute({.cdb = cdb, .direction = hal::DataDirection::from_device, .data_in = buf,
                             .timeout = timeout}));
  if (!r.good()) return command_failed(t, "REPORT LUNS", r);
  auto parsed = TG_TRY(scsi::parse_report_luns(std::span<const std::uint8_t>(buf).first(r.transferred)));
  std::vector<int> luns;
  for (std::uint64_t l : parsed.luns) luns.push_back(scsi::lun_number(l));
  return luns;
}

}  // namespace tg::drivers::iscsi
