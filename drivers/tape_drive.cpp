#include "drivers/tape_drive.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "drivers/device_identity.hpp"
#include "drivers/ready_wait.hpp"
#include "drivers/scsi/attributes.hpp"
#include "drivers/scsi/block_limits.hpp"
#include "drivers/scsi/cdb_spc.hpp"
#include "drivers/scsi/cdb_ssc.hpp"
#include "drivers/scsi/mode_pages.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "drivers/scsi/read_position.hpp"
#include "drivers/scsi/tape_alert.hpp"

namespace tg::drivers {
namespace {

using scsi::Sense;
namespace key = scsi::sense_key;

// SSC-4 4.2.5: early warning is reported on a write that completed as
// NO SENSE (or RECOVERED ERROR) with EOM set, ASC/ASCQ 00/02
// (end-of-partition/medium) or 00/07 (programmable early warning). tgt
// reports 00/00 with EOM at its end (field notes): the block is written.
bool is_early_warning(const Sense& s) {
  if (s.key != key::no_sense && s.key != key::recovered_error) return false;
  return s.eom || (s.asc == 0x00 && (s.ascq == 0x02 || s.ascq == 0x07));
}

bool is_filemark(const Sense& s) { return s.filemark || (s.asc == 0x00 && s.ascq == 0x01); }
bool is_end_of_data(const Sense& s) {
  return s.key == key::blank_check || (s.asc == 0x00 && s.ascq == 0x05);
}
bool is_beginning(const Sense& s) { return s.asc == 0x00 && s.ascq == 0x04; }
bool medium_absent(const Error& e) { return e.code == Errc::not_ready && e.asc == 0x3A; }

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

Result<WriteStatus> TapeDrive::write(std::span<const std::uint8_t> block) {
  static constexpr const char* op = "WRITE";
  TG_CHECK(refuse_if_position_lost(op));
  if (block.empty()) return lun_.error(Errc::invalid_argument, op, "empty block");
  const bool fixed = block_size_ != 0;
  if (fixed && block.size() % block_size_ != 0)
    return lun_.error(Errc::invalid_argument, op,
                      n(block.size()) + " bytes is not a whole number of " + n(block_size_) + "-byte blocks");
  const std::uint64_t length = fixed ? block.size() / block_size_ : block.size();
  if (length > scsi::kMax24)
    return lun_.error(Errc::invalid_argument, op, n(block.size()) + " bytes exceed one WRITE(6)");
  const std::uint64_t objects = fixed ? length : 1;

  Completion c = TG_TRY(run(op, scsi::write6(static_cast<std::uint32_t>(length), fixed),
                            hal::DataDirection::to_device, block, {}, timeouts::read_write));
  if (c.good()) {
    advance(objects);
    return WriteStatus{};
  }
  const Sense& s = *c.sense;
  if (s.deferred) {
    // A deferred error belongs to data the drive had already acknowledged
    // (SPC-4 4.5.5): earlier blocks may not be on tape. Never "written".
    tracked_position_.reset();
    return lun_.sense_error(op, s);
  }
  if (s.key == key::recovered_error && !is_early_warning(s)) {
    advance(objects);  // completed, with recovery the drive handled itself
    return WriteStatus{};
  }
  if (is_early_warning(s)) {
    // Buffered drives accept the whole write at early warning; a residual
    // means part of it is not on tape, which the caller must know.
    if (s.information_valid && s.information > 0) {
      tracked_position_.reset();
      return lun_.error(Errc::volume_overflow, op,
                        "early warning with " + n(static_cast<std::uint64_t>(s.information)) + (fixed ? " blocks" : " bytes") +
                            " not transferred: " + scsi::describe(s));
    }
    advance(objects);
    return WriteStatus{.early_warning = true};
  }
  if (s.key == key::volume_overflow) {
    // SSC-4 4.2.6: nothing past the physical end was written. In fixed
    // mode VALID + information tells how many blocks were not.
    if (fixed && s.information_valid && s.information >= 0 && static_cast<std::uint64_t>(s.information) <= length)
      advance(length - static_cast<std::uint64_t>(s.information));
    else if (fixed)
      tracked_position_.reset();
    Error e = lun_.sense_error(op, s);
    e.code = Errc::volume_overflow;
    return e;
  }
  tracked_position_.reset();
  return lun_.sense_error(op, s);
}

Result<WriteStatus> TapeDrive::write_filemarks(std::uint32_t count) {
  static constexpr const char* op = "WRITE FILEMARKS";
  TG_CHECK(refuse_if_position_lost(op));
  if (count > scsi::kMax24) return lun_.error(Errc::invalid_argument, op, n(count) + " filemarks in one command");
  // IMMED=0: the command returns once the buffered data and the marks are
  // on the medium, which is what makes a tape file durable.
  Completion c = TG_TRY(run(op, scsi::write_filemarks6(count, false), hal::DataDirection::none, {}, {},
                            timeouts::read_write));
  if (c.good()) {
    advance(count);
    return WriteStatus{};
  }
  const Sense& s = *c.sense;
  if (!s.deferred && s.key == key::recovered_error && !is_early_warning(s)) {
    advance(count);
    return WriteStatus{};
  }
  if (!s.deferred && is_early_warning(s) && !(s.information_valid && s.information > 0)) {
    advance(count);
    return WriteStatus{.early_warning = true};
  }
  tracked_position_.reset();
  Error e = lun_.sense_error(op, s);
  if (s.key == key::volume_overflow || is_early_warning(s)) e.code = Errc::volume_overflow;
  return e;
}

Result<ReadStatus> TapeDrive::read(std::span<std::uint8_t> buf) {
  static constexpr const char* op = "READ";
  if (buf.empty()) return lun_.error(Errc::invalid_argument, op, "empty buffer");
  const bool fixed = block_size_ != 0;
  if (fixed && buf.size() % block_size_ != 0)
    return lun_.error(Errc::invalid_argument, op,
                      "buffer of " + n(buf.size()) + " bytes is not a whole number of " + n(block_size_) + "-byte blocks");
  const std::uint64_t length = fixed ? buf.size() / block_size_ : buf.size();
  if (length > scsi::kMax24) return lun_.error(Errc::invalid_argument, op, n(buf.size()) + " bytes exceed one READ(6)");

  // SILI=0: the drive must tell us (ILI) when a block is not the size asked for.
  Completion c = TG_TRY(run(op, scsi::read6(static_cast<std::uint32_t>(length), fixed, false),
                            hal::DataDirection::from_device, {}, buf, timeouts::read_write));
  if (c.good()) {
    advance(fixed ? length : 1);
    const std::size_t got = std::min(c.transferred, buf.size());
    return ReadStatus{.kind = ReadKind::data, .length = got, .block_length = fixed ? block_size_ : got};
  }
  const Sense& s = *c.sense;
  // Objects the command got through before it stopped (fixed mode: the
  // information field holds the blocks not read, SSC-4 6.4).
  const auto done_fixed = [&]() -> std::uint64_t {
    if (!s.information_valid || s.information < 0 || static_cast<std::uint64_t>(s.information) > length) return 0;
    return length - static_cast<std::uint64_t>(s.information);
  };

  if (s.deferred || s.key == key::medium_error || s.key == key::hardware_error) {
    tracked_position_.reset();
    return lun_.sense_error(op, s);
  }
  if (s.key == key::recovered_error && !s.filemark && !s.eom && !s.ili && !is_end_of_data(s) &&
      !is_filemark(s)) {
    advance(fixed ? length : 1);  // data read, with recovery the drive handled itself
    const std::size_t got = std::min(c.transferred, buf.size());
    return ReadStatus{.kind = ReadKind::data, .length = got, .block_length = fixed ? block_size_ : got};
  }
  if (is_filemark(s) && (s.key == key::no_sense || s.key == key::recovered_error)) {
    // The drive stops after the filemark (SSC-4 6.4): it is one logical object.
    const std::uint64_t blocks = fixed ? done_fixed() : 0;
    advance(blocks + 1);
    return ReadStatus{.kind = ReadKind::filemark, .length = static_cast<std::size_t>(blocks * block_size_)};
  }
  if (is_end_of_data(s)) {
    // Position stays at end of data; in fixed mode blocks before it count.
    const std::uint64_t blocks = fixed ? done_fixed() : 0;
    advance(blocks);
    return ReadStatus{.kind = ReadKind::end_of_data, .length = static_cast<std::size_t>(blocks * block_size_)};
  }
  if (s.ili && (s.key == key::no_sense || s.key == key::recovered_error)) {
    if (fixed) {
      // A block whose length differs from the mode's fixed length.
      tracked_position_.reset();
      return lun_.error(Errc::check_condition, op,
                        "block length differs from the fixed block size " + n(block_size_) + ": " + scsi::describe(s));
    }
    advance(1);  // the drive is positioned after the block either way
    if (!s.information_valid) {
      const std::size_t got = std::min(c.transferred, buf.size());
      return ReadStatus{.kind = ReadKind::data, .length = got, .truncated = false, .block_length = 0};
    }
    if (s.information > 0) {
      // Short block: information = requested - actual.
      const auto missing = static_cast<std::uint64_t>(s.information);
      if (missing > buf.size())
        return lun_.error(Errc::check_condition, op, "ILI residual " + n(missing) + " exceeds the " + n(buf.size()) +
                                                         "-byte request: " + scsi::describe(s));
      const std::size_t got = buf.size() - static_cast<std::size_t>(missing);
      return ReadStatus{.kind = ReadKind::data, .length = got, .block_length = got};
    }
    // Negative: the block was longer than the buffer; the rest is lost.
    const std::uint64_t extra = static_cast<std::uint64_t>(-s.information);
    return ReadStatus{.kind = ReadKind::data, .length = buf.size(), .truncated = true,
                      .block_length = buf.size() + static_cast<std::size_t>(extra)};
  }
  if (s.eom && (s.key == key::no_sense || s.key == key::recovered_error)) {
    // Past early warning, reads still return data; with nothing moved the
    // drive is at the end of the partition.
    if (c.transferred > 0) {
      advance(fixed ? length : 1);
      return ReadStatus{.kind = ReadKind::data, .length = std::min(c.transferred, buf.size()),
                        .block_length = std::min(c.transferred, buf.size())};
    }
    return ReadStatus{.kind = ReadKind::end_of_data};
  }
  tracked_position_.reset();
  return lun_.sense_error(op, s);
}

Result<SpaceStatus> TapeDrive::space(SpaceCode code, std::int32_t count) {
  static constexpr const char* op = "SPACE";
  const auto scode = static_cast<scsi::SpaceCode>(static_cast<std::uint8_t>(code));
  Completion c = TG_TRY(count >= scsi::kSpace6Min && count <= scsi::kSpace6Max
                            ? run(op, scsi::space6(scode, count), hal::DataDirection::none, {}, {}, timeouts::motion)
                            : run(op, scsi::space16(scode, count), hal::DataDirection::none, {}, {}, timeouts::motion));
  const bool blocks = code == SpaceCode::blocks;
  if (c.good()) {
    // Spacing blocks moves by exactly count objects; over filemarks or to
    // end of data the number of blocks passed is unknown.
    if (blocks && tracked_position_ && (count >= 0 || static_cast<std::uint64_t>(-static_cast<std::int64_t>(count)) <= *tracked_position_))
      *tracked_position_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(*tracked_position_) + count);
    else
      tracked_position_.reset();
    return SpaceStatus{};
  }
  const Sense& s = *c.sense;
  SpaceStatus st;
  // SSC-4 7.9 / 6.7: information = requested count - actual count, in the
  // count's direction; reported as a magnitude by some drives.
  const std::int64_t magnitude = s.information_valid ? std::llabs(s.information) : 0;
  st.residual = count < 0 ? -magnitude : magnitude;
  if (is_beginning(s) && (s.key == key::no_sense || s.key == key::recovered_error)) {
    st.hit_beginning = true;
    tracked_position_ = 0;
    return st;
  }
  if (is_filemark(s) && (s.key == key::no_sense || s.key == key::recovered_error)) {
    st.hit_filemark = true;
    // Spacing blocks stops on the far side of the filemark (forward: after it).
    if (blocks && tracked_position_ && s.information_valid) {
      const std::int64_t moved = count - st.residual;
      const std::int64_t pos = static_cast<std::int64_t>(*tracked_position_) + moved + (count >= 0 ? 1 : -1);
      if (pos >= 0) *tracked_position_ = static_cast<std::uint64_t>(pos);
      else tracked_position_.reset();
    } else {
      tracked_position_.reset();
    }
    return st;
  }
  if (is_end_of_data(s)) {
    st.hit_end_of_data = true;
    if (blocks && tracked_position_ && s.information_valid && count >= 0)
      advance(static_cast<std::uint64_t>(count - st.residual));
    else
      tracked_position_.reset();
    return st;
  }
  tracked_position_.reset();
  return lun_.sense_error(op, s);
}

Result<std::uint64_t> TapeDrive::position() {
  // Long form first (64-bit object numbers); drives without it get the short form.
  if (long_position_supported_.value_or(true)) {
    std::array<std::uint8_t, 32> buf{};
    Completion c = TG_TRY(run("READ POSITION", scsi::read_position(scsi::ReadPositionForm::long_form),
                              hal::DataDirection::from_device, {}, buf, timeouts::quick));
    if (c.good()) {
      long_position_supported_ = true;
      auto p = scsi::parse_read_position_long(std::span<const std::uint8_t>(buf).first(c.transferred));
      if (!p) return lun_.error(Errc::parse_error, "READ POSITION", p.error().message);
      if (p->logical_object) {
        tracked_position_ = *p->logical_object;
        return *p->logical_object;
      }
    } else if (c.sense->key == key::illegal_request) {
      long_position_supported_ = false;
    } else {
      return lun_.sense_error("READ POSITION", *c.sense);
    }
  }
  if (!long_position_supported_.value_or(true)) {
    std::array<std::uint8_t, 20> buf{};
    Completion c = TG_TRY(run("READ POSITION", scsi::read_position(scsi::ReadPositionForm::short_form),
                              hal::DataDirection::from_device, {}, buf, timeouts::quick));
    if (!c.good()) {
      if (c.sense->key != key::illegal_request) return lun_.sense_error("READ POSITION", *c.sense);
    } else {
      auto p = scsi::parse_read_position_short(std::span<const std::uint8_t>(buf).first(c.transferred));
      if (!p) return lun_.error(Errc::parse_error, "READ POSITION", p.error().message);
      if (p->logical_object) {
        tracked_position_ = *p->logical_object;
        return *p->logical_object;
      }
    }
  }
  // The device does not know (tgt after I/O, field notes): our own count.
  if (tracked_position_) return *tracked_position_;
  return lun_.error(Errc::position_lost, "READ POSITION",
                    "the drive does not report its position and the driver's count was lost; rewind or locate");
}

Status TapeDrive::locate(std::uint64_t logical_object) {
  Completion c = TG_TRY(logical_object <= 0xFFFFFFFFu
                            ? run("LOCATE", scsi::locate10(static_cast<std::uint32_t>(logical_object), false),
                                  hal::DataDirection::none, {}, {}, timeouts::motion)
                            : run("LOCATE", scsi::locate16(logical_object, false), hal::DataDirection::none, {}, {},
                                  timeouts::motion));
  if (!c.good()) {
    // A failed LOCATE leaves the tape somewhere (often at end of data).
    tracked_position_.reset();
    return lun_.sense_error("LOCATE", *c.sense);
  }
  tracked_position_ = logical_object;
  position_lost_ = false;
  return {};
}

Status TapeDrive::erase(bool long_erase) {
  static constexpr const char* op = "ERASE";
  TG_CHECK(refuse_if_position_lost(op));
  // ERASE works from the current position to the end of the partition.
  TG_CHECK(run_no_data(op, scsi::erase6(long_erase, false), long_erase ? timeouts::long_erase : timeouts::short_erase));
  return {};
}

Result<std::vector<TapeAlert>> TapeDrive::tape_alerts() {
  // 64 parameters of 5 bytes after a 4-byte header.
  std::array<std::uint8_t, 4 + 64 * 5> buf{};
  const auto cdb = scsi::log_sense(scsi::log_page::tape_alert, buf.size());
  Completion c = TG_TRY(run("LOG SENSE", cdb, hal::DataDirection::from_device, {}, buf, timeouts::log_or_mam));
  if (!c.good()) {
    if (c.sense->key == key::illegal_request)
      return lun_.error(Errc::unsupported, "LOG SENSE", "the drive has no TapeAlert log page");
    return lun_.sense_error("LOG SENSE", *c.sense);
  }
  auto mask = scsi::parse_tape_alert_page(std::span<const std::uint8_t>(buf).first(c.transferred));
  if (!mask) return lun_.error(Errc::parse_error, "LOG SENSE", mask.error().message);
  std::vector<TapeAlert> alerts;
  for (std::uint8_t flag = 1; flag <= 64; ++flag) {
    if (!(*mask & (std::uint64_t{1} << (flag - 1)))) continue;
    const auto& f = scsi::tape_alert_flag(flag);
    alerts.push_back(TapeAlert{.flag = flag, .name = f.name, .severity = scsi::alert_severity_name(f.severity)});
  }
  return alerts;
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
