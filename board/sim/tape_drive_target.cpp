#include "board/sim/tape_drive_target.hpp"

#include <algorithm>

#include "drivers/scsi/drive_counters_page.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "hal/bytes.hpp"

namespace tg::sim {
namespace {

void put_counter(std::vector<std::uint8_t>& p, std::uint16_t code, std::uint64_t value) {
  // Log parameter: code, control (DS|TSD: not saved, device managed), length 8.
  std::size_t off = p.size();
  p.resize(off + 12, 0);
  put_be16(p, off, code);
  p[off + 2] = 0x60;
  p[off + 3] = 8;
  put_be64(p, off + 4, value);
}

}  // namespace

TapeDriveTarget::TapeDriveTarget(TapeDriveSetup setup, CartridgeStore& store, FaultBook& faults, hal::Clock& clock)
    : SpcTarget(scsi::device_type::tape, true, setup.personality, setup.serial, setup.lun_count),
      setup_(std::move(setup)),
      store_(store),
      faults_(faults),
      speed_(setup_.speed, clock) {
  on(scsi::op::rewind, [this](const Command& c) { return rewind(c); });
  on(scsi::op::read_block_limits, [this](const Command& c) { return read_block_limits(c); });
  on(scsi::op::read6, [this](const Command& c) { return read6(c); });
  on(scsi::op::write6, [this](const Command& c) { return write6(c); });
  on(scsi::op::write_filemarks6, [this](const Command& c) { return write_filemarks(c); });
  on(scsi::op::space6, [this](const Command& c) { return space(c); });
  on(scsi::op::erase6, [this](const Command& c) { return erase(c); });
  on(scsi::op::load_unload, [this](const Command& c) { return load_unload(c); });
  if (!setup_.quirks.no_locate) on(scsi::op::locate10, [this](const Command& c) { return locate(c); });
  on(scsi::op::report_density_support, [this](const Command& c) { return report_density_support(c); });
  on(scsi::op::read_position, [this](const Command& c) { return read_position(c); });
  on(scsi::op::read_attribute, [this](const Command& c) { return read_attribute(c); });
  on(scsi::op::write_attribute, [this](const Command& c) { return write_attribute(c); });
  on(scsi::op::space16, [this](const Command& c) { return space(c); });
  if (!setup_.quirks.no_locate) on(scsi::op::locate16, [this](const Command& c) { return locate(c); });
}

TapeDriveTarget::~TapeDriveTarget() {
  std::lock_guard g(lock_);
  if (medium_) (void)medium_->sync();
}

std::uint64_t TapeDriveTarget::early_warning_for(std::uint64_t capacity) const {
  if (setup_.early_warning_bytes) return std::min(setup_.early_warning_bytes, capacity);
  // Automatic: 1/32 of the cartridge, at least 1 MiB and two maximum-size
  // blocks (room to close a tape file), at most 1 GiB; never all of it.
  std::uint64_t ew = std::clamp<std::uint64_t>(capacity / 32, std::max<std::uint64_t>(1u << 20, 2ull * setup_.max_block), 1ull << 30);
  return std::min(ew, capacity / 2);
}

Status TapeDriveTarget::insert(const std::string& barcode, bool power_on, bool threaded) {
  std::lock_guard g(lock_);
  if (cart_) return Error(Errc::element_full, "drive " + serial() + " already holds " + cart_->barcode);
  CartridgeInfo info = TG_TRY(store_.get(barcode));
  if (!info.cleaning()) {
    if (lto_can_read(setup_.generation.generation, info.generation) && (threaded || !power_on)) {
      medium_ = TG_TRY(store_.open_medium(barcode));
      threaded_ = true;
    }
  } else {
    // A cleaning cartridge cleans the heads and stays unthreaded.
    cleaning_requested_ = false;
    clear_alert(scsi::tape_alert::clean_now);
    if (cleaned_observer_ && !power_on) cleaned_observer_();
  }
  if (!power_on) {
    ++info.load_count;
    TG_CHECK(store_.put(info));
    queue_unit_attention_locked(asc::not_ready_to_ready_change);
  }
  cart_ = std::move(info);
  pos_ = 0;
  return {};
}

Status TapeDriveTarget::unthread() {
  speed_.drain();
  Status s = flush();
  threaded_ = false;
  pos_ = 0;
  return s;
}

Result<std::string> TapeDriveTarget::remove() {
  std::lock_guard g(lock_);
  if (!cart_) return Error(Errc::element_empty, "drive " + serial() + " is empty");
  if (SpcTarget::removal_prevented_locked())
    return Error(Errc::busy, "drive " + serial() + ": medium removal prevented");
  Status s = unthread();
  medium_.reset();
  std::string barcode = cart_->barcode;
  cart_.reset();
  if (ejected_observer_) ejected_observer_(false);
  if (!s.ok()) return std::move(s).error();
  return barcode;
}

std::optional<std::string> TapeDriveTarget::cartridge() const {
  std::lock_guard g(lock_);
  if (!cart_) return std::nullopt;
  return cart_->barcode;
}

void TapeDriveTarget::set_write_protected(const std::string& barcode, bool on) {
  std::lock_guard g(lock_);
  if (cart_ && cart_->barcode == barcode) cart_->write_protected = on;
}

void TapeDriveTarget::request_cleaning() {
  std::lock_guard g(lock_);
  cleaning_requested_ = true;
  raise_alert(scsi::tape_alert::clean_now);
}

DriveStats TapeDriveTarget::stats() const {
  std::lock_guard g(lock_);
  return {speed_.backhitches(), bytes_written_, bytes_read_, speed_.current_mbps(), speed_.stalls()};
}

std::vector<std::uint8_t> TapeDriveTarget::log_pages_supported() const {
  using namespace scsi::log_page;
  if (answers_speed_page()) return {write_errors, read_errors, sequential_access, tape_alert, tapegate_counters};
  return {write_errors, read_errors, sequential_access, tape_alert};
}

bool TapeDriveTarget::answers_speed_page() const {
  // Page 0x30 is vendor specific: a drive playing another vendor (a quirk
  // personality) must not answer it, or the host would read its own
  // vendor's layout into our counters.
  return setup_.personality.vendor == scsi::kDriveCountersVendor;
}

std::optional<Condition> TapeDriveTarget::not_ready() const {
  if (!cart_) return Condition::medium_not_present();
  if (cart_->cleaning()) return Condition::of(key::not_ready, asc::cleaning_cartridge_installed);
  // A generation the drive cannot read stays unthreaded.
  if (!lto_can_read(setup_.generation.generation, cart_->generation))
    return Condition::of(key::not_ready, asc::incompatible_medium_installed);
  if (!threaded_) return Condition::medium_not_present();
  return std::nullopt;
}

Status TapeDriveTarget::flush() {
  if (medium_ && setup_.sync_on_flush) return medium_->sync();
  return {};
}

Condition TapeDriveTarget::io_failure(const Error& e) {
  // The backing file failed: to the host this is the drive failing.
  (void)e;
  raise_alert(scsi::tape_alert::write_failure);  // hardware trouble
  return Condition::of(key::hardware_error, asc::internal_target_failure);
}

std::uint64_t TapeDriveTarget::offset_at(std::uint64_t position) const {
  if (!medium_) return 0;
  return position < medium_->object_count() ? medium_->object(position).offset : medium_->bytes_used();
}

bool TapeDriveTarget::beyond_early_warning(std::uint64_t bytes) const {
  return cart_ && bytes > cart_->capacity_bytes - early_warning_for(cart_->capacity_bytes);
}

std::optional<Condition> TapeDriveTarget::write_protected_check() {
  if (cart_ && !lto_can_write(setup_.generation.generation, cart_->generation))
    return Condition::of(key::data_protect, asc::cannot_write_incompatible_format);
  if (cart_ && (cart_->write_protected || faults_.write_protected(cart_->barcode))) {
    raise_alert(scsi::tape_alert::write_protect);
    return Condition::of(key::data_protect, asc::write_protected);
  }
  return std::nullopt;
}

std::uint8_t TapeDriveTarget::mode_device_specific() const {
  // SSC-4 8.3.3: bit 7 WP, bits 6-4 buffered mode 1.
  const bool wp = cart_ && (cart_->write_protected || faults_.write_protected(cart_->barcode));
  return static_cast<std::uint8_t>((wp ? 0x80 : 0x00) | 0x10);
}

std::optional<std::array<std::uint8_t, 8>> TapeDriveTarget::block_descriptor() const {
  std::array<std::uint8_t, 8> bd{};
  if (cart_ && !cart_->cleaning())
    if (auto g = lto_generation(cart_->generation)) bd[0] = g->density_code;
  put_be24(bd, 5, block_size_);
  return bd;
}

bool TapeDriveTarget::mode_page(std::uint8_t page, PageControl pc, std::vector<std::uint8_t>& out) const {
  const bool mask = pc == PageControl::changeable;
  const bool defaults = pc == PageControl::defaults;
  std::size_t off = out.size();
  if (page == scsi::mode_page::data_compression) {  // SSC-4 8.3.2
    out.resize(off + 16, 0);
    out[off] = scsi::mode_page::data_compression;
    out[off + 1] = 0x0E;
    if (mask) {
      out[off + 2] = 0x80;  // DCE is changeable
      return true;
    }
    const bool dce = defaults ? true : compression_;
    out[off + 2] = static_cast<std::uint8_t>((dce ? 0x80 : 0) | 0x40);  // DCE, DCC (capable)
    out[off + 3] = 0x80;                                                 // DDE
    put_be32(out, off + 4, 0x00000001);                                  // compression algorithm
    put_be32(out, off + 8, 0x00000001);                                  // decompression algorithm
    return true;
  }
  if (page == scsi::mode_page::device_configuration) {  // SSC-4 8.3.3
    out.resize(off + 16, 0);
    out[off] = scsi::mode_page::device_configuration;
    out[off + 1] = 0x0E;
    if (mask) return true;
    out[off + 8] = 0x40;   // BIS: block identifiers supported
    out[off + 10] = 0x18;  // EEG, SEW: early warning generated and reported on write
    out[off + 14] = 0x01;  // select data compression algorithm
    return true;
  }
  return false;
}

std::optional<Condition> TapeDriveTarget::mode_select(const ModeSelectData& data) {
  std::optional<std::uint32_t> new_block;
  std::optional<bool> new_compression;
  if (data.block_descriptor) {
    const auto& bd = *data.block_descriptor;
    const auto base = static_cast<std::uint16_t>(data.block_descriptor_offset);
    // Density: 0 = keep; otherwise it must be what the drive writes.
    if (bd[0] != 0 && bd[0] != setup_.generation.density_code && bd[0] != 0x7F)
      return Condition::invalid_param_field(base);
    const std::uint32_t len = get_be24(bd, 5);
    if (len > setup_.max_block) return Condition::invalid_param_field(static_cast<std::uint16_t>(base + 5));
    new_block = len;
  }
  for (const auto& [off, p] : data.pages) {
    const std::uint8_t code = p[0] & 0x3F;
    const auto o = static_cast<std::uint16_t>(off);
    if (code == scsi::mode_page::data_compression) {
      if (p[1] != 0x0E) return Condition::invalid_param_field(static_cast<std::uint16_t>(o + 1));
      new_compression = (p[2] & 0x80) != 0;
    } else if (code == scsi::mode_page::device_configuration) {
      if (p[1] != 0x0E) return Condition::invalid_param_field(static_cast<std::uint16_t>(o + 1));
    } else {
      return Condition::invalid_param_field(o, 5);
    }
  }
  // Only now that the whole list is valid: SPC-4 says a rejected MODE
  // SELECT changes nothing.
  if (new_block) block_size_ = *new_block;
  if (new_compression) compression_ = *new_compression;
  return std::nullopt;
}

bool TapeDriveTarget::log_page(std::uint8_t page, std::vector<std::uint8_t>& p) {
  switch (page) {
    case scsi::log_page::write_errors:
    case scsi::log_page::read_errors: {
      const bool w = page == scsi::log_page::write_errors;
      put_counter(p, 0x0003, 0);                                 // total errors corrected
      put_counter(p, 0x0005, w ? bytes_written_ : bytes_read_);  // total bytes processed
      put_counter(p, 0x0006, w ? write_errors_ : read_errors_);  // total uncorrected errors
      return true;
    }
    case scsi::log_page::sequential_access:
      put_counter(p, 0x0000, bytes_written_);  // data bytes received from initiators
      put_counter(p, 0x0001, bytes_written_);  // data bytes written to media (no compression modelled)
      put_counter(p, 0x0002, bytes_read_);     // data bytes read from media
      put_counter(p, 0x0003, bytes_read_);     // data bytes transferred to initiators
      return true;
    case scsi::log_page::tape_alert:  // SSC-4 8.2.3: 64 one-byte flags, cleared once read
      for (std::uint16_t f = 1; f <= 64; ++f) {
        p.insert(p.end(), {static_cast<std::uint8_t>(f >> 8), static_cast<std::uint8_t>(f), 0x00, 0x01,
                           static_cast<std::uint8_t>(alerts_.test(f - 1u) ? 1 : 0)});
      }
      alerts_.reset();
      if (cleaning_requested_) raise_alert(scsi::tape_alert::clean_now);  // persists until a cleaning cartridge is loaded
      return true;
    case scsi::log_page::tapegate_counters:  // vendor specific (board/README.md "LOG SENSE page 0x30"): the speed model
      if (!answers_speed_page()) return false;
      put_counter(p, 0x0000, speed_.backhitches());
      put_counter(p, 0x0001, speed_.current_mbps());
      put_counter(p, 0x0002, speed_.stalls());
      return true;
    default:
      return false;
  }
}

}  // namespace tg::sim
