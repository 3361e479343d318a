#include "board/sim/sim_library.hpp"

#include <algorithm>
#include <map>

#include "hal/atomic_file.hpp"
#include "board/sim/cartridge_store.hpp"
#include "board/sim/changer_target.hpp"
#include "board/sim/fault_book.hpp"
#include "board/sim/library_state.hpp"
#include "board/sim/lto.hpp"
#include "board/sim/tape_drive_target.hpp"

namespace tg::sim {
namespace {

std::uint32_t name_number(const std::string& name) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : name) h = (h ^ ch) * 1099511628211ull;
  return static_cast<std::uint32_t>(h % 10000);
}

std::string pad(std::uint64_t v, int width) {
  std::string s = std::to_string(v);
  return std::string(s.size() < static_cast<std::size_t>(width) ? width - s.size() : 0, '0') + s;
}

Error config_error(const std::string& what) { return Error(Errc::invalid_argument, "simulated library: " + what); }

}  // namespace

SimLibrary::SimLibrary(SimConfig config, std::filesystem::path state_dir, hal::Clock& clock)
    : config_(std::move(config)),
      state_dir_(std::move(state_dir)),
      clock_(clock),
      faults_(std::make_unique<FaultBook>()),
      store_(std::make_unique<CartridgeStore>(state_dir_ / "cartridges", config_.sync_on_flush)) {}

SimLibrary::~SimLibrary() {
  // The changer refers to the drives: it goes first.
  changer_.reset();
  drives_.clear();
}

Result<std::unique_ptr<SimLibrary>> SimLibrary::open(const SimConfig& config, const std::filesystem::path& state_dir,
                                                     hal::Clock& clock) {
  std::unique_ptr<SimLibrary> lib(new SimLibrary(config, state_dir, clock));
  TG_CHECK(lib->start());
  return lib;
}

