#include "board/sim/spc_target.hpp"

#include <algorithm>

#include "drivers/scsi/opcodes.hpp"
#include "hal/bytes.hpp"

namespace tg::sim {
namespace {

// SPC-4 4.2.5.1: the operation code's group fixes the CDB length.
std::size_t cdb_length(std::uint8_t opcode) {
  switch (opcode >> 5) {
    case 0: return 6;
    case 1: case 2: return 10;
    case 4: return 16;
    case 5: return 12;
    default: return 0;  // reserved or vendor specific groups: length unknown
  }
}

void put_padded(std::vector<std::uint8_t>& out, std::size_t off, const std::string& s, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i)
    out[off + i] = static_cast<std::uint8_t>(i < s.size() ? s[i] : ' ');
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
  return h;
}

}  // namespace

hal::TargetReply reply_data(std::span<const std::uint8_t> data, std::size_t allocation,
                            std::span<std::uint8_t> data_in) {
  std::size_t n = std::min({data.size(), allocation, data_in.size()});
  std::copy_n(data.begin(), n, data_in.begin());
  return good(n);
}

SpcTarget::SpcTarget(std::uint8_t peripheral_type, bool removable, Personality personality,
                     std::string serial, std::size_t lun_count)
    : peripheral_type_(peripheral_type),
      personality_(std::move(personality)),
      removable_(removable),
      serial_(std::move(serial)),
      lun_count_(lun_count) {
  on(scsi::op::test_unit_ready, [this](const Command& c) { return test_unit_ready(c); });
  on(scsi::op::request_sense, [this](const Command& c) { return request_sense(c); });
  on(scsi::op::inquiry, [this](const Command& c) { return inquiry(c); });
  on(scsi::op::report_luns, [this](const Command& c) { return report_luns(c); });
  on(scsi::op::prevent_allow_medium_removal, [this](const Command& c) { return prevent_allow(c); });
  on(scsi::op::mode_sense6, [this](const Command& c) { return mode_sense(c); });
  on(scsi::op::mode_sense10, [this](const Command& c) { return mode_sense(c); });
  on(scsi::op::mode_select6, [this](const Command& c) { return mode_select_cmd(c); });
  on(scsi::op::mode_select10, [this](const Command& c) { return mode_select_cmd(c); });
  on(scsi::op::log_sense, [this](const Command& c) { return log_sense(c); });
}

void SpcTarget::on(std::uint8_t opcode, Handler h) { table_[opcode] = std::move(h); }

void SpcTarget::queue_unit_attention(scsi::AscPair code) {
  std::lock_guard g(lock_);
  unit_attentions_.push_back(code);
}

bool SpcTarget::removal_prevented() const {
  std::lock_guard g(lock_);
  return prevent_;
}

hal::TargetReply SpcTarget::handle(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out,
                                   std::span<std::uint8_t> data_in) {
  std::lock_guard g(lock_);
  if (cdb.empty()) return check_condition(Condition::invalid_opcode());
  const std::uint8_t opcode = cdb[0];
  const Handler& h = table_[opcode];
  hal::TargetReply reply;
  const std::size_t need = cdb_length(opcode);
  if (!h || need == 0) {
    reply = check_condition(Condition::invalid_opcode());
  } else if (cdb.size() < need) {
    // A CDB shorter than its group's length cannot be decoded.
    reply = check_condition(Condition::invalid_cdb_field(static_cast<std::uint16_t>(cdb.size() - 1)));
  } else if (cdb[need - 1] & 0x04) {
    // NACA in the CONTROL byte: we do not support ACA (SPC-4 4.3.4.3 / SAM-5).
    reply = check_condition(Condition::invalid_cdb_field(static_cast<std::uint16_t>(need - 1), 2));
  } else if (!unit_attentions_.empty() && opcode != scsi::op::inquiry && opcode != scsi::op::report_luns &&
             opcode != scsi::op::request_sense) {
    reply = check_condition(Condition::of(key::unit_attention, unit_attentions_.front()));
    unit_attentions_.pop_front();
  } else {
    reply = h(Command{cdb.first(need), data_out, data_in});
  }
  if (opcode != scsi::op::request_sense) {
    // Kept for initiators without autosense (USB Bulk-Only): REQUEST SENSE
    // right after a CHECK CONDITION returns the same sense.
    if (reply.status == hal::scsi_status::check_condition) {
      std::array<std::uint8_t, kFixedSenseLength> s{};
      std::copy_n(reply.sense.begin(), kFixedSenseLength, s.begin());
      last_sense_ = s;
    } else {
      last_sense_.reset();
    }
  }
  return reply;
}

