// SPACE(6)/(16), LOCATE(10)/(16), READ POSITION, REWIND, LOAD UNLOAD
// (SSC-4 7.x). Positions are logical object numbers: blocks and filemarks
// both count, BOP is 0 and end of data is the number of objects recorded.
#include <algorithm>

#include "board/sim/tape_drive_target.hpp"
#include "hal/bytes.hpp"

namespace tg::sim {
namespace {

std::int64_t sign_extend24(std::uint32_t v) {
  return (v & 0x800000) ? static_cast<std::int64_t>(v) - 0x1000000 : static_cast<std::int64_t>(v);
}

}  // namespace

hal::TargetReply TapeDriveTarget::space(const Command& c) {
  const bool sixteen = c.cdb[0] == scsi::op::space16;
  const auto code = static_cast<scsi::SpaceCode>(c.cdb[1] & 0x0F);
  std::int64_t count = 0;
  if (sixteen) {
    if (get_be16(c.cdb, 12) != 0) return check_condition(Condition::invalid_cdb_field(12));  // parameter length
    count = static_cast<std::int64_t>(get_be64(c.cdb, 4));
  } else {
    count = sign_extend24(get_be24(c.cdb, 2));
  }
  // Sequential filemarks (2) and setmarks (4) are not offered.
  if (code != scsi::SpaceCode::blocks && code != scsi::SpaceCode::filemarks && code != scsi::SpaceCode::end_of_data)
    return check_condition(Condition::invalid_cdb_field(1, 3));
  if (auto nr = not_ready()) return check_condition(*nr);
  speed_.drain();
  return space_objects(count, code);
}

hal::TargetReply TapeDriveTarget::space_objects(std::int64_t count, scsi::SpaceCode code) {
  const std::uint64_t eod = medium_->object_count();
  if (code == scsi::SpaceCode::end_of_data) {
    pos_ = eod;
    return good();
  }
  // Residue: requested minus actually spaced, signed like the count (SSC-4 7.9).
  auto stop = [&](Condition e, std::int64_t spaced) {
    e.information = count - spaced;
    return check_condition(e);
  };
  Condition fm = Condition::of(key::no_sense, asc::filemark_detected);
  fm.filemark = true;
  const Condition at_eod = Condition::of(key::blank_check, asc::end_of_data_detected);
  Condition at_bop = Condition::of(key::no_sense, asc::beginning_of_partition_medium);
  at_bop.eom = true;
  if (code == scsi::SpaceCode::blocks && setup_.quirks.space_counts_filemarks) return space_blocks_counting_filemarks(count);
  if (code == scsi::SpaceCode::blocks) {
    for (std::int64_t done = 0; done < count; ++done) {
      if (pos_ >= eod) return stop(at_eod, done);
      if (medium_->object(pos_++).filemark) return stop(fm, done);  // after the filemark
    }
    for (std::int64_t done = 0; done > count; --done) {
      if (pos_ == 0) return stop(at_bop, done);
      if (medium_->object(pos_ - 1).filemark) {
        --pos_;  // on the beginning-of-medium side of the filemark
        return stop(fm, done);
      }
      --pos_;
    }
    return good();
  }
  // filemarks
  for (std::int64_t done = 0; done < count;) {
    if (pos_ >= eod) return stop(at_eod, done);
    if (medium_->object(pos_++).filemark) ++done;
  }
  for (std::int64_t done = 0; done > count;) {
    if (pos_ == 0) return stop(at_bop, done);
    if (medium_->object(--pos_).filemark) --done;  // stops before the filemark
  }
  return good();
}

hal::TargetReply TapeDriveTarget::space_blocks_counting_filemarks(std::int64_t count) {
  // As tgt does it: each step moves one object, filemark or block, and
  // arriving at end of data ends the command there, residual unreported.
  const std::uint64_t eod = medium_->object_count();
  for (; count > 0; --count) {
    if (pos_ < eod) ++pos_;
    if (pos_ >= eod) return check_condition(Condition::of(key::no_sense, asc::end_of_data_detected));
  }
  for (; count < 0; ++count) {
    if (pos_ == 0) return check_condition(Condition::of(key::no_sense, asc::beginning_of_partition_medium));
    --pos_;
  }
  return good();
}

hal::TargetReply TapeDriveTarget::locate(const Command& c) {
  const bool sixteen = c.cdb[0] == scsi::op::locate16;
  const bool cp = c.cdb[1] & 0x02;
  std::uint64_t target = 0;
  std::uint8_t dest_type = 0;
  std::uint8_t partition = 0;
  if (sixteen) {
    dest_type = (c.cdb[1] >> 3) & 0x07;
    partition = c.cdb[3];
    target = get_be64(c.cdb, 4);
    if (dest_type != 0 && dest_type != 1 && dest_type != 3) return check_condition(Condition::invalid_cdb_field(1, 5));
  } else {
    target = get_be32(c.cdb, 3);
    partition = c.cdb[8];
  }
  // One partition: a change-partition request to any other is invalid.
  if (cp && partition != 0) return check_condition(Condition::invalid_cdb_field(sixteen ? 3 : 8));
  if (auto nr = not_ready()) return check_condition(*nr);
  speed_.drain();
  const std::uint64_t eod = medium_->object_count();
  if (dest_type == 3) {
    pos_ = eod;
    return good();
  }
  if (dest_type == 1) {
    // Logical file identifier F: just after the F-th filemark (0 = BOP).
    if (target == 0) {
      pos_ = 0;
      return good();
    }
    std::uint64_t seen = 0;
    for (std::uint64_t i = 0; i < eod; ++i)
      if (medium_->object(i).filemark && ++seen == target) {
        pos_ = i + 1;
        return good();
      }
    pos_ = eod;
    return check_condition(Condition::of(key::blank_check, asc::end_of_data_detected));
  }
  if (target > eod) {
    // Beyond end of data: the drive stops there (SSC-4 7.6).
    pos_ = eod;
    return check_condition(Condition::of(key::blank_check, asc::end_of_data_detected));
  }
  pos_ = target;
  return good();
}

hal::TargetReply TapeDriveTarget::read_position(const Command& c) {
  const std::uint8_t sa = c.cdb[1] & 0x1F;
  const std::size_t alloc = get_be16(c.cdb, 7);
  if (sa != 0x00 && sa != 0x01 && sa != 0x06 && sa != 0x08) return check_condition(Condition::invalid_cdb_field(1, 4));
  if (auto nr = not_ready()) return check_condition(*nr);
  if (setup_.quirks.no_position) {
    // tgt: a zeroed reply whose first byte is its length: short form 0x14
    // (LOLU and BYCU set), long form 0x20 (object 0, BOP clear); no extended form.
    if (sa == 0x08) return check_condition(Condition::invalid_cdb_field(1, 4));
    std::array<std::uint8_t, 32> z{};
    const std::size_t len = sa == 0x06 ? 32 : 20;
    z[0] = static_cast<std::uint8_t>(len);
    return reply_data(std::span(z).first(len), alloc ? alloc : len, c.data_in);
  }
  const bool bop = pos_ == 0;
  const bool eop = beyond_early_warning(offset_at(pos_));  // between early warning and the end
  std::array<std::uint8_t, 32> d{};
  if (sa == 0x06) {  // long form
    d[0] = static_cast<std::uint8_t>((bop ? 0x80 : 0) | (eop ? 0x40 : 0));
    put_be32(d, 4, 0);  // partition
    put_be64(d, 8, pos_);
    put_be64(d, 16, medium_->filemarks_before(pos_));  // logical file identifier
    return reply_data(d, alloc ? alloc : 32, c.data_in);
  }
  if (sa == 0x08) {  // extended form
    d[0] = static_cast<std::uint8_t>((bop ? 0x80 : 0) | (eop ? 0x40 : 0));
    put_be16(d, 2, 0x1C);
    put_be64(d, 8, pos_);   // first logical object location
    put_be64(d, 16, pos_);  // last: nothing is held back in the buffer
    return reply_data(d, alloc ? alloc : 32, c.data_in);
  }
  // Short form (20 bytes). Block numbers beyond 32 bits are not reportable
  // here: LOCU says so and the host must use the long form.
  const bool unknown = pos_ > 0xFFFFFFFFull;
  d[0] = static_cast<std::uint8_t>((bop ? 0x80 : 0) | (eop ? 0x40 : 0) | (unknown ? 0x24 : 0));
  if (!unknown) {
    put_be32(d, 4, static_cast<std::uint32_t>(pos_));
    put_be32(d, 8, static_cast<std::uint32_t>(pos_));
  }
  // SSC-3 and earlier left the allocation length zero for the short form.
  return reply_data(std::span(d).first(20), alloc ? alloc : 20, c.data_in);
}

hal::TargetReply TapeDriveTarget::rewind(const Command& c) {
  (void)c;  // IMMED: the simulated rewind is complete either way
  if (auto nr = not_ready()) return check_condition(*nr);
  speed_.drain();
  if (Status s = flush(); !s.ok()) return check_condition(io_failure(s.error()));
  pos_ = 0;
  return good();
}

hal::TargetReply TapeDriveTarget::load_unload(const Command& c) {
  const bool load = c.cdb[4] & 0x01;
  const bool eot = c.cdb[4] & 0x04;
  if (load && eot) return check_condition(Condition::invalid_cdb_field(4, 2));
  if (!cart_) return check_condition(Condition::medium_not_present());
  // 30/xx: a cleaning cartridge or an incompatible one, which LOAD cannot thread.
  if (auto nr = not_ready(); nr && nr->asc == asc::incompatible_medium_installed.asc) return check_condition(*nr);
  if (load) {
    if (!threaded_) {
      auto m = store_.open_medium(cart_->barcode);
      if (!m.ok()) return check_condition(io_failure(m.error()));
      medium_ = std::move(*m);
      threaded_ = true;
      if (ejected_observer_) ejected_observer_(false);
    } else {
      speed_.drain();
    }
    pos_ = 0;
    return good();
  }
  if (removal_prevented_locked()) return check_condition(Condition::illegal(asc::medium_removal_prevented));
  if (!threaded_) return good();
  Status s = unthread();
  medium_.reset();
  if (ejected_observer_) ejected_observer_(true);
  if (!s.ok()) return check_condition(io_failure(s.error()));
  return good();
}

}  // namespace tg::sim
