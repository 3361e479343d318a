#include "drivers/media_changer.hpp"

#include <algorithm>
#include <array>

#include "drivers/device_identity.hpp"
#include "drivers/ready_wait.hpp"
#include "drivers/scsi/cdb_smc.hpp"
#include "drivers/scsi/cdb_spc.hpp"
#include "drivers/scsi/element_status.hpp"
#include "drivers/scsi/mode_pages.hpp"
#include "drivers/scsi/opcodes.hpp"

namespace tg::drivers {
namespace {

namespace key = scsi::sense_key;
std::string n(std::uint64_t v) { return std::to_string(v); }

bool in_range(const ElementRange& r, std::uint16_t a) { return r.count > 0 && a >= r.first && a - r.first < r.count; }

}  // namespace

const char* element_type_name(ElementType t) {
  switch (t) {
    case ElementType::all: return "element";
    case ElementType::transport: return "picker";
    case ElementType::storage: return "slot";
    case ElementType::import_export: return "mail slot";
    case ElementType::data_transfer: return "drive";
  }
  return "element";
}

const ElementStatus* Inventory::find_barcode(const std::string& barcode) const {
  if (barcode.empty()) return nullptr;
  for (const auto& e : elements)
    if (e.full && e.barcode == barcode) return &e;
  return nullptr;
}

const ElementStatus* Inventory::find_address(std::uint16_t address) const {
  for (const auto& e : elements)
    if (e.address == address) return &e;
  return nullptr;
}

std::vector<const ElementStatus*> Inventory::of_type(ElementType t) const {
  std::vector<const ElementStatus*> out;
  for (const auto& e : elements)
    if (e.type == t) out.push_back(&e);
  return out;
}

MediaChanger::MediaChanger(hal::ScsiTransport& transport, std::string name)
    : name_(std::move(name)), lun_(transport, "changer " + name_) {}

Result<DeviceIdentity> MediaChanger::identify() { return identify_device(lun_); }

Status MediaChanger::test_unit_ready() {
  return lun_.run_no_data("TEST UNIT READY", scsi::test_unit_ready(), timeouts::quick);
}

Status MediaChanger::wait_ready(std::chrono::milliseconds timeout, hal::Clock& clock) {
  return wait_until_ready(lun_, timeout, clock);
}

std::string MediaChanger::element_label(std::uint16_t address) const {
  if (map_) {
    const std::pair<const ElementRange*, ElementType> ranges[] = {
        {&map_->storage, ElementType::storage},
        {&map_->data_transfer, ElementType::data_transfer},
        {&map_->import_export, ElementType::import_export},
        {&map_->transport, ElementType::transport}};
    for (const auto& [r, t] : ranges)
      if (in_range(*r, address)) return std::string(element_type_name(t)) + " " + n(address);
  }
  return "element " + n(address);
}

Result<ElementAddressAssignment> MediaChanger::element_map() {
  static constexpr const char* op = "MODE SENSE page 0x1D";
  std::array<std::uint8_t, 255> buf{};
  // DBD=1: changers have no block descriptors (SMC-3 7.3.1).
  const auto cdb = scsi::mode_sense6(scsi::mode_page::element_address_assignment, buf.size(), true);
  const std::size_t got = TG_TRY(lun_.run_in(op, cdb, buf, timeouts::quick));
  auto m = scsi::parse_mode_sense6(std::span<const std::uint8_t>(buf).first(got));
  if (!m) return lun_.error(Errc::parse_error, op, m.error().message);
  auto page = scsi::find_mode_page(m->pages, scsi::mode_page::element_address_assignment);
  if (!page) return lun_.error(Errc::parse_error, op, page.error().message);
  auto p = scsi::parse_element_address_page(*page);
  if (!p) return lun_.error(Errc::parse_error, op, p.error().message);
  const auto range = [](const scsi::ElementRangeData& r) { return ElementRange{.first = r.first, .count = r.count}; };
  ElementAddressAssignment map{.transport = range(p->transport), .storage = range(p->storage),
                               .import_export = range(p->import_export), .data_transfer = range(p->data_transfer)};
  map_ = map;
  return map;
}

Status MediaChanger::read_type(ElementType type, ElementRange range, Inventory& out) {
  static constexpr const char* op = "READ ELEMENT STATUS";
  const auto code = static_cast<scsi::ElementTypeCode>(static_cast<std::uint8_t>(type));
  // Drives are asked for their identifiers (DVCID) so the board can match
  // them to their LUNs by serial; changers that reject DVCID (or VOLTAG,
  // without a barcode reader) are asked again without.
  bool dvcid = type == ElementType::data_transfer || type == ElementType::all;
  bool voltag = true;
  // 64 bytes hold the header, one page header and a tag-less descriptor.
  std::uint32_t allocation = std::max<std::uint32_t>(inventory_allocation_, 64);
  constexpr std::uint32_t kMaxAllocation = 0xFFFFFF;  // the CDB's 3-byte field
  std::uint32_t start = range.first;
  std::size_t remaining = range.count;
  std::vector<std::uint8_t> buf;
  while (remaining > 0 && start <= 0xFFFF) {
    buf.assign(allocation, 0);
    const auto count = static_cast<std::uint16_t>(std::min<std::size_t>(remaining, 0xFFFF));
    const auto cdb = scsi::read_element_status(code, static_cast<std::uint16_t>(start), count, allocation, voltag, dvcid);
    Completion c = TG_TRY(lun_.run(op, cdb, hal::DataDirection::from_device, {}, buf, timeouts::element_status));
    if (!c.good()) {
      const scsi::Sense& s = *c.sense;
      if (s.key == key::illegal_request && dvcid) {
        dvcid = false;
        continue;
      }
      if (s.key == key::illegal_request && voltag) {
        voltag = false;
        continue;
      }
      return lun_.sense_error(op, s);
    }
    auto report = scsi::parse_element_status(std::span<const std::uint8_t>(buf).first(std::min(c.transferred, buf.size())),
                                            allocation);
    if (!report) return lun_.error(Errc::parse_error, op, report.error().message);
    std::uint32_t last = start;
    std::size_t taken = 0;
    for (const auto& d : report->elements) {
      // Replies run in address order from `start` (SMC-3 6.10.1); anything
      // before it would be a repeat of an earlier page.
      if (d.address < start) continue;
      ElementStatus e;
      e.type = static_cast<ElementType>(static_cast<std::uint8_t>(d.type));
      e.address = d.address;
      e.full = d.full;
      e.except = d.except;
      e.asc = d.asc;
      e.ascq = d.ascq;
      e.access = d.access;
      e.import_export_enabled = d.import_export;
      if (d.source_valid) e.source = d.source;
      e.barcode = d.primary_tag;
      if (e.type == ElementType::data_transfer && !d.identifier.empty()) e.drive_serial = scsi::identifier_serial(d);
      out.elements.push_back(std::move(e));
      last = d.address;
      ++taken;
    }
    if (taken == 0) {
      // Not one whole descriptor fitted: ask once more with room for the
      // whole report the changer says it has.
      if (report->truncated && allocation < kMaxAllocation) {
        const std::uint64_t want = std::uint64_t{report->report_bytes} + scsi::kElementStatusHeaderLength;
        const std::uint32_t grown = static_cast<std::uint32_t>(std::min<std::uint64_t>(kMaxAllocation, want));
        if (grown <= allocation) return lun_.error(Errc::parse_error, op, "element descriptors larger than any allocation");
        allocation = grown;
        continue;
      }
      break;  // the changer has no (more) elements of this type
    }
    remaining = taken >= remaining ? 0 : remaining - taken;
    if (!report->truncated) break;  // everything from `start` on was in this reply
    start = last + 1;               // next page: after the last element received
  }
  return {};
}

namespace {
// Real libraries set ACCESS on every reachable storage slot (SMC-3 6.10.3).
// A changer that sets it on none of them does not implement the bit (tgt
// 1.0.85 leaves it 0 everywhere): then every element counts as reachable,
// rather than the library looking permanently locked.
void assume_access_when_unreported(Inventory& inv) {
  bool any_slot = false, any_access = false;
  for (const auto& e : inv.elements) {
    if (e.type != ElementType::storage) continue;
    any_slot = true;
    any_access = any_access || e.access;
  }
  if (!any_slot || any_access) return;
  for (auto& e : inv.elements) e.access = true;
}
}  // namespace

Result<Inventory> MediaChanger::inventory() {
  Inventory inv;
  auto map = element_map();
  if (!map) {
    // Without page 0x1D (optional in SMC-3), read every element in one go.
    if (map.error().code != Errc::illegal_request) return std::move(map).error();
    TG_CHECK(read_type(ElementType::all, {.first = 0, .count = 0xFFFF}, inv));
    assume_access_when_unreported(inv);
    return inv;
  }
  TG_CHECK(read_type(ElementType::transport, map->transport, inv));
  TG_CHECK(read_type(ElementType::storage, map->storage, inv));
  TG_CHECK(read_type(ElementType::import_export, map->import_export, inv));
  TG_CHECK(read_type(ElementType::data_transfer, map->data_transfer, inv));
  assume_access_when_unreported(inv);
  return inv;
}

Status MediaChanger::move(std::uint16_t from, std::uint16_t to) {
  if (!map_) {
    auto m = element_map();
    if (!m && m.error().code != Errc::illegal_request) return std::move(m).error();
  }
  // Transport address 0 asks the changer to use its default picker (SMC-3 6.5).
  const std::uint16_t picker = map_ && map_->transport.count > 0 ? map_->transport.first : 0;
  const std::string what = "MOVE MEDIUM " + element_label(from) + " -> " + element_label(to);
  Completion c = TG_TRY(lun_.run(what.c_str(), scsi::move_medium(picker, from, to), hal::DataDirection::none, {}, {},
                                 timeouts::move_medium));
  if (c.good()) return {};
  Error e = lun_.sense_error(what.c_str(), *c.sense);
  // Say which element was the problem in the operator's words.
  if (e.code == Errc::element_full) e.message += " (" + element_label(to) + " is occupied)";
  if (e.code == Errc::element_empty) e.message += " (" + element_label(from) + " is empty)";
  return e;
}

Status MediaChanger::initialize_element_status() {
  return lun_.run_no_data("INITIALIZE ELEMENT STATUS", scsi::initialize_element_status(), timeouts::initialize_elements);
}

Result<std::vector<std::string>> MediaChanger::import_mailslots() {
  Inventory inv = TG_TRY(inventory());
  std::vector<const ElementStatus*> free_slots;
  for (const auto* e : inv.of_type(ElementType::storage))
    if (!e->full && e->access && !e->except) free_slots.push_back(e);
  std::vector<std::string> imported;
  std::size_t next = 0;
  for (const auto* m : inv.of_type(ElementType::import_export)) {
    if (!m->full) continue;
    // A cartridge the changer itself put there (an export waiting for the
    // operator: IMPEXP clear, source known) is not an import.
    if (!m->import_export_enabled && m->source) continue;
    const std::string label = m->barcode.empty() ? "(no barcode)" : m->barcode;
    if (next >= free_slots.size())
      return Error(Errc::element_full, "changer " + name_ + ": import: no free slot for " + label + " in " +
                                           element_label(m->address) +
                                           (imported.empty() ? std::string() : " (imported " + n(imported.size()) + " first)"));
    Status s = move(m->address, free_slots[next]->address);
    if (!s.ok()) {
      Error e = std::move(s).error();
      if (!imported.empty()) e.message += " (after importing " + n(imported.size()) + " cartridges)";
      return e;
    }
    ++next;
    imported.push_back(m->barcode);
  }
  return imported;
}

Result<std::uint16_t> MediaChanger::export_to_mailslot(std::uint16_t from) {
  Inventory inv = TG_TRY(inventory());
  const ElementStatus* src = inv.find_address(from);
  if (!src) return Error(Errc::not_found, "changer " + name_ + ": export: no element " + n(from));
  if (!src->full) return Error(Errc::element_empty, "changer " + name_ + ": export: " + element_label(from) + " is empty");
  for (const auto* m : inv.of_type(ElementType::import_export)) {
    if (m->full || !m->access || m->except) continue;
    TG_CHECK(move(from, m->address));
    return m->address;
  }
  return Error(Errc::element_full, "changer " + name_ + ": export of " +
                                       (src->barcode.empty() ? element_label(from) : src->barcode) +
                                       ": every mail slot is full; empty one and try again");
}

}  // namespace tg::drivers