hal::TargetReply SpcTarget::test_unit_ready(const Command&) {
  if (auto c = not_ready()) return check_condition(*c);
  return good();
}

Condition SpcTarget::idle_sense() const {
  if (auto c = not_ready()) return *c;
  return Condition{};
}

hal::TargetReply SpcTarget::request_sense(const Command& c) {
  if (c.cdb[1] & 0x01)  // DESC: descriptor format not offered (SPC-4 6.39)
    return check_condition(Condition::invalid_cdb_field(1, 0));
  std::array<std::uint8_t, kFixedSenseLength> s{};
  if (last_sense_) {
    s = *last_sense_;
    last_sense_.reset();
  } else if (!unit_attentions_.empty()) {
    // SPC-4 5.14: REQUEST SENSE reports and clears a pending unit attention.
    encode_fixed_sense(Condition::of(key::unit_attention, unit_attentions_.front()), s);
    unit_attentions_.pop_front();
  } else {
    encode_fixed_sense(idle_sense(), s);
  }
  return reply_data(s, c.cdb[4], c.data_in);
}

std::vector<std::uint8_t> SpcTarget::vpd_device_identifiers() const {
  std::vector<std::uint8_t> d;
  // T10 vendor identification (code set ASCII, designator type 1, LU).
  std::string t10 = personality_.vendor;
  t10.resize(8, ' ');
  std::string product = personality_.product;
  product.resize(16, ' ');
  t10 += product + serial_;
  d.insert(d.end(), {0x02, 0x01, 0x00, static_cast<std::uint8_t>(t10.size())});
  d.insert(d.end(), t10.begin(), t10.end());
  // NAA IEEE Registered (type 5): an OUI from the locally administered
  // range and 36 bits derived from the serial number.
  std::uint64_t naa = (std::uint64_t{0x5} << 60) | (std::uint64_t{0x0A0B0C} << 36) | (fnv1a(serial_) & 0xFFFFFFFFFull);
  d.insert(d.end(), {0x01, 0x03, 0x00, 0x08});
  std::array<std::uint8_t, 8> n{};
  put_be64(n, 0, naa);
  d.insert(d.end(), n.begin(), n.end());
  return d;
}

hal::TargetReply SpcTarget::inquiry(const Command& c) {
  const bool evpd = c.cdb[1] & 0x01;
  if (c.cdb[1] & 0x02) return check_condition(Condition::invalid_cdb_field(1, 1));  // CMDDT (obsolete)
  const std::uint8_t page = c.cdb[2];
  const std::size_t alloc = get_be16(c.cdb, 3);
  std::vector<std::uint8_t> d;
  if (!evpd) {
    if (page != 0) return check_condition(Condition::invalid_cdb_field(2));
    d.assign(36, 0);
    d[0] = peripheral_type_;
    d[1] = removable_ ? 0x80 : 0x00;  // RMB
    d[2] = 0x06;                      // SPC-4
    d[3] = 0x12;                      // HISUP, response data format 2
    d[4] = static_cast<std::uint8_t>(d.size() - 5);
    d[7] = 0x02;                      // CMDQUE
    put_padded(d, 8, personality_.vendor, 8);
    put_padded(d, 16, personality_.product, 16);
    put_padded(d, 32, personality_.revision, 4);
    return reply_data(d, alloc, c.data_in);
  }
  switch (page) {
    case scsi::vpd_page::supported:
      d = {peripheral_type_, scsi::vpd_page::supported, 0x00, 3,
           scsi::vpd_page::supported, scsi::vpd_page::unit_serial, scsi::vpd_page::device_identification};
      break;
    case scsi::vpd_page::unit_serial:
      d = {peripheral_type_, scsi::vpd_page::unit_serial, 0x00, static_cast<std::uint8_t>(serial_.size())};
      d.insert(d.end(), serial_.begin(), serial_.end());
      break;
    case scsi::vpd_page::device_identification: {
      auto ids = vpd_device_identifiers();
      d = {peripheral_type_, scsi::vpd_page::device_identification, 0, 0};
      put_be16(d, 2, static_cast<std::uint16_t>(ids.size()));
      d.insert(d.end(), ids.begin(), ids.end());
      break;
    }
    default:
      return check_condition(Condition::invalid_cdb_field(2));
  }
  return reply_data(d, alloc, c.data_in);
}

