#include "drivers/scsi/inquiry.hpp"

#include <cstdio>

#include "drivers/scsi/opcodes.hpp"
#include "drivers/scsi/reply_fields.hpp"

namespace tg::scsi {
namespace {

// VPD page header (SPC-4 7.8.1): byte 1 page code, bytes 2-3 page length.
// Returns the page body (after the 4-byte header), length-checked.
Result<Bytes> vpd_body(Bytes reply, std::uint8_t page) {
  const std::string what = "VPD page " + hex_byte(page);
  TG_CHECK(require_length(reply, 4, what + " header"));
  if (reply[1] != page)
    return Error(Errc::parse_error, what + ": device returned page " + hex_byte(reply[1]));
  const std::size_t len = get_be16(reply, 2);
  if (4 + len > reply.size())
    return Error(Errc::parse_error, what + ": page length " + std::to_string(len) + " exceeds the " +
                                        std::to_string(reply.size() - 4) + " bytes received");
  return reply.subspan(4, len);
}

}  // namespace

Result<StandardInquiry> parse_standard_inquiry(Bytes reply) {
  TG_CHECK(require_length(reply, 36, "standard INQUIRY data"));
  // Byte 4 ADDITIONAL LENGTH (n-4): a device claiming less than 31 does not
  // hold vendor/product/revision where we read them.
  if (reply[4] + 5u < 36)
    return Error(Errc::parse_error,
                 "standard INQUIRY data: additional length " + std::to_string(reply[4]) + " is below 31");
  StandardInquiry q;
  q.qualifier = reply[0] >> 5;
  q.device_type = reply[0] & 0x1F;
  q.removable = reply[1] & 0x80;
  q.version = reply[2];
  q.vendor = ascii_field(reply.subspan(8, 8));
  q.product = ascii_field(reply.subspan(16, 16));
  q.revision = ascii_field(reply.subspan(32, 4));
  return q;
}

Result<std::string> parse_unit_serial(Bytes reply) {
  Bytes body = TG_TRY(vpd_body(reply, vpd_page::unit_serial));
  return ascii_field(body);
}

std::string designator_text(const Designator& d) {
  static constexpr const char* kPrefix[] = {"vendor", "t10", "eui", "naa", "port", "tpg", "lug", "md5", "name"};
  std::string s = d.type < std::size(kPrefix) ? kPrefix[d.type] : "type" + std::to_string(d.type);
  s += ':';
  const bool text = d.code_set == 2 || d.code_set == 3;
  if (text) {
    s += ascii_field(d.value);
  } else {
    char b[3];
    for (auto v : d.value) {
      std::snprintf(b, sizeof b, "%02x", v);
      s += b;
    }
  }
  return s;
}

Result<std::vector<Designator>> parse_device_identification(Bytes reply) {
  Bytes body = TG_TRY(vpd_body(reply, vpd_page::device_identification));
  std::vector<Designator> out;
  std::size_t off = 0;
  // Designation descriptors (SPC-4 7.8.6.1): byte 0 code set (3-0), byte 1
  // association (5-4) + designator type (3-0), byte 3 length, then value.
  while (off < body.size()) {
    const std::string what = "VPD page 0x83 designator at byte " + std::to_string(off + 4);
    TG_CHECK(require_length(body.subspan(off), 4, what));
    const std::size_t len = body[off + 3];
    if (off + 4 + len > body.size())
      return Error(Errc::parse_error, what + ": designator length " + std::to_string(len) +
                                          " overruns the page (" + std::to_string(body.size() - off - 4) +
                                          " bytes left)");
    Designator d;
    d.code_set = body[off] & 0x0F;
    d.association = (body[off + 1] >> 4) & 0x03;
    d.type = body[off + 1] & 0x0F;
    d.value.assign(body.begin() + off + 4, body.begin() + off + 4 + len);
    out.push_back(std::move(d));
    off += 4 + len;
  }
  return out;
}

Result<std::vector<std::uint8_t>> parse_supported_vpd_pages(Bytes reply) {
  Bytes body = TG_TRY(vpd_body(reply, vpd_page::supported));
  return std::vector<std::uint8_t>(body.begin(), body.end());
}

}  // namespace tg::scsi