Status SimLibrary::start() {
  SimConfig& c = config_;
  const auto gen = lto_generation(c.generation);
  if (!gen) return config_error("generation " + std::to_string(c.generation) + " is not one of LTO-5..LTO-10");
  if (c.max_block_bytes == 0 || c.max_block_bytes > 0xFFFFFF)
    return config_error("maximum block size " + std::to_string(c.max_block_bytes) + " is not 1..16777215");
  if (c.cartridge_bytes < (1u << 20)) return config_error("cartridge size must be at least 1 MiB");
  if (c.slot_count == 0) return config_error("a library needs at least one storage slot");

  // Drives: explicit list or N from first_drive.
  if (c.drives.empty())
    for (std::uint16_t i = 0; i < c.drive_count; ++i)
      c.drives.push_back({static_cast<std::uint16_t>(c.first_drive + i), "", 0});
  if (c.drives.size() > 64) return config_error("at most 64 drives");
  const std::uint32_t tag = name_number(c.name);
  for (std::size_t i = 0; i < c.drives.size(); ++i) {
    auto& d = c.drives[i];
    if (d.serial.empty()) d.serial = "TGD" + pad(tag, 4) + pad(i + 1, 3);
    if (d.generation == 0) d.generation = c.generation;
    if (!lto_generation(d.generation)) return config_error("drive " + std::to_string(i) + ": generation " + std::to_string(d.generation) + " unknown");
    drive_serials_.push_back(d.serial);
  }
  changer_serial_ = c.changer_serial.empty() ? "TGL" + pad(tag, 4) + "000" : c.changer_serial;

  // The element layout; every address unique, each type one contiguous
  // range (MODE SENSE page 0x1D describes them as first + count).
  std::map<std::uint16_t, ElementType> layout;
  auto add_range = [&](ElementType type, std::uint32_t first, std::uint32_t count, const char* what) -> Status {
    if (first + count > 0x10000) return config_error(std::string(what) + " addresses run past 65535");
    for (std::uint32_t a = first; a < first + count; ++a)
      if (!layout.emplace(static_cast<std::uint16_t>(a), type).second)
        return config_error(std::string(what) + " address " + std::to_string(a) + " overlaps another element");
    return {};
  };
  TG_CHECK(add_range(ElementType::transport, c.picker_address, 1, "picker"));
  TG_CHECK(add_range(ElementType::import_export, c.first_mailslot, c.mailslot_count, "mail slot"));
  TG_CHECK(add_range(ElementType::storage, c.first_slot, c.slot_count, "slot"));
  std::vector<std::uint16_t> drive_addrs;
  for (const auto& d : c.drives) {
    TG_CHECK(add_range(ElementType::data_transfer, d.element, 1, "drive"));
    drive_addrs.push_back(d.element);
  }
  std::sort(drive_addrs.begin(), drive_addrs.end());
  for (std::size_t i = 1; i < drive_addrs.size(); ++i)
    if (drive_addrs[i] != drive_addrs[i - 1] + 1)
      return config_error("drive element addresses must be consecutive (" + std::to_string(drive_addrs[i - 1]) + ", " +
                          std::to_string(drive_addrs[i]) + ")");

  // Cartridges: explicit list or N generated barcodes.
  if (c.cartridges.empty())
    for (std::uint16_t i = 0; i < c.cartridge_count; ++i)
      c.cartridges.push_back({c.barcode_prefix + pad(i + 1, 4) + std::string(gen->media_suffix)});
  {
    std::set<std::string> seen;
    for (const auto& k : c.cartridges) {
      if (!valid_barcode(k.barcode)) return config_error("invalid barcode '" + k.barcode + "'");
      if (!seen.insert(k.barcode).second) return config_error("barcode " + k.barcode + " listed twice");
      if (k.slot) {
        auto it = layout.find(*k.slot);
        if (it == layout.end() || (it->second != ElementType::storage && it->second != ElementType::import_export))
          return config_error("cartridge " + k.barcode + ": element " + std::to_string(*k.slot) + " is not a slot or mail slot");
      }
    }
  }

  std::error_code ec;
  std::filesystem::create_directories(state_dir_, ec);
  if (ec) return Error(Errc::io_error, "cannot create " + state_dir_.string() + ": " + ec.message());
  TG_CHECK(store_->load());
  for (const auto& k : c.cartridges) {
    if (store_->contains(k.barcode)) continue;
    CartridgeInfo info;
    info.barcode = k.barcode;
    info.generation = generation_from_barcode(k.barcode).value_or(c.generation);
    info.capacity_bytes = k.capacity_bytes ? k.capacity_bytes : c.cartridge_bytes;
    info.write_protected = k.write_protected;
    info.medium_serial = "TGM" + k.barcode;
    TG_CHECK(store_->put(info));
  }

  // Where everything is: the saved map, then configured cartridges that
  // are nowhere yet (new in the configuration), in their slot or the next
  // free one.
  std::map<std::uint16_t, ElementContents> placed;
  const auto state_file = state_dir_ / "library.state";
  auto text = hal::read_small_file(state_file);
  if (text.ok()) {
    LibraryState st = TG_TRY(parse_library_state(*text, state_file.string()));
    outside_ = st.outside;
    ejected_ = st.ejected;
    cleaned_ = st.cleaned;
    std::vector<ElementContents> homeless;
    for (auto& e : st.occupied) {
      if (!store_->contains(e.barcode)) continue;  // its files were deleted by hand
      auto it = layout.find(e.address);
      if (it == layout.end() || it->second == ElementType::transport) homeless.push_back(e);
      else placed[e.address] = e;
    }
    for (auto& e : homeless) {  // the layout shrank: move it to a free slot
      auto slot = std::find_if(layout.begin(), layout.end(), [&](const auto& kv) {
        return kv.second == ElementType::storage && !placed.count(kv.first);
      });
      if (slot == layout.end()) return config_error("no free slot for cartridge " + e.barcode + " from element " + std::to_string(e.address));
      placed[slot->first] = {slot->first, e.barcode, std::nullopt, false};
    }
  } else if (text.error().code != Errc::not_found) {
    return std::move(text).error();
  }
  auto is_placed = [&](const std::string& b) {
    return std::any_of(placed.begin(), placed.end(), [&](const auto& kv) { return kv.second.barcode == b; });
  };
  for (const auto& k : c.cartridges) {
    if (is_placed(k.barcode) || outside_.count(k.barcode)) continue;
    std::optional<std::uint16_t> where;
    if (k.slot && !placed.count(*k.slot)) where = *k.slot;
    for (auto it = layout.begin(); !where && it != layout.end(); ++it)
      if (it->second == ElementType::storage && !placed.count(it->first)) where = it->first;
    if (!where) return config_error("no free slot for cartridge " + k.barcode);
    placed[*where] = {*where, k.barcode, std::nullopt, false};
  }

  // The LUNs.
  const std::size_t luns = 1 + c.drives.size();
  for (std::size_t i = 0; i < c.drives.size(); ++i) {
    const auto& d = c.drives[i];
    TapeDriveSetup setup{*lto_generation(d.generation), c.drive_personality, d.serial, luns, c.max_block_bytes,
                         c.early_warning_bytes, c.sync_on_flush, {}, c.drive_quirks};
    if (c.speed_mbps) {
      const auto steps = setup.generation.speed_steps;
      for (auto s : steps)
        setup.speed.steps_mbps.push_back(std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::uint64_t{s} * c.speed_mbps / steps.front())));
      setup.speed.buffer_bytes = std::uint64_t{c.drive_buffer_mb} << 20;
      setup.speed.backhitch_penalty = c.backhitch_penalty;
    }
    drives_.push_back(std::make_unique<TapeDriveTarget>(std::move(setup), *store_, *faults_, clock_));
  }
  std::vector<ChangerElement> elements;
  for (const auto& [addr, type] : layout) {
    ChangerElement e{type, addr};
    if (auto it = placed.find(addr); it != placed.end()) {
      e.barcode = it->second.barcode;
      e.source = it->second.source;
      e.impexp = it->second.placed_by_operator && type == ElementType::import_export;
    }
    if (type == ElementType::data_transfer) {
      for (std::size_t i = 0; i < c.drives.size(); ++i)
        if (c.drives[i].element == addr) {
          e.drive = drives_[i].get();
          e.drive_lun = static_cast<std::uint8_t>(i + 1);
        }
      if (!e.barcode.empty()) TG_CHECK(e.drive->insert(e.barcode, true, ejected_.count(addr) == 0));
      else ejected_.erase(addr);
      e.drive->set_ejected_observer([this, addr = addr](bool ejected) {
        std::lock_guard g(state_mutex_);
        if (ejected ? ejected_.insert(addr).second : ejected_.erase(addr) > 0) (void)write_state_locked();
      });
      e.drive->set_cleaned_observer([this, addr = addr] {
        std::lock_guard g(state_mutex_);
        if (cleaned_.insert(addr).second) (void)write_state_locked();
      });
    }
    elements.push_back(std::move(e));
  }
  changer_ = std::make_unique<ChangerTarget>(c.changer_personality, changer_serial_, luns, std::move(elements), *faults_,
                                             [this](const std::vector<ElementContents>& v) { return write_state(v); });

  if (c.power_on_unit_attention) {
    changer_->queue_unit_attention(scsi::asc::power_on_reset);
    for (auto& d : drives_) d->queue_unit_attention(scsi::asc::power_on_reset);
  }
  for (const auto& f : c.faults.medium_errors) TG_CHECK(inject_medium_error(f));
  for (const auto& f : c.faults.corrupt_blocks) TG_CHECK(inject_corrupt_block(f));
  for (const auto& f : c.faults.unit_attentions) TG_CHECK(inject_unit_attention(f));
  for (const auto& b : c.faults.write_protected) TG_CHECK(inject_write_protect(b));
  for (int i : c.faults.cleaning_requested) {
    // A drive cleaned in an earlier run stays clean (library.state).
    const auto idx = static_cast<std::size_t>(i);
    if (idx < c.drives.size() && cleaned_.count(c.drives[idx].element)) continue;
    TG_CHECK(request_cleaning(idx));
  }
  set_picker_stuck(c.faults.stuck_picker);
  return save_state();
}

