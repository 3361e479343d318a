// READ BLOCK LIMITS, READ(6), WRITE(6), WRITE FILEMARKS(6), ERASE(6):
// SSC-4 7.x, with the sense a real LTO drive gives at filemarks, end of
// data, incorrect lengths, early warning and the physical end.
#include <algorithm>
#include <string>
#include <string_view>

#include "board/sim/tape_drive_target.hpp"
#include "hal/bytes.hpp"

namespace tg::sim {

hal::TargetReply TapeDriveTarget::read_block_limits(const Command& c) {
  if (c.cdb[1] & 0x01) return check_condition(Condition::invalid_cdb_field(1, 0));  // MLOI not offered
  std::array<std::uint8_t, 6> d{};
  d[0] = 0;  // granularity 2^0
  put_be24(d, 1, setup_.max_block);
  put_be16(d, 4, 1);
  return reply_data(d, d.size(), c.data_in);
}

hal::TargetReply TapeDriveTarget::report_density_support(const Command& c) {
  const bool media = c.cdb[1] & 0x01;
  if (c.cdb[1] & 0x02) return check_condition(Condition::invalid_cdb_field(1, 1));  // MEDIUM TYPE reports not offered
  const std::size_t alloc = get_be16(c.cdb, 7);
  std::vector<int> gens;
  if (media) {
    // The mounted medium's density (SSC-4 6.6: MEDIA=1 needs a medium).
    if (!cart_) return check_condition(Condition::medium_not_present());
    gens.push_back(cart_->generation);
  } else {
    for (int g = 5; g <= 10; ++g)
      if (lto_can_read(setup_.generation.generation, g)) gens.push_back(g);
  }
  std::vector<std::uint8_t> d(4, 0);
  for (int g : gens) {
    const auto gen = lto_generation(g);
    if (!gen) continue;
    const std::size_t o = d.size();
    d.resize(o + 52, 0);
    d[o] = d[o + 1] = gen->density_code;
    const bool writes = lto_can_write(setup_.generation.generation, g);
    d[o + 2] = static_cast<std::uint8_t>((writes ? 0x80 : 0) | (g == setup_.generation.generation ? 0x20 : 0) | 0x01);  // WRTOK, DEFLT, DLV
    put_be16(d, o + 8, 127);  // media width, 0.1 mm: half-inch tape
    // Capacity in 10^6 bytes: the mounted cartridge's, else the nominal one.
    const std::uint64_t mb = media ? cart_->capacity_bytes / 1000000 : gen->native_capacity_mb;
    put_be32(d, o + 12, static_cast<std::uint32_t>(std::min<std::uint64_t>(mb, 0xFFFFFFFF)));
    auto text = [&](std::size_t at, std::string_view s, std::size_t width) {
      for (std::size_t i = 0; i < width; ++i) d[o + at + i] = static_cast<std::uint8_t>(i < s.size() ? s[i] : ' ');
    };
    text(16, "LTO-CVE", 8);
    text(24, gen->name, 8);
    text(32, std::string("Ultrium ") + std::string(gen->name), 20);
  }
  put_be16(d, 0, static_cast<std::uint16_t>(d.size() - 2));
  return reply_data(d, alloc, c.data_in);
}

hal::TargetReply TapeDriveTarget::write6(const Command& c) {
  const bool fixed = c.cdb[1] & 0x01;
  const std::uint32_t count = get_be24(c.cdb, 2);
  if (c.cdb[1] & 0x02) return check_condition(Condition::invalid_cdb_field(1, 1));  // reserved
  if (auto nr = not_ready()) return check_condition(*nr);
  if (fixed && block_size_ == 0) return check_condition(Condition::invalid_cdb_field(1, 0));
  if (!fixed && count > setup_.max_block) return check_condition(Condition::invalid_cdb_field(2));
  if (count == 0) return good();
  const std::uint32_t block = fixed ? block_size_ : count;
  const std::uint32_t blocks = fixed ? count : 1;
  if (c.data_out.size() < std::uint64_t{block} * blocks) return check_condition(Condition::invalid_cdb_field(2));
  if (auto wp = write_protected_check()) return check_condition(*wp);

  std::uint32_t done = 0;
  // The residue is counted in the unit of the transfer length (SSC-4 7.11).
  auto untransferred = [&] { return fixed ? std::int64_t{blocks - done} : std::int64_t{block}; };
  for (; done < blocks; ++done) {
    if (faults_.medium_error(cart_->barcode, pos_, true)) {
      ++write_errors_;
      raise_alert(scsi::tape_alert::hard_error);
      raise_alert(scsi::tape_alert::media);
      Condition e = Condition::of(key::medium_error, asc::write_error);
      e.information = untransferred();
      return check_condition(e, std::size_t{done} * block);
    }
    // At the physical end the block does not fit: VOLUME OVERFLOW, EOM,
    // nothing of it written (SSC-4 4.2.5).
    if (offset_at(pos_) + block > cart_->capacity_bytes) {
      Condition e = Condition::of(key::volume_overflow, asc::end_of_partition_medium);
      e.eom = true;
      e.information = untransferred();
      return check_condition(e, std::size_t{done} * block);
    }
    if (pos_ < medium_->object_count())
      if (Status s = medium_->truncate(pos_); !s.ok()) return check_condition(io_failure(s.error()));
    if (Status s = medium_->append_block(c.data_out.subspan(std::size_t{done} * block, block)); !s.ok())
      return check_condition(io_failure(s.error()));
    ++pos_;
    bytes_written_ += block;
    speed_.transfer(block);
  }
  if (beyond_early_warning(medium_->bytes_used())) {
    // Early warning: the data is on tape; the host should finish up.
    Condition ew = Condition::of(key::no_sense, asc::end_of_partition_medium);
    ew.eom = true;
    ew.information = 0;
    return check_condition(ew, std::size_t{blocks} * block);
  }
  return good(std::size_t{blocks} * block);
}

hal::TargetReply TapeDriveTarget::read6(const Command& c) {
  const bool fixed = c.cdb[1] & 0x01;
  const bool sili = c.cdb[1] & 0x02;
  const std::uint32_t count = get_be24(c.cdb, 2);
  if (fixed && sili) return check_condition(Condition::invalid_cdb_field(1, 1));
  if (auto nr = not_ready()) return check_condition(*nr);
  if (fixed && block_size_ == 0) return check_condition(Condition::invalid_cdb_field(1, 0));
  if (count == 0) return good();
  const std::uint32_t want = fixed ? block_size_ : count;
  const std::uint32_t blocks = fixed ? count : 1;
  std::size_t moved = 0;
  for (std::uint32_t done = 0; done < blocks; ++done) {
    const std::int64_t residue = fixed ? std::int64_t{blocks - done} : std::int64_t{count};
    if (pos_ >= medium_->object_count()) {
      Condition e = Condition::of(key::blank_check, asc::end_of_data_detected);
      e.information = residue;
      return check_condition(e, moved);
    }
    const TapeObject& o = medium_->object(pos_);
    if (o.filemark) {
      ++pos_;  // positioned after the filemark, on its end-of-medium side
      Condition e = Condition::of(key::no_sense, asc::filemark_detected);
      e.filemark = true;
      e.information = residue;
      return check_condition(e, moved);
    }
    if (faults_.medium_error(cart_->barcode, pos_, false)) {
      ++pos_;
      ++read_errors_;
      raise_alert(scsi::tape_alert::hard_error);
      raise_alert(scsi::tape_alert::media);
      Condition e = Condition::of(key::medium_error, asc::unrecovered_read_error);
      e.information = residue;
      return check_condition(e, moved);
    }
    auto room = c.data_in.size() > moved ? c.data_in.subspan(moved) : std::span<std::uint8_t>{};
    room = room.first(std::min<std::size_t>(room.size(), want));
    auto got = medium_->read_block(pos_, room);
    if (!got.ok()) return check_condition(io_failure(got.error()));
    if (faults_.corrupt(cart_->barcode, pos_)) {
      // Silent corruption: the bytes differ, the drive says GOOD.
      const std::size_t n = std::min<std::size_t>(*got, 16);
      for (std::size_t k = 0; k < n; ++k) room[(*got - n) / 2 + k] ^= 0xFF;
    }
    const std::size_t copied = *got;
    ++pos_;
    moved += copied;
    bytes_read_ += copied;
    speed_.transfer(copied);
    if (o.length != want) {
      // Incorrect length (SSC-4 4.2.20 / 7.5): INFORMATION = requested -
      // actual, negative for an over-length block whose tail is lost. A
      // short block with SILI set ends GOOD with a residual instead.
      if (!fixed && sili && o.length < want) return good(moved);
      Condition e = Condition::of(key::no_sense, asc::no_additional_sense);
      e.ili = true;
      // Fixed mode: the residue counts the incorrect-length block too.
      e.information = fixed ? std::int64_t{blocks - done} : std::int64_t{want} - std::int64_t{o.length};
      if (fixed) moved -= copied;
      return check_condition(e, moved);
    }
  }
  return good(moved);
}

hal::TargetReply TapeDriveTarget::write_filemarks(const Command& c) {
  const bool immed = c.cdb[1] & 0x01;
  if (c.cdb[1] & 0x02) return check_condition(Condition::invalid_cdb_field(1, 1));  // WSMK: no setmarks
  const std::uint32_t count = get_be24(c.cdb, 2);
  if (auto nr = not_ready()) return check_condition(*nr);
  if (count > 0) {
    if (auto wp = write_protected_check()) return check_condition(*wp);
    if (offset_at(pos_) >= cart_->capacity_bytes) {
      Condition e = Condition::of(key::volume_overflow, asc::end_of_partition_medium);
      e.eom = true;
      e.information = count;
      return check_condition(e);
    }
    if (pos_ < medium_->object_count())
      if (Status s = medium_->truncate(pos_); !s.ok()) return check_condition(io_failure(s.error()));
    for (std::uint32_t i = 0; i < count; ++i) {
      if (Status s = medium_->append_filemark(); !s.ok()) return check_condition(io_failure(s.error()));
      ++pos_;
    }
  }
  if (!immed) {
    // IMMED=0: the command ends when the buffer is on the medium (SSC-4
    // 7.12); a count of 0 is the way to ask for just that. The tape stops
    // where the data ends: the next write costs a backhitch.
    speed_.stop(count > 0);
    if (Status s = flush(); !s.ok()) return check_condition(io_failure(s.error()));
  }
  if (count > 0 && beyond_early_warning(medium_->bytes_used())) {
    Condition ew = Condition::of(key::no_sense, asc::end_of_partition_medium);
    ew.eom = true;
    ew.information = 0;
    return check_condition(ew);
  }
  return good();
}

hal::TargetReply TapeDriveTarget::erase(const Command& c) {
  if (auto nr = not_ready()) return check_condition(*nr);
  if (auto wp = write_protected_check()) return check_condition(*wp);
  // Short and long erase both leave end of data at the current position;
  // the long form only costs time on a real drive.
  speed_.drain();
  if (Status s = medium_->truncate(pos_); !s.ok()) return check_condition(io_failure(s.error()));
  (void)c;
  return good();
}

}  // namespace tg::sim
