#include "drivers/scsi/attributes.hpp"

#include <cstdio>

#include "drivers/scsi/reply_fields.hpp"

namespace tg::scsi {
namespace {

struct Named {
  std::uint16_t id;
  const char* name;
};

constexpr Named kNames[] = {
    {0x0000, "Remaining capacity in partition (MiB)"},
    {0x0001, "Maximum capacity in partition (MiB)"},
    {0x0002, "TapeAlert flags"},
    {0x0003, "Load count"},
    {0x0004, "MAM space remaining"},
    {0x0005, "Assigning organization"},
    {0x0006, "Format density code"},
    {0x0007, "Initialization count"},
    {0x0008, "Volume identifier"},
    {0x0009, "Volume change reference"},
    {0x020A, "Device at last load"},
    {0x020B, "Device at load n-1"},
    {0x020C, "Device at load n-2"},
    {0x020D, "Device at load n-3"},
    {0x0220, "Total MiB written in medium life"},
    {0x0221, "Total MiB read in medium life"},
    {0x0222, "Total MiB written in current/last load"},
    {0x0223, "Total MiB read in current/last load"},
    {0x0224, "Logical position of first encrypted block"},
    {0x0225, "Logical position of first unencrypted block after first encrypted block"},
    {0x0340, "Medium usage history"},
    {0x0341, "Partition usage history"},
    {0x0400, "Medium manufacturer"},
    {0x0401, "Medium serial number"},
    {0x0402, "Medium length"},
    {0x0403, "Medium width"},
    {0x0404, "Assigning organization (medium)"},
    {0x0405, "Medium density code"},
    {0x0406, "Medium manufacture date"},
    {0x0407, "MAM capacity"},
    {0x0408, "Medium type"},
    {0x0409, "Medium type information"},
    {0x040A, "Numeric medium serial number"},
    {0x0800, "Application vendor"},
    {0x0801, "Application name"},
    {0x0802, "Application version"},
    {0x0803, "User medium text label"},
    {0x0804, "Date and time last written"},
    {0x0805, "Text localization identifier"},
    {0x0806, "Barcode"},
    {0x0807, "Owning host textual name"},
    {0x0808, "Media pool"},
    {0x0809, "Partition user text label"},
    {0x080A, "Load/unload at partition"},
    {0x080B, "Application format version"},
    {0x080C, "Volume coherency information"},
    {0x0820, "Medium globally unique identifier"},
    {0x0821, "Media pool globally unique identifier"},
};

}  // namespace

std::string attribute_name(std::uint16_t id) {
  for (const auto& n : kNames)
    if (n.id == id) return n.name;
  char b[24];
  std::snprintf(b, sizeof b, "Attribute 0x%04X", id);
  return b;
}

std::string attribute_value_text(const Attribute& a) {
  if (a.format == AttributeFormat::ascii || a.format == AttributeFormat::text) return ascii_field(a.value);
  if (a.value.size() <= 8) {
    std::uint64_t v = 0;
    for (auto b : a.value) v = (v << 8) | b;
    return std::to_string(v);
  }
  std::string s = "0x";
  char b[3];
  for (auto v : a.value) {
    std::snprintf(b, sizeof b, "%02x", v);
    s += b;
  }
  return s;
}

Result<AttributeList> parse_attribute_values(Bytes reply) {
  TG_CHECK(require_length(reply, 4, "READ ATTRIBUTE header"));
  AttributeList l;
  l.available = get_be32(reply, 0);
  const std::size_t received = reply.size() - 4;
  l.truncated = l.available > received;
  const std::size_t end = 4 + (l.truncated ? received : l.available);
  std::size_t off = 4;
  while (off < end) {
    if (off + 5 > end) {
      if (l.truncated) break;
      return Error(Errc::parse_error, "attribute at byte " + std::to_string(off) + ": header cut short (" +
                                          std::to_string(end - off) + " bytes left, need 5)");
    }
    const std::size_t len = get_be16(reply, off + 3);
    if (off + 5 + len > end) {
      if (l.truncated) break;  // the rest did not fit the allocation
      char id[8];
      std::snprintf(id, sizeof id, "0x%04X", get_be16(reply, off));
      return Error(Errc::parse_error, std::string("attribute ") + id + ": attribute length " + std::to_string(len) +
                                          " overruns the attribute data (" + std::to_string(end - off - 5) +
                                          " bytes left)");
    }
    Attribute a;
    a.id = get_be16(reply, off);
    a.read_only = reply[off + 2] & 0x80;
    a.format = static_cast<AttributeFormat>(reply[off + 2] & 0x03);
    a.value.assign(reply.begin() + off + 5, reply.begin() + off + 5 + len);
    l.attributes.push_back(std::move(a));
    off += 5 + len;
  }
  return l;
}

}  // namespace tg::scsi