Status SimLibrary::write_state(const std::vector<ElementContents>& contents) {
  std::lock_guard g(state_mutex_);
  last_contents_ = contents;
  return write_state_locked();
}

Status SimLibrary::write_state_locked() {
  LibraryState st;
  for (const auto& e : last_contents_)
    if (!e.barcode.empty()) st.occupied.push_back(e);
  st.outside = outside_;
  st.ejected = ejected_;
  st.cleaned = cleaned_;
  return hal::write_file_atomic(state_dir_ / "library.state", format_library_state(st), config_.sync_on_flush);
}

Status SimLibrary::save_state() { return write_state(changer_->contents()); }

hal::ScsiTarget& SimLibrary::changer() { return *changer_; }
hal::ScsiTarget& SimLibrary::drive(std::size_t index) { return *drives_.at(index); }
std::size_t SimLibrary::drive_count() const { return drives_.size(); }
hal::ScsiTarget* SimLibrary::lun(std::size_t lun) {
  if (lun == 0) return changer_.get();
  if (lun <= drives_.size()) return drives_[lun - 1].get();
  return nullptr;
}
std::uint16_t SimLibrary::drive_element(std::size_t index) const { return config_.drives.at(index).element; }
const std::string& SimLibrary::drive_serial(std::size_t index) const { return drive_serials_.at(index); }
const std::string& SimLibrary::changer_serial() const { return changer_serial_; }
DriveStats SimLibrary::drive_stats(std::size_t index) const { return drives_.at(index)->stats(); }