hal::TargetReply SpcTarget::report_luns(const Command& c) {
  if (c.cdb[2] > 0x02) return check_condition(Condition::invalid_cdb_field(2));
  const std::uint32_t alloc = get_be32(c.cdb, 6);
  // SPC-4 6.33: an allocation length under 16 is an invalid field.
  if (alloc < 16) return check_condition(Condition::invalid_cdb_field(6));
  std::vector<std::uint8_t> d(8 + 8 * lun_count_, 0);
  put_be32(d, 0, static_cast<std::uint32_t>(8 * lun_count_));
  for (std::size_t i = 0; i < lun_count_; ++i) {
    // Peripheral device addressing, single level (SAM-5 4.7.7.2).
    d[8 + 8 * i] = static_cast<std::uint8_t>((i >> 8) & 0x3F);
    d[8 + 8 * i + 1] = static_cast<std::uint8_t>(i & 0xFF);
  }
  return reply_data(d, alloc, c.data_in);
}

hal::TargetReply SpcTarget::prevent_allow(const Command& c) {
  const std::uint8_t prevent = c.cdb[4] & 0x03;
  if (prevent > 1) return check_condition(Condition::invalid_cdb_field(4, 0));
  prevent_ = prevent == 1;
  return good();
}

hal::TargetReply SpcTarget::mode_sense(const Command& c) {
  const bool ten = c.cdb[0] == scsi::op::mode_sense10;
  const bool dbd = c.cdb[1] & 0x08;
  const auto pc = static_cast<PageControl>(c.cdb[2] >> 6);
  const std::uint8_t page = c.cdb[2] & 0x3F;
  const std::uint8_t subpage = c.cdb[3];
  const std::size_t alloc = ten ? get_be16(c.cdb, 7) : c.cdb[4];
  if (pc == PageControl::saved) return check_condition(Condition::illegal(asc::saving_parameters_not_supported));
  if (subpage != 0 && subpage != 0xFF) return check_condition(Condition::invalid_cdb_field(3));
  std::vector<std::uint8_t> pages;
  if (page == scsi::mode_page::all) {
    for (std::uint8_t p : mode_pages_supported()) (void)mode_page(p, pc, pages);
  } else if (page != 0x00 && !mode_page(page, pc, pages)) {
    return check_condition(Condition::invalid_cdb_field(2, 5));
  }
  std::optional<std::array<std::uint8_t, 8>> bd;
  if (!dbd) bd = block_descriptor();
  if (bd && pc == PageControl::changeable) {
    // Only the block length is changeable (MODE SELECT sets fixed/variable).
    bd = std::array<std::uint8_t, 8>{0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF};
  }
  const std::size_t header = ten ? 8 : 4;
  const std::size_t bd_len = bd ? 8 : 0;
  std::vector<std::uint8_t> d(header + bd_len, 0);
  const std::uint8_t dev_specific = pc == PageControl::changeable ? 0 : mode_device_specific();
  if (ten) {
    d[2] = mode_medium_type();
    d[3] = dev_specific;
    put_be16(d, 6, static_cast<std::uint16_t>(bd_len));
  } else {
    d[1] = mode_medium_type();
    d[2] = dev_specific;
    d[3] = static_cast<std::uint8_t>(bd_len);
  }
  if (bd) std::copy(bd->begin(), bd->end(), d.begin() + static_cast<std::ptrdiff_t>(header));
  d.insert(d.end(), pages.begin(), pages.end());
  // MODE DATA LENGTH counts the bytes after itself.
  if (ten) put_be16(d, 0, static_cast<std::uint16_t>(d.size() - 2));
  else d[0] = static_cast<std::uint8_t>(std::min<std::size_t>(d.size() - 1, 255));
  return reply_data(d, alloc, c.data_in);
}

