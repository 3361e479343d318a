#include "drivers/scsi/element_status.hpp"

#include <algorithm>
#include <cstdio>

#include "drivers/scsi/opcodes.hpp"
#include "drivers/scsi/reply_fields.hpp"

namespace tg::scsi {
namespace {

constexpr std::size_t kPageHeader = 8;
constexpr std::size_t kDescriptorBase = 12;  // through the source address
constexpr std::size_t kVolumeTag = 36;       // 32 identifier + 2 reserved + 2 sequence

std::string num(std::size_t n) { return std::to_string(n); }

// cut_by_device: the changer sent fewer bytes of this descriptor than its
// own page header promised (tgt does this with the last descriptor); what
// arrived is kept, an identifier that runs past the end is dropped.
Status parse_descriptor(Bytes d, ElementTypeCode type, bool pvol, bool avol, ElementDescriptor& e,
                        bool cut_by_device = false) {
  e.type = type;
  e.address = get_be16(d, 0);
  const std::uint8_t f = d[2];
  e.full = f & 0x01;
  e.except = f & 0x04;
  // Transport elements have no ACCESS bit (SMC-3 table 23): a picker is
  // always reachable by the changer itself.
  e.access = type == ElementTypeCode::transport ? true : bool(f & 0x08);
  if (type == ElementTypeCode::import_export) {
    e.import_export = f & 0x02;
    e.export_enabled = f & 0x10;
    e.import_enabled = f & 0x20;
  }
  e.asc = d[4];
  e.ascq = d[5];
  e.source_valid = d[9] & 0x80;
  e.invert = d[9] & 0x40;
  e.source = get_be16(d, 10);
  std::size_t off = kDescriptorBase;
  if (pvol) {
    e.has_primary_tag = true;
    e.primary_tag = ascii_field(d.subspan(off, 32));
    off += kVolumeTag;
  }
  if (avol && d.size() >= off + 32) {
    e.has_alternate_tag = true;
    e.alternate_tag = ascii_field(d.subspan(off, 32));
    off += kVolumeTag;
  }
  // Device identifier (present when DVCID was set; SMC-3 6.10.3 table 22):
  // byte 0 code set, byte 1 identifier type, byte 3 length. Absent (or all
  // zero) on devices without it, so a missing one is not an error.
  if (d.size() >= off + 4) {
    const std::size_t len = d[off + 3];
    if (len > 0) {
      if (off + 4 + len > d.size()) {
        if (cut_by_device) return {};
        return Error(Errc::parse_error, "element " + num(e.address) + ": identifier length " + num(len) +
                                            " overruns the descriptor (" + num(d.size() - off - 4) + " bytes left)");
      }
      e.id_code_set = d[off] & 0x0F;
      e.id_type = d[off + 1] & 0x0F;
      e.identifier.assign(d.begin() + off + 4, d.begin() + off + 4 + len);
    }
  }
  return {};
}

}  // namespace

Result<ElementAddressPage> parse_element_address_page(Bytes page) {
  TG_CHECK(require_length(page, kElementAddressPageLength, "element address assignment page 0x1D"));
  if ((page[0] & 0x3F) != mode_page::element_address_assignment)
    return Error(Errc::parse_error, "element address assignment page: page code is " + hex_byte(page[0] & 0x3F));
  if (page[1] < kElementAddressPageLength - 2)
    return Error(Errc::parse_error, "element address assignment page: page length " + num(page[1]) + ", need 18");
  const auto range = [&](std::size_t off) {
    return ElementRangeData{.first = get_be16(page, off), .count = get_be16(page, off + 2)};
  };
  return ElementAddressPage{.transport = range(2), .storage = range(6), .import_export = range(10),
                            .data_transfer = range(14)};
}

std::string identifier_serial(const ElementDescriptor& d) {
  Bytes id = d.identifier;
  const bool ascii = d.id_code_set == 2 || d.id_code_set == 3;
  if (ascii) {
    if (d.id_type == 1 && id.size() > 24) return ascii_field(id.subspan(24));
    return ascii_field(id);
  }
  std::string s;
  char b[3];
  for (auto v : id) {
    std::snprintf(b, sizeof b, "%02x", v);
    s += b;
  }
  return s;
}

Result<ElementStatusReport> parse_element_status(Bytes reply, std::size_t allocation) {
  TG_CHECK(require_length(reply, kElementStatusHeaderLength, "READ ELEMENT STATUS header"));
  ElementStatusReport r;
  r.first_address = get_be16(reply, 0);
  r.elements_available = get_be16(reply, 2);
  r.report_bytes = get_be24(reply, 5);
  const std::size_t received = reply.size() - kElementStatusHeaderLength;
  const bool short_of_report = r.report_bytes > received;
  // Fewer bytes than the allocation allowed means the device sent all it
  // was going to: tgt 1.0.85 counts the 8-byte header into what it sends,
  // so its replies end 8 bytes early. Asking again would get the same.
  r.device_cut_short = short_of_report && allocation != 0 && reply.size() < allocation;
  r.truncated = short_of_report && !r.device_cut_short;
  const std::size_t end = kElementStatusHeaderLength + std::min<std::size_t>(r.report_bytes, received);
  std::size_t off = kElementStatusHeaderLength;
  while (off < end) {
    if (off + kPageHeader > end) {
      r.truncated = !r.device_cut_short;  // page header cut off by the allocation
      break;
    }
    const std::string what = "element status page at byte " + num(off);
    const std::uint8_t type_code = reply[off] & 0x0F;
    if (type_code < 1 || type_code > 4)
      return Error(Errc::parse_error, what + ": element type code " + num(type_code) + " is not 1-4");
    const auto type = static_cast<ElementTypeCode>(type_code);
    const bool pvol = reply[off + 1] & 0x80, avol = reply[off + 1] & 0x40;
    const std::size_t dlen = get_be16(reply, off + 2);
    const std::size_t page_bytes = get_be24(reply, off + 5);
    const std::size_t need = kDescriptorBase + (pvol ? kVolumeTag : 0) + (avol ? kVolumeTag : 0);
    if (dlen < need)
      return Error(Errc::parse_error, what + ": element descriptor length " + num(dlen) + " is below the " +
                                          num(need) + " bytes its volume tag flags require");
    if (off + kPageHeader + page_bytes > kElementStatusHeaderLength + r.report_bytes)
      return Error(Errc::parse_error, what + ": byte count of descriptor data " + num(page_bytes) +
                                          " overruns the report (" + num(r.report_bytes) + " bytes available)");
    if (page_bytes % dlen != 0)
      return Error(Errc::parse_error, what + ": byte count of descriptor data " + num(page_bytes) +
                                          " is not a multiple of the descriptor length " + num(dlen));
    off += kPageHeader;
    const std::size_t page_end = off + page_bytes;
    for (; off + dlen <= std::min(page_end, end); off += dlen) {
      ElementDescriptor e;
      TG_CHECK(parse_descriptor(reply.subspan(off, dlen), type, pvol, avol, e));
      r.elements.push_back(std::move(e));
    }
    if (page_end > end && r.device_cut_short) {
      // The cut descriptor counts when its address, flags and barcode arrived.
      const std::size_t left = end - off;
      if (left >= kDescriptorBase + (pvol ? 32 : 0)) {
        ElementDescriptor e;
        TG_CHECK(parse_descriptor(reply.subspan(off, left), type, pvol, avol, e, true));
        r.elements.push_back(std::move(e));
      }
      off = end;
      break;
    }
    if (page_end > end) {
      r.truncated = true;
      break;
    }
    off = page_end;
  }
  return r;
}

}  // namespace tg::scsi
