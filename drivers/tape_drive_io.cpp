// TapeDrive's data and positioning commands: WRITE, WRITE FILEMARKS, READ,
// SPACE, READ POSITION, and the tracked position they keep (LOCATE:
// tape_drive_locate.cpp).
#include <algorithm>
#include <array>
#include <cstdlib>

#include "drivers/scsi/cdb_ssc.hpp"
#include "drivers/scsi/read_position.hpp"
#include "drivers/tape_conditions.hpp"
#include "drivers/tape_drive.hpp"

namespace tg::drivers {
namespace {
using namespace tape_conditions;
std::string n(std::uint64_t v) { return std::to_string(v); }
}  // namespace

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

Result<WriteStatus> TapeDrive::write_filemarks(std::uint32_t count) { return write_filemarks(count, false); }

Result<WriteStatus> TapeDrive::write_filemarks_buffered(std::uint32_t count) { return write_filemarks(count, true); }

Result<WriteStatus> TapeDrive::write_filemarks(std::uint32_t count, bool immediate) {
  static constexpr const char* op = "WRITE FILEMARKS";
  TG_CHECK(refuse_if_position_lost(op));
  if (count > scsi::kMax24) return lun_.error(Errc::invalid_argument, op, n(count) + " filemarks in one command");
  // IMMED=0: the command returns once the buffered data and the marks are
  // on the medium, which is what makes a tape file durable. IMMED=1
  // (SSC-4 6.10): it returns once the command is validated; the marks are
  // written in stream order with the data around them.
  Completion c = TG_TRY(run(op, scsi::write_filemarks6(count, immediate), hal::DataDirection::none, {}, {},
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

}  // namespace tg::drivers