hal::TargetReply SpcTarget::mode_select_cmd(const Command& c) {
  const bool ten = c.cdb[0] == scsi::op::mode_select10;
  if (c.cdb[1] & 0x01) return check_condition(Condition::invalid_cdb_field(1, 0));  // SP: cannot save
  const std::size_t len = ten ? get_be16(c.cdb, 7) : c.cdb[4];
  if (len == 0) return good();
  if (c.data_out.size() < len) return check_condition(Condition::illegal(asc::parameter_list_length_error));
  auto p = c.data_out.first(len);
  const std::size_t header = ten ? 8 : 4;
  if (len < header) return check_condition(Condition::illegal(asc::parameter_list_length_error));
  ModeSelectData data;
  data.device_specific = ten ? p[3] : p[2];
  const std::size_t bd_len = ten ? get_be16(p, 6) : p[3];
  if (bd_len != 0 && bd_len != 8)
    return check_condition(Condition::invalid_param_field(static_cast<std::uint16_t>(ten ? 6 : 3)));
  if (header + bd_len > len) return check_condition(Condition::illegal(asc::parameter_list_length_error));
  if (bd_len == 8) {
    std::array<std::uint8_t, 8> bd{};
    std::copy_n(p.begin() + static_cast<std::ptrdiff_t>(header), 8, bd.begin());
    data.block_descriptor = bd;
    data.block_descriptor_offset = header;
  }
  std::size_t off = header + bd_len;
  while (off < len) {
    if (p[off] & 0x40) return check_condition(Condition::invalid_param_field(static_cast<std::uint16_t>(off), 6));  // SPF: no subpages
    if (off + 2 > len) return check_condition(Condition::illegal(asc::parameter_list_length_error));
    const std::size_t plen = std::size_t{p[off + 1]} + 2;
    if (off + plen > len) return check_condition(Condition::illegal(asc::parameter_list_length_error));
    data.pages.emplace_back(off, p.subspan(off, plen));
    off += plen;
  }
  if (auto err = mode_select(data)) return check_condition(*err);
  return good(len);
}

hal::TargetReply SpcTarget::log_sense(const Command& c) {
  if (c.cdb[1] & 0x02) return check_condition(Condition::invalid_cdb_field(1, 1));  // PPC
  if (c.cdb[1] & 0x01) return check_condition(Condition::invalid_cdb_field(1, 0));  // SP
  const std::uint8_t page = c.cdb[2] & 0x3F;
  if (c.cdb[3] != 0) return check_condition(Condition::invalid_cdb_field(3));      // no subpages
  const std::uint16_t pointer = get_be16(c.cdb, 5);
  const std::size_t alloc = get_be16(c.cdb, 7);
  std::vector<std::uint8_t> params;
  if (page == scsi::log_page::supported) {
    params.push_back(scsi::log_page::supported);
    for (std::uint8_t p : log_pages_supported()) params.push_back(p);
  } else if (!log_page(page, params)) {
    return check_condition(Condition::invalid_cdb_field(2, 5));
  }
  if (pointer != 0 && page != scsi::log_page::supported) {
    // Parameters from PARAMETER POINTER on (SPC-4 6.6).
    std::vector<std::uint8_t> kept;
    for (std::size_t off = 0; off + 4 <= params.size();) {
      const std::size_t n = 4 + std::size_t{params[off + 3]};
      if (get_be16(params, off) >= pointer)
        kept.insert(kept.end(), params.begin() + static_cast<std::ptrdiff_t>(off),
                    params.begin() + static_cast<std::ptrdiff_t>(std::min(off + n, params.size())));
      off += n;
    }
    params.swap(kept);
  }
  std::vector<std::uint8_t> d(4, 0);
  d[0] = page;
  put_be16(d, 2, static_cast<std::uint16_t>(params.size()));
  d.insert(d.end(), params.begin(), params.end());
  return reply_data(d, alloc, c.data_in);
}

}  // namespace tg::sim
