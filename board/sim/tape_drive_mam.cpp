// READ ATTRIBUTE / WRITE ATTRIBUTE (SPC-4 6.17 and 6.44): the cartridge
// memory (MAM). Device attributes (0x0000-0x07FF) are read only; host
// attributes (0x0800-0x0BFF) are stored with the cartridge's metadata.
#include <algorithm>
#include <map>
#include <string>

#include "board/sim/tape_drive_target.hpp"
#include "hal/bytes.hpp"

namespace tg::sim {
namespace {

enum Format : std::uint8_t { binary = 0, ascii = 1, text = 2 };

struct Attribute {
  bool read_only = true;
  Format format = binary;
  std::vector<std::uint8_t> value;
};

std::vector<std::uint8_t> be64_bytes(std::uint64_t v) {
  std::vector<std::uint8_t> b(8);
  put_be64(b, 0, v);
  return b;
}

std::vector<std::uint8_t> ascii_field(const std::string& s, std::size_t width) {
  std::vector<std::uint8_t> b(width, ' ');
  std::copy_n(s.begin(), std::min(s.size(), width), b.begin());
  return b;
}

// SPC-4 table 334: host attribute formats.
Format host_format(std::uint16_t id) {
  switch (id) {
    case 0x0803: case 0x0807: case 0x0808: return text;  // user label, owning host, media pool
    default: return ascii;
  }
}

}  // namespace

hal::TargetReply TapeDriveTarget::read_attribute(const Command& c) {
  const std::uint8_t sa = c.cdb[1] & 0x1F;
  const std::uint16_t first = get_be16(c.cdb, 8);
  const std::uint32_t alloc = get_be32(c.cdb, 10);
  if (c.cdb[5] != 0) return check_condition(Condition::invalid_cdb_field(5));  // logical volume
  if (c.cdb[7] != 0) return check_condition(Condition::invalid_cdb_field(7));  // partition
  if (!cart_) return check_condition(Condition::medium_not_present());

  const std::uint64_t mib = 1ull << 20;
  const std::uint64_t used = medium_ ? medium_->bytes_used() : 0;
  std::map<std::uint16_t, Attribute> attrs;
  attrs[0x0000] = {true, binary, be64_bytes((cart_->capacity_bytes - std::min(used, cart_->capacity_bytes)) / mib)};
  attrs[0x0001] = {true, binary, be64_bytes(cart_->capacity_bytes / mib)};
  attrs[0x0003] = {true, binary, be64_bytes(cart_->load_count)};
  attrs[0x0400] = {true, ascii, ascii_field("TAPEGATE", 8)};
  attrs[0x0401] = {true, ascii, ascii_field(cart_->medium_serial, 32)};
  const auto gen = lto_generation(cart_->generation);
  attrs[0x0405] = {true, binary, {gen ? gen->density_code : std::uint8_t{0}}};
  attrs[0x0406] = {true, ascii, ascii_field("20260101", 8)};
  attrs[0x0408] = {true, binary, {static_cast<std::uint8_t>(cart_->cleaning() ? 0x01 : 0x00)}};
  // Barcode: what the host wrote, else the label (libraries copy it in).
  attrs[0x0806] = {false, ascii, ascii_field(cart_->barcode, 32)};
  for (const auto& [id, v] : cart_->host_attributes) attrs[id] = {false, host_format(id), v};

  std::vector<std::uint8_t> d(4, 0);
  switch (sa) {
    case 0x00:  // ATTRIBUTE VALUES
      for (auto it = attrs.lower_bound(first); it != attrs.end(); ++it) {
        const std::size_t off = d.size();
        d.resize(off + 5 + it->second.value.size());
        put_be16(d, off, it->first);
        d[off + 2] = static_cast<std::uint8_t>((it->second.read_only ? 0x80 : 0) | it->second.format);
        put_be16(d, off + 3, static_cast<std::uint16_t>(it->second.value.size()));
        std::copy(it->second.value.begin(), it->second.value.end(), d.begin() + static_cast<std::ptrdiff_t>(off + 5));
      }
      break;
    case 0x01:  // ATTRIBUTE LIST
    case 0x05:  // SUPPORTED ATTRIBUTES
      for (auto it = attrs.lower_bound(sa == 0x01 ? first : 0); it != attrs.end(); ++it) {
        d.resize(d.size() + 2);
        put_be16(d, d.size() - 2, it->first);
      }
      break;
    case 0x02:  // LOGICAL VOLUME LIST / PARTITION LIST: one of each
    case 0x03:
      d = {0x00, 0x02, 0x00, 0x01};
      return reply_data(d, alloc, c.data_in);
    default:
      return check_condition(Condition::invalid_cdb_field(1, 4));
  }
  put_be32(d, 0, static_cast<std::uint32_t>(d.size() - 4));
  return reply_data(d, alloc, c.data_in);
}

hal::TargetReply TapeDriveTarget::write_attribute(const Command& c) {
  if (c.cdb[5] != 0) return check_condition(Condition::invalid_cdb_field(5));
  if (c.cdb[7] != 0) return check_condition(Condition::invalid_cdb_field(7));
  const std::uint32_t len = get_be32(c.cdb, 10);
  if (!cart_) return check_condition(Condition::medium_not_present());
  if (auto wp = write_protected_check()) return check_condition(*wp);
  if (len == 0) return good();
  if (len < 4 || c.data_out.size() < len) return check_condition(Condition::illegal(asc::parameter_list_length_error));
  auto p = c.data_out.first(len);
  const std::uint32_t data_len = get_be32(p, 0);
  if (data_len + 4 > len) return check_condition(Condition::invalid_param_field(0));
  CartridgeInfo updated = *cart_;
  for (std::size_t off = 4; off < 4 + data_len;) {
    if (off + 5 > 4 + data_len) return check_condition(Condition::illegal(asc::parameter_list_length_error));
    const std::uint16_t id = get_be16(p, off);
    const std::uint16_t alen = get_be16(p, off + 3);
    if (off + 5 + alen > 4 + data_len) return check_condition(Condition::invalid_param_field(static_cast<std::uint16_t>(off + 3)));
    // Only host attributes may be written (SPC-4 7.4.2).
    if (id < 0x0800 || id > 0x0BFF) return check_condition(Condition::invalid_param_field(static_cast<std::uint16_t>(off)));
    if (alen > 160) return check_condition(Condition::invalid_param_field(static_cast<std::uint16_t>(off + 3)));
    if (alen == 0) updated.host_attributes.erase(id);  // length 0 deletes
    else updated.host_attributes[id].assign(p.begin() + static_cast<std::ptrdiff_t>(off + 5),
                                            p.begin() + static_cast<std::ptrdiff_t>(off + 5 + alen));
    off += 5 + alen;
  }
  if (Status s = store_.put(updated); !s.ok()) return check_condition(io_failure(s.error()));
  cart_ = std::move(updated);
  return good(len);
}

}  // namespace tg::sim
