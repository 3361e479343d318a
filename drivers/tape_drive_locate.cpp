// LOCATE (SSC-4 7.3/7.4), and what stands in for it on drives that have
// none (tgt, old DDS drives, some VTLs): REWIND and SPACE blocks forward.
#include <algorithm>
#include <cstdlib>

#include "drivers/scsi/cdb_ssc.hpp"
#include "drivers/tape_conditions.hpp"
#include "drivers/tape_drive.hpp"

namespace tg::drivers {
namespace {
using namespace tape_conditions;
std::string n(std::uint64_t v) { return std::to_string(v); }
constexpr const char* kLocate = "LOCATE";
}  // namespace

Status TapeDrive::locate(std::uint64_t logical_object) {
  if (!has_locate_) return locate_by_spacing(logical_object);
  Completion c = TG_TRY(logical_object <= 0xFFFFFFFFu
                            ? run(kLocate, scsi::locate10(static_cast<std::uint32_t>(logical_object), false),
                                  hal::DataDirection::none, {}, {}, timeouts::motion)
                            : run(kLocate, scsi::locate16(logical_object, false), hal::DataDirection::none, {}, {},
                                  timeouts::motion));
  if (c.good()) {
    tracked_position_ = logical_object;
    position_lost_ = false;
    return {};
  }
  const Sense& s = *c.sense;
  if (is_invalid_opcode(s)) {
    // The command does not exist here, so nothing moved: the tracked
    // position still holds and spacing can start from it. Any other
    // refusal (a bad field, a partition) is a real error, never emulated.
    has_locate_ = false;
    if (notice_)
      notice_(lun_.who() + " has no LOCATE command (" + scsi::describe(s) +
              "); positioning with REWIND and SPACE blocks from now on");
    return locate_by_spacing(logical_object);
  }
  // A failed LOCATE leaves the tape somewhere (often at end of data).
  tracked_position_.reset();
  return lun_.sense_error(kLocate, s);
}

Status TapeDrive::rewind_for_locate() {
  // Not rewind(): a locate that fails must not clear position_lost_.
  TG_CHECK(run_no_data("REWIND", scsi::rewind(false), timeouts::motion));
  tracked_position_ = 0;
  return {};
}

// SPACE blocks forward from the tracked position, understanding both ways a
// drive counts (field notes):
//  - SSC: spacing stops just after a filemark (FILEMARK, INFORMATION = the
//    blocks not spaced), so (count - residual) blocks + 1 filemark were
//    crossed; at end of data BLANK CHECK 00/05 with the residual.
//  - tgt: filemarks count as blocks (GOOD = count objects crossed); end of
//    data is NO SENSE 00/05 without a residual, reported also when the last
//    object spaced over lands exactly on end of data.
// So every run ends with a SPACE of one object after one that completed:
// an end of data without a residual there means the target is end of data
// itself (where an append starts); anywhere else it lies before the target.
Status TapeDrive::locate_by_spacing(std::uint64_t target) {
  const std::string what = "locating object " + n(target) + " with SPACE (the drive has no LOCATE)";
  auto lost = [&](const std::string& why) -> Error {
    tracked_position_.reset();
    return lun_.error(Errc::position_lost, kLocate, why + "; rewind or locate again");
  };
  auto beyond = [&](const std::string& where) -> Error {
    return lun_.error(Errc::blank_check, kLocate, "object " + n(target) + " is beyond end of data (" + where + ")");
  };

  bool rewound = false;
  if (!tracked_position_ || *tracked_position_ > target) {
    if (auto r = rewind_for_locate(); !r) return std::move(r).error().with_context(what);
    rewound = true;
  }
  // Set once a SPACE in this run completed short of end of data: the
  // position is then known to lie before it.
  bool before_eod = false;
  while (*tracked_position_ < target) {
    const std::uint64_t pos = *tracked_position_;
    const std::uint64_t remaining = target - pos;
    const auto count = static_cast<std::int32_t>(
        remaining == 1 ? 1 : std::min<std::uint64_t>(remaining - 1, static_cast<std::uint64_t>(scsi::kSpace6Max)));
    auto r = run("SPACE", scsi::space6(scsi::SpaceCode::blocks, count), hal::DataDirection::none, {}, {},
                 timeouts::motion);
    if (!r) return std::move(r).error().with_context(what);
    if (!tracked_position_) return lost("the connection was reset while spacing to object " + n(target));
    if (r->good()) {
      *tracked_position_ = pos + static_cast<std::uint64_t>(count);
      before_eod = true;
      continue;
    }
    const Sense& s = *r->sense;
    const std::int64_t residual = s.information_valid ? std::llabs(s.information) : -1;
    const bool informative = s.key == key::no_sense || s.key == key::recovered_error;
    if (is_filemark(s) && informative && !is_end_of_data(s)) {
      if (residual < 1 || residual > count)
        return lost("SPACE stopped at a filemark without a usable residual (" + scsi::describe(s) + ")");
      *tracked_position_ = pos + static_cast<std::uint64_t>(count - residual) + 1;
      before_eod = true;
      continue;
    }
    if (is_end_of_data(s)) {
      if (residual >= 0 && residual <= count) {
        const std::uint64_t eod = pos + static_cast<std::uint64_t>(count - residual);
        *tracked_position_ = eod;
        if (eod == target) break;
        return beyond("end of data at object " + n(eod));
      }
      if (remaining == 1 && before_eod) {
        *tracked_position_ = target;  // the last object crossed landed on end of data: the target
        break;
      }
      if (remaining == 1 && !rewound && target >= 2) {
        // Started right before the target, so the tape may already have been
        // at end of data: count again from the beginning, where the last
        // step follows one that completed.
        if (auto rw = rewind_for_locate(); !rw) return std::move(rw).error().with_context(what);
        rewound = true;
        continue;
      }
      tracked_position_.reset();
      if (remaining == 1) return beyond("end of data at object " + n(pos) + " or " + n(target));
      return beyond("end of data at or before object " + n(pos + static_cast<std::uint64_t>(count)));
    }
    tracked_position_.reset();
    return lun_.sense_error("SPACE", s).with_context(what);
  }
  position_lost_ = false;
  return {};
}

}  // namespace tg::drivers
