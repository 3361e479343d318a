// READ ELEMENT STATUS (SMC-3 6.11): element status pages, one per run of
// elements of one type in ascending address order, truncated to the
// allocation length while the header keeps the full counts, so an
// initiator with a small buffer learns how much to ask for.
#include <algorithm>

#include "board/sim/changer_target.hpp"
#include "hal/bytes.hpp"

namespace tg::sim {
namespace {

constexpr std::size_t kVolTag = 36;
constexpr std::size_t kDeviceId = 32;  // identifier bytes reserved per drive descriptor

}  // namespace

hal::TargetReply ChangerTarget::read_element_status(const Command& c) {
  const bool voltag = c.cdb[1] & 0x10;
  const auto type = static_cast<ElementType>(c.cdb[1] & 0x0F);
  const std::uint16_t start = get_be16(c.cdb, 2);
  const std::uint16_t wanted = get_be16(c.cdb, 4);
  const bool dvcid = c.cdb[6] & 0x01;
  const std::uint32_t alloc = get_be24(c.cdb, 7);
  if (type > ElementType::data_transfer) return check_condition(Condition::invalid_cdb_field(1, 3));

  // Elements of the requested type from the starting address on.
  std::vector<const ChangerElement*> picked;
  for (const auto& e : elements_) {
    if (e.address < start || (type != ElementType::all && e.type != type)) continue;
    if (picked.size() >= wanted) break;
    picked.push_back(&e);
  }
  if (picked.empty()) {
    // Nothing at or after the starting address of that type.
    Condition e = Condition::illegal(asc::invalid_element_address);
    e.field = FieldPointer{true, 2, std::nullopt};
    return check_condition(e);
  }

  std::vector<std::uint8_t> d(8, 0);
  for (std::size_t i = 0; i < picked.size();) {
    const ElementType t = picked[i]->type;
    std::size_t j = i;
    while (j < picked.size() && picked[j]->type == t) ++j;
    const bool with_id = dvcid && t == ElementType::data_transfer;
    const std::size_t desc_len = 12 + (voltag ? kVolTag : 0) + (with_id ? 4 + kDeviceId : 0);
    const std::size_t page = d.size();
    d.resize(page + 8 + desc_len * (j - i), 0);
    d[page] = static_cast<std::uint8_t>(t);
    d[page + 1] = voltag ? 0x80 : 0x00;  // PVOLTAG
    put_be16(d, page + 2, static_cast<std::uint16_t>(desc_len));
    put_be24(d, page + 5, static_cast<std::uint32_t>(desc_len * (j - i)));
    for (std::size_t k = i; k < j; ++k) {
      const ChangerElement& e = *picked[k];
      const std::size_t o = page + 8 + desc_len * (k - i);
      const bool full = !e.barcode.empty();
      put_be16(d, o, e.address);
      std::uint8_t flags = full ? 0x01 : 0x00;  // FULL
      if (t != ElementType::transport) flags |= 0x08;  // ACCESS
      if (t == ElementType::import_export) flags |= static_cast<std::uint8_t>(0x30 | (e.impexp ? 0x02 : 0));  // INENAB, EXENAB, IMPEXP
      if (t == ElementType::transport && faults_.picker_stuck()) {
        flags |= 0x04;  // EXCEPT: the picker cannot move
        d[o + 4] = asc::media_load_or_eject_failed.asc;
        d[o + 5] = asc::media_load_or_eject_failed.ascq;
      }
      d[o + 2] = flags;
      if (t == ElementType::data_transfer) d[o + 6] = static_cast<std::uint8_t>(0x10 | (e.drive_lun & 0x07));  // LU VALID
      if (full && e.source) {
        d[o + 9] = 0x80;  // SVALID
        put_be16(d, o + 10, *e.source);
      }
      std::size_t p = o + 12;
      if (voltag) {
        // Primary volume tag: 32-byte identifier padded with spaces, then
        // a reserved pair and the volume sequence number (zero).
        if (full) {
          std::fill_n(d.begin() + static_cast<std::ptrdiff_t>(p), 32, std::uint8_t{' '});
          std::copy(e.barcode.begin(), e.barcode.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(e.barcode.size(), 32)),
                    d.begin() + static_cast<std::ptrdiff_t>(p));
        }
        p += kVolTag;
      }
      if (with_id && e.drive) {
        // Device identifier: the drive's unit serial number (VPD 0x80),
        // ASCII, so hosts match drive elements to their LUNs.
        const std::string& sn = e.drive->serial();
        const std::size_t n = std::min(sn.size(), kDeviceId);
        d[p] = 0x02;  // code set ASCII
        d[p + 1] = 0x00;  // identifier type: vendor specific (serial number)
        d[p + 3] = static_cast<std::uint8_t>(n);
        std::copy_n(sn.begin(), n, d.begin() + static_cast<std::ptrdiff_t>(p + 4));
      }
    }
    i = j;
  }
  put_be16(d, 0, picked.front()->address);
  put_be16(d, 2, static_cast<std::uint16_t>(picked.size()));
  // Byte count of report available: everything after the header, whatever
  // the allocation length (SMC-3 6.11.2).
  put_be24(d, 5, static_cast<std::uint32_t>(d.size() - 8));
  return reply_data(d, alloc, c.data_in);
}

}  // namespace tg::sim
