#include "board/sim/changer_target.hpp"

#include <algorithm>

#include "drivers/scsi/opcodes.hpp"
#include "hal/bytes.hpp"

namespace tg::sim {
namespace {

Condition invalid_element() { return Condition::illegal(asc::invalid_element_address); }
Condition picker_failed() { return Condition::of(key::hardware_error, asc::media_load_or_eject_failed); }

}  // namespace

ChangerTarget::ChangerTarget(Personality personality, std::string serial, std::size_t lun_count,
                             std::vector<ChangerElement> elements, FaultBook& faults, PersistElements persist)
    : SpcTarget(scsi::device_type::medium_changer, true, std::move(personality), std::move(serial), lun_count),
      elements_(std::move(elements)),
      faults_(faults),
      persist_(std::move(persist)) {
  std::sort(elements_.begin(), elements_.end(),
            [](const ChangerElement& a, const ChangerElement& b) { return a.address < b.address; });
  on(scsi::op::initialize_element_status, [this](const Command& c) { return initialize_element_status(c); });
  on(scsi::op::initialize_element_status_with_range, [this](const Command& c) { return initialize_element_status(c); });
  on(scsi::op::position_to_element, [this](const Command& c) { return position_to_element(c); });
  on(scsi::op::move_medium, [this](const Command& c) { return move_medium(c); });
  on(scsi::op::read_element_status, [this](const Command& c) { return read_element_status(c); });
}

ChangerElement* ChangerTarget::at(std::uint16_t address) {
  auto it = std::lower_bound(elements_.begin(), elements_.end(), address,
                             [](const ChangerElement& e, std::uint16_t a) { return e.address < a; });
  return it != elements_.end() && it->address == address ? &*it : nullptr;
}

const ChangerElement* ChangerTarget::at(std::uint16_t address) const {
  return const_cast<ChangerTarget*>(this)->at(address);
}

ChangerTarget::Range ChangerTarget::range_of(ElementType type) const {
  Range r;
  for (const auto& e : elements_) {
    if (e.type != type) continue;
    if (r.count == 0) r.first = e.address;
    ++r.count;
  }
  return r;
}

std::vector<ElementContents> ChangerTarget::contents_locked() const {
  std::vector<ElementContents> v;
  for (const auto& e : elements_) v.push_back({e.address, e.barcode, e.source, e.impexp});
  return v;
}

std::vector<ElementContents> ChangerTarget::contents() const {
  std::lock_guard g(lock_);
  return contents_locked();
}

std::optional<std::uint16_t> ChangerTarget::find(const std::string& barcode) const {
  std::lock_guard g(lock_);
  for (const auto& e : elements_)
    if (e.barcode == barcode) return e.address;
  return std::nullopt;
}

Status ChangerTarget::persist() { return persist_ ? persist_(contents_locked()) : Status{}; }

Status ChangerTarget::operator_insert(std::uint16_t mailslot, const std::string& barcode) {
  std::lock_guard g(lock_);
  ChangerElement* e = at(mailslot);
  if (!e || e->type != ElementType::import_export)
    return Error(Errc::invalid_argument, "element " + std::to_string(mailslot) + " is not a mail slot");
  if (removal_prevented_locked()) return Error(Errc::busy, "the mail slots are locked (PREVENT MEDIUM REMOVAL)");
  if (!e->barcode.empty()) return Error(Errc::element_full, "mail slot " + std::to_string(mailslot) + " holds " + e->barcode);
  for (const auto& other : elements_)
    if (other.barcode == barcode)
      return Error(Errc::busy, "cartridge " + barcode + " is already in element " + std::to_string(other.address));
  e->barcode = barcode;
  e->source.reset();
  e->impexp = true;
  queue_unit_attention_locked(asc::import_export_element_accessed);
  return persist();
}

Result<std::string> ChangerTarget::operator_remove(std::uint16_t mailslot) {
  std::lock_guard g(lock_);
  ChangerElement* e = at(mailslot);
  if (!e || e->type != ElementType::import_export)
    return Error(Errc::invalid_argument, "element " + std::to_string(mailslot) + " is not a mail slot");
  if (removal_prevented_locked()) return Error(Errc::busy, "the mail slots are locked (PREVENT MEDIUM REMOVAL)");
  if (e->barcode.empty()) return Error(Errc::element_empty, "mail slot " + std::to_string(mailslot) + " is empty");
  std::string b = std::move(e->barcode);
  e->barcode.clear();
  e->source.reset();
  e->impexp = false;
  queue_unit_attention_locked(asc::import_export_element_accessed);
  TG_CHECK(persist());
  return b;
}

hal::TargetReply ChangerTarget::move_medium(const Command& c) {
  const std::uint16_t transport = get_be16(c.cdb, 2);
  const std::uint16_t from = get_be16(c.cdb, 4);
  const std::uint16_t to = get_be16(c.cdb, 6);
  if (c.cdb[10] & 0x01) return check_condition(Condition::invalid_cdb_field(10, 0));  // INVERT: single-sided media
  // Transport 0 means "the default medium transport" (SMC-3 6.4).
  const ChangerElement* t = transport ? at(transport) : nullptr;
  if (transport != 0 && (!t || t->type != ElementType::transport)) {
    Condition e = invalid_element();
    e.field = FieldPointer{true, 2, std::nullopt};
    return check_condition(e);
  }
  ChangerElement* src = at(from);
  ChangerElement* dst = at(to);
  if (!src || src->type == ElementType::transport) {
    Condition e = invalid_element();
    e.field = FieldPointer{true, 4, std::nullopt};
    return check_condition(e);
  }
  if (!dst || dst->type == ElementType::transport) {
    Condition e = invalid_element();
    e.field = FieldPointer{true, 6, std::nullopt};
    return check_condition(e);
  }
  if (src->barcode.empty()) return check_condition(Condition::illegal(asc::medium_source_element_empty));
  if (!dst->barcode.empty()) return check_condition(Condition::illegal(asc::medium_destination_element_full));
  if (faults_.picker_stuck()) return check_condition(picker_failed());

  if (src->drive) {
    auto r = src->drive->remove();
    if (!r.ok()) {
      if (r.error().code == Errc::busy) return check_condition(Condition::illegal(asc::medium_removal_prevented));
      if (r.error().code != Errc::element_empty) return check_condition(picker_failed());
    }
  }
  if (dst->drive) {
    if (Status s = dst->drive->insert(src->barcode); !s.ok()) {
      // Put it back where it was: the move failed as a whole.
      if (src->drive) (void)src->drive->insert(src->barcode);
      return check_condition(picker_failed());
    }
  }
  dst->barcode = std::move(src->barcode);
  src->barcode.clear();
  dst->source = src->address;
  dst->impexp = false;  // placed by the robot, not the operator
  src->source.reset();
  src->impexp = false;
  if (Status s = persist(); !s.ok()) return check_condition(Condition::of(key::hardware_error, asc::internal_target_failure));
  return good();
}

hal::TargetReply ChangerTarget::initialize_element_status(const Command& c) {
  if (c.cdb[0] == scsi::op::initialize_element_status_with_range && (c.cdb[1] & 0x01)) {  // RANGE=1
    const std::uint16_t first = get_be16(c.cdb, 2);
    if (!at(first)) {
      Condition e = invalid_element();
      e.field = FieldPointer{true, 2, std::nullopt};
      return check_condition(e);
    }
  }
  // The simulated robot's inventory is always right: nothing to rescan.
  return good();
}

hal::TargetReply ChangerTarget::position_to_element(const Command& c) {
  if (c.cdb[8] & 0x01) return check_condition(Condition::invalid_cdb_field(8, 0));
  const std::uint16_t to = get_be16(c.cdb, 4);
  if (!at(to)) {
    Condition e = invalid_element();
    e.field = FieldPointer{true, 4, std::nullopt};
    return check_condition(e);
  }
  if (faults_.picker_stuck()) return check_condition(picker_failed());
  return good();
}

bool ChangerTarget::mode_page(std::uint8_t page, PageControl pc, std::vector<std::uint8_t>& out) const {
  const bool mask = pc == PageControl::changeable;  // nothing is changeable
  const std::size_t off = out.size();
  if (page == scsi::mode_page::element_address_assignment) {  // SMC-3 7.3.4
    out.resize(off + 20, 0);
    out[off] = scsi::mode_page::element_address_assignment;
    out[off + 1] = 0x12;
    if (mask) return true;
    const ElementType order[] = {ElementType::transport, ElementType::storage, ElementType::import_export,
                                  ElementType::data_transfer};
    for (int i = 0; i < 4; ++i) {
      Range r = range_of(order[i]);
      put_be16(out, off + 2 + 4 * i, r.first);
      put_be16(out, off + 4 + 4 * i, r.count);
    }
    return true;
  }
  if (page == scsi::mode_page::transport_geometry) {  // one picker, no rotation
    out.insert(out.end(), {scsi::mode_page::transport_geometry, 0x02, 0x00, 0x00});
    return true;
  }
  if (page == scsi::mode_page::device_capabilities) {  // SMC-3 7.3.5
    out.resize(off + 20, 0);
    out[off] = scsi::mode_page::device_capabilities;
    out[off + 1] = 0x12;
    if (mask) return true;
    out[off + 2] = 0x0E;  // StorDT, StorI/E, StorST
    // Move capabilities from MT, ST, I/E, DT: to DT, I/E and ST.
    for (int i = 0; i < 4; ++i) out[off + 4 + i] = 0x0E;
    return true;
  }
  return false;
}

std::optional<Condition> ChangerTarget::mode_select(const ModeSelectData& data) {
  if (data.block_descriptor) return Condition::invalid_param_field(static_cast<std::uint16_t>(data.block_descriptor_offset));
  if (!data.pages.empty()) return Condition::invalid_param_field(static_cast<std::uint16_t>(data.pages.front().first));
  return std::nullopt;
}

}  // namespace tg::sim
