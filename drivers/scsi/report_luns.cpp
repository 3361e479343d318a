#include "drivers/scsi/report_luns.hpp"

#include "drivers/scsi/reply_fields.hpp"

namespace tg::scsi {

Result<ReportLuns> parse_report_luns(Bytes reply) {
  TG_CHECK(require_length(reply, 8, "REPORT LUNS header"));
  ReportLuns r;
  r.list_length = get_be32(reply, 0);
  if (r.list_length % 8 != 0)
    return Error(Errc::parse_error, "REPORT LUNS: LUN list length " + std::to_string(r.list_length) +
                                        " is not a multiple of 8");
  const std::size_t received = reply.size() - 8;
  r.truncated = r.list_length > received;
  const std::size_t n = (r.truncated ? received : r.list_length) / 8;
  r.luns.reserve(n);
  for (std::size_t i = 0; i < n; ++i) r.luns.push_back(get_be64(reply, 8 + 8 * i));
  return r;
}

std::uint16_t lun_number(std::uint64_t lun) {
  const auto top = static_cast<std::uint16_t>(lun >> 48);
  switch (top >> 14) {
    case 0: return top & 0xFF;    // peripheral device: bus 0 -> byte 1 is the LUN
    case 1: return top & 0x3FFF;  // flat space
    default: return top;
  }
}

}  // namespace tg::scsi
