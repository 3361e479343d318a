#include "drivers/tape_drive.hpp"

#include <algorithm>
#include <array>

#include "drivers/device_identity.hpp"
#include "drivers/ready_wait.hpp"
#include "drivers/tape_conditions.hpp"
#include "drivers/scsi/asc.hpp"
#include "drivers/scsi/attributes.hpp"
#include "drivers/scsi/block_limits.hpp"
#include "drivers/scsi/cdb_spc.hpp"
#include "drivers/scsi/cdb_ssc.hpp"
#include "drivers/scsi/mode_pages.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "drivers/scsi/tape_alert.hpp"

namespace tg::drivers {
namespace {

using namespace tape_conditions;

// Any 3A/xx: MEDIUM NOT PRESENT, whatever the tray or loader state.
bool medium_absent(const Error& e) { return e.code == Errc::not_ready && e.asc == scsi::asc::medium_not_present.asc; }

std::string n(std::uint64_t v) { return std::to_string(v); }

}  // namespace

TapeDrive::TapeDrive(hal::ScsiTransport& transport, std::string name)
    : transport_(transport), name_(std::move(name)), lun_(transport, "drive " + name_) {}

Result<Completion> TapeDrive::run(const char* op, std::span<const std::uint8_t> cdb, hal::DataDirection direction,
                                  std::span<const std::uint8_t> out, std::span<std::uint8_t> in,
                                  std::chrono::milliseconds timeout) {
  // A reconnect below us may have reset the drive's position: until the
  // caller re-establishes it, nothing may be written (see write()).
  if (transport_.take_position_lost()) {
    position_lost_ = true;
    tracked_position_.reset();
  }
  auto r = lun_.run(op, cdb, direction, out, in, timeout);
  if (!r) {
    // A command that did not complete (timeout, lost link) may have moved the tape.
    tracked_position_.reset();
    if (r.error().code == Errc::connection_lost) position_lost_ = true;
  }
  return r;
}

Status TapeDrive::run_no_data(const char* op, std::span<const std::uint8_t> cdb, std::chrono::milliseconds timeout) {
  Completion c = TG_TRY(run(op, cdb, hal::DataDirection::none, {}, {}, timeout));
  if (!c.good()) return lun_.sense_error(op, *c.sense);
  return {};
}

Status TapeDrive::refuse_if_position_lost(const char* op) {
  if (transport_.take_position_lost()) {
    position_lost_ = true;
    tracked_position_.reset();
  }
  if (position_lost_)
    return lun_.error(Errc::position_lost, op,
                      "the tape position was lost (connection reset); rewind or locate before writing");
  return {};
}

void TapeDrive::advance(std::uint64_t objects) {
  if (tracked_position_) *tracked_position_ += objects;
}

Result<DeviceIdentity> TapeDrive::identify() { return identify_device(lun_); }

Status TapeDrive::test_unit_ready() { return run_no_data("TEST UNIT READY", scsi::test_unit_ready(), timeouts::quick); }

Status TapeDrive::wait_ready(std::chrono::milliseconds timeout) { return wait_ready(timeout, hal::system_clock()); }

Status TapeDrive::wait_ready(std::chrono::milliseconds timeout, hal::Clock& clock) {
  // A unit attention may mean a different cartridge: the count is void.
  return wait_until_ready(lun_, timeout, clock, [this] { tracked_position_.reset(); });
}

Status TapeDrive::load() {
  TG_CHECK(run_no_data("LOAD", scsi::load_unload(true, false), timeouts::motion));
  tracked_position_ = 0;  // a load leaves the tape at the beginning of partition 0
  return {};
}

Status TapeDrive::unload() {
  tracked_position_.reset();
  return run_no_data("UNLOAD", scsi::load_unload(false, false), timeouts::motion);
}

Status TapeDrive::rewind() {
  TG_CHECK(run_no_data("REWIND", scsi::rewind(false), timeouts::motion));
  tracked_position_ = 0;
  position_lost_ = false;
  return {};
}

Result<BlockLimits> TapeDrive::block_limits() {
  std::array<std::uint8_t, 6> buf{};
  Completion c = TG_TRY(run("READ BLOCK LIMITS", scsi::read_block_limits(), hal::DataDirection::from_device, {}, buf,
                            timeouts::quick));
  if (!c.good()) return lun_.sense_error("READ BLOCK LIMITS", *c.sense);
  auto d = scsi::parse_block_limits(std::span<const std::uint8_t>(buf).first(c.transferred));
  if (!d) return lun_.error(Errc::parse_error, "READ BLOCK LIMITS", d.error().message);
  return BlockLimits{.granularity = d->granularity, .max_block = d->max_length, .min_block = d->min_length};
}

Result<std::vector<std::uint8_t>> TapeDrive::mode_sense(std::uint8_t page, bool dbd) {
  std::vector<std::uint8_t> buf(255);
  const auto cdb = scsi::mode_sense6(page, static_cast<std::uint8_t>(buf.size()), dbd);
  Completion c = TG_TRY(run("MODE SENSE", cdb, hal::DataDirection::from_device, {}, buf, timeouts::quick));
  if (!c.good()) return lun_.sense_error("MODE SENSE", *c.sense);
  buf.resize(c.transferred);
  return buf;
}

Result<MediumInfo> TapeDrive::medium_info() {
  MediumInfo info;
  Status ready = test_unit_ready();
  if (!ready.ok() && !medium_absent(ready.error())) return std::move(ready).error();
  info.present = ready.ok();

  // Page 0x0F with the block descriptor: density, block size, write
  // protect and compression in one command. Drives without the
  // compression page get the header and descriptor alone (page 0x3F).
  auto data = mode_sense(scsi::mode_page::data_compression, false);
  bool have_compression_page = data.ok();
  if (!data && data.error().code == Errc::illegal_request) data = mode_sense(scsi::mode_page::all, false);
  if (!data) return std::move(data).error();
  auto m = scsi::parse_mode_sense6(*data);
  if (!m) return lun_.error(Errc::parse_error, "MODE SENSE", m.error().message);
  info.write_protected = m->write_protected();
  // LTO drives report WORM cartridges with medium type 01h in the header.
  info.worm = info.present && m->medium_type == 0x01;
  if (m->block) {
    info.density_code = m->block->density_code;
    info.block_size = m->block->block_length;
    block_size_ = info.block_size;
  }
  if (info.present) info.density_name = scsi::density_name(info.density_code);
  if (have_compression_page) {
    auto page = scsi::find_mode_page(m->pages, scsi::mode_page::data_compression);
    if (page) {
      auto cp = scsi::parse_compression_page(*page);
      if (!cp) return lun_.error(Errc::parse_error, "MODE SENSE", cp.error().message);
      info.compression = cp->dce;
    }
  }
  return info;
}

Status TapeDrive::set_block_size(std::uint32_t bytes) {
  if (bytes > scsi::kMax24)
    return lun_.error(Errc::invalid_argument, "MODE SELECT", "block size " + n(bytes) + " exceeds 16 MiB - 1");
  // Keep the density and the buffered mode the drive has now: MODE SELECT
  // replaces both, and unbuffered writes would stop the drive streaming.
  auto data = TG_TRY(mode_sense(scsi::mode_page::data_compression, false));
  auto m = scsi::parse_mode_sense6(data);
  if (!m) return lun_.error(Errc::parse_error, "MODE SENSE", m.error().message);
  const std::uint8_t density = m->block ? m->block->density_code : 0;
  std::array<std::uint8_t, scsi::kBlockDescriptorSelectLength> list{};
  const std::size_t len =
      scsi::build_block_descriptor_select(list, density, bytes, static_cast<std::uint8_t>((m->device_specific >> 4) & 7));
  const auto cdb = scsi::mode_select6(static_cast<std::uint8_t>(len));
  Completion c = TG_TRY(run("MODE SELECT", cdb, hal::DataDirection::to_device, list, {}, timeouts::quick));
  if (!c.good()) return lun_.sense_error("MODE SELECT", *c.sense);
  block_size_ = bytes;
  return {};
}

Status TapeDrive::set_compression(bool on) {
  auto data = mode_sense(scsi::mode_page::data_compression, true);
  if (!data) {
    if (data.error().code == Errc::illegal_request)
      return lun_.error(Errc::unsupported, "MODE SENSE", "the drive has no data compression page");
    return std::move(data).error();
  }
  auto m = scsi::parse_mode_sense6(*data);
  if (!m) return lun_.error(Errc::parse_error, "MODE SENSE", m.error().message);
  auto page = scsi::find_mode_page(m->pages, scsi::mode_page::data_compression);
  if (!page) return lun_.error(Errc::unsupported, "MODE SENSE", page.error().message);
  auto cp = scsi::parse_compression_page(*page);
  if (!cp) return lun_.error(Errc::parse_error, "MODE SENSE", cp.error().message);
  if (on && !cp->dcc) return lun_.error(Errc::unsupported, "MODE SELECT", "the drive is not capable of compression");
  std::array<std::uint8_t, scsi::kCompressionSelectLength> list{};
  auto len = scsi::build_compression_select(list, *page, on);
  if (!len) return lun_.error(Errc::parse_error, "MODE SELECT", len.error().message);
  const auto cdb = scsi::mode_select6(static_cast<std::uint8_t>(*len));
  Completion c = TG_TRY(run("MODE SELECT", cdb, hal::DataDirection::to_device, list, {}, timeouts::quick));
  if (!c.good()) return lun_.sense_error("MODE SELECT", *c.sense);
  return {};
}

Status TapeDrive::prevent_removal(bool prevent) {
  return run_no_data(prevent ? "PREVENT MEDIUM REMOVAL" : "ALLOW MEDIUM REMOVAL",
                     scsi::prevent_allow_medium_removal(prevent), timeouts::quick);
}

Status TapeDrive::erase(bool long_erase) {
  static constexpr const char* op = "ERASE";
  TG_CHECK(refuse_if_position_lost(op));
  // ERASE works from the current position to the end of the partition.
  TG_CHECK(run_no_data(op, scsi::erase6(long_erase, false), long_erase ? timeouts::long_erase : timeouts::short_erase));
  return {};
}

Result<std::optional<Bytes>> TapeDrive::log_page(const char* op, std::uint8_t page, std::span<std::uint8_t> buf) {
  const auto cdb = scsi::log_sense(page, buf.size());
  Completion c = TG_TRY(run(op, cdb, hal::DataDirection::from_device, {}, buf, timeouts::log_or_mam));
  if (!c.good()) {
    if (c.sense->key == key::illegal_request) return std::optional<Bytes>{};
    return lun_.sense_error(op, *c.sense);
  }
  return std::optional<Bytes>(Bytes(buf).first(c.transferred));
}

Result<std::vector<TapeAlert>> TapeDrive::tape_alerts() {
  static constexpr const char* op = "LOG SENSE";
  // 64 parameters of 5 bytes after a 4-byte header.
  std::array<std::uint8_t, 4 + 64 * 5> buf{};
  auto reply = TG_TRY(log_page(op, scsi::log_page::tape_alert, buf));
  if (!reply) return lun_.error(Errc::unsupported, op, "the drive has no TapeAlert log page");
  auto mask = scsi::parse_tape_alert_page(*reply);
  if (!mask) return lun_.error(Errc::parse_error, op, mask.error().message);
  std::vector<TapeAlert> alerts;
  for (std::uint8_t flag = 1; flag <= 64; ++flag) {
    if (!(*mask & (std::uint64_t{1} << (flag - 1)))) continue;
    const auto& f = scsi::tape_alert_flag(flag);
    alerts.push_back(TapeAlert{.flag = flag, .name = f.name, .severity = scsi::alert_severity_name(f.severity)});
  }
  std::lock_guard lk(readings_mu_);
  last_.tape_alerts = alerts;
  return alerts;
}

Result<std::optional<scsi::SequentialAccessCounters>> TapeDrive::data_counters() {
  static constexpr const char* op = "LOG SENSE 0x0C";
  std::array<std::uint8_t, 4 + 8 * 12> buf{};
  auto reply = TG_TRY(log_page(op, scsi::log_page::sequential_access, buf));
  if (!reply) return std::optional<scsi::SequentialAccessCounters>{};
  auto counters = scsi::parse_sequential_access_page(*reply);
  if (!counters) return lun_.error(Errc::parse_error, op, counters.error().message);
  std::lock_guard lk(readings_mu_);
  last_.data = *counters;
  return std::optional<scsi::SequentialAccessCounters>(*counters);
}

DriveReadings TapeDrive::last_readings() const {
  std::lock_guard lk(readings_mu_);
  return last_;
}

Result<std::optional<scsi::DriveCounters>> TapeDrive::drive_counters() {
  static constexpr const char* op = "LOG SENSE 0x30";
  if (!has_counters_page_) {
    // Vendor pages (0x30-0x3E) mean what each vendor says: read ours only
    // from the drive that speaks it.
    auto id = TG_TRY(identify());
    has_counters_page_ = id.vendor == scsi::kDriveCountersVendor;
  }
  if (!*has_counters_page_) return std::optional<scsi::DriveCounters>{};
  std::array<std::uint8_t, 4 + 8 * 12> buf{};
  auto reply = TG_TRY(log_page(op, scsi::log_page::tapegate_counters, buf));
  if (!reply) {  // a TAPEGATE personality without the speed page (a quirk board)
    has_counters_page_ = false;
    return std::optional<scsi::DriveCounters>{};
  }
  auto counters = scsi::parse_drive_counters_page(*reply);
  if (!counters) return lun_.error(Errc::parse_error, op, counters.error().message);
  std::lock_guard lk(readings_mu_);
  last_.counters = *counters;
  return std::optional<scsi::DriveCounters>(*counters);
}

Result<std::vector<MamAttribute>> TapeDrive::mam_attributes() {
  static constexpr const char* op = "READ ATTRIBUTE";
  // LTO cartridges hold a few KiB of attributes; ask again with the size
  // the drive reports when that was not enough.
  std::vector<std::uint8_t> buf(8192);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto cdb = scsi::read_attribute(scsi::attribute_action::values, 0, static_cast<std::uint32_t>(buf.size()));
    Completion c = TG_TRY(run(op, cdb, hal::DataDirection::from_device, {}, buf, timeouts::log_or_mam));
    if (!c.good()) {
      // No MAM on this drive or cartridge: tolerated (field lessons: tools
      // that crash here are a known failure).
      if (c.sense->key == key::illegal_request) return std::vector<MamAttribute>{};
      return lun_.sense_error(op, *c.sense);
    }
    auto list = scsi::parse_attribute_values(std::span<const std::uint8_t>(buf).first(c.transferred));
    if (!list) return lun_.error(Errc::parse_error, op, list.error().message);
    if (list->truncated && attempt == 0 && list->available + 4u <= (1u << 20)) {
      buf.assign(list->available + 4u, 0);
      continue;
    }
    std::vector<MamAttribute> out;
    for (const auto& a : list->attributes)
      out.push_back(MamAttribute{.id = a.id, .name = scsi::attribute_name(a.id), .value = scsi::attribute_value_text(a)});
    return out;
  }
  return lun_.error(Errc::internal, op, "attribute list kept growing");
}

}  // namespace tg::drivers