std::vector<ElementContents> SimLibrary::elements() const { return changer_->contents(); }

std::optional<std::string> SimLibrary::barcode_at(std::uint16_t address) const {
  for (const auto& e : changer_->contents())
    if (e.address == address) return e.barcode.empty() ? std::nullopt : std::optional<std::string>(e.barcode);
  return std::nullopt;
}

Status SimLibrary::operator_insert(std::uint16_t mailslot, const std::string& barcode) {
  if (!valid_barcode(barcode)) return Error(Errc::invalid_argument, "invalid barcode '" + barcode + "'");
  if (!store_->contains(barcode)) {
    // A cartridge new to this library: blank, of the generation its label says.
    CartridgeInfo info;
    info.barcode = barcode;
    info.generation = generation_from_barcode(barcode).value_or(config_.generation);
    info.capacity_bytes = config_.cartridge_bytes;
    info.medium_serial = "TGM" + barcode;
    TG_CHECK(store_->put(info));
  }
  TG_CHECK(static_cast<ChangerTarget&>(*changer_).operator_insert(mailslot, barcode));
  {
    std::lock_guard g(state_mutex_);
    outside_.erase(barcode);
  }
  return save_state();
}

Result<std::string> SimLibrary::operator_remove(std::uint16_t mailslot) {
  std::string b = TG_TRY(changer_->operator_remove(mailslot));
  {
    std::lock_guard g(state_mutex_);
    outside_.insert(b);
  }
  TG_CHECK(save_state());
  return b;
}

Status SimLibrary::inject_medium_error(const MediumErrorFault& f) {
  if (!store_->contains(f.barcode)) return Error(Errc::not_found, "medium error fault: no cartridge " + f.barcode);
  faults_->add(f);
  return {};
}

Status SimLibrary::inject_corrupt_block(const CorruptBlockFault& f) {
  if (!store_->contains(f.barcode)) return Error(Errc::not_found, "corrupt block fault: no cartridge " + f.barcode);
  faults_->add(f);
  return {};
}

Status SimLibrary::corrupt_block_on_disk(const std::string& barcode, std::uint64_t block) {
  auto m = TG_TRY(store_->open_medium(barcode));
  return m->corrupt_block(block);
}

Status SimLibrary::inject_unit_attention(const UnitAttentionFault& f) {
  hal::ScsiTarget* t = lun(static_cast<std::size_t>(f.lun));
  if (f.lun < 0 || !t) return Error(Errc::not_found, "unit attention fault: no LUN " + std::to_string(f.lun));
  static_cast<SpcTarget*>(t)->queue_unit_attention(scsi::asc_of(f));
  return {};
}

Status SimLibrary::set_write_protected(const std::string& barcode, bool on) {
  CartridgeInfo info = TG_TRY(store_->get(barcode));
  info.write_protected = on;
  TG_CHECK(store_->put(info));
  for (auto& d : drives_) d->set_write_protected(barcode, on);
  return {};
}

Status SimLibrary::inject_write_protect(const std::string& barcode) {
  if (!store_->contains(barcode)) return Error(Errc::not_found, "write-protect fault: no cartridge " + barcode);
  faults_->add_write_protect(barcode);
  return {};
}

void SimLibrary::set_picker_stuck(bool stuck) { faults_->set_picker_stuck(stuck); }

Status SimLibrary::request_cleaning(std::size_t drive_index) {
  if (drive_index >= drives_.size()) return Error(Errc::not_found, "cleaning fault: no drive " + std::to_string(drive_index));
  drives_[drive_index]->request_cleaning();
  return {};
}

void SimLibrary::clear_faults() { faults_->clear(); }

}  // namespace tg::sim
