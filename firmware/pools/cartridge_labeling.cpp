// Reading and writing volume labels on a loaded cartridge, the `label`
// command, and preparing an allocated cartridge for a backup job.
#include <vector>

#include "firmware/pools/append_position.hpp"
#include "firmware/pools/cartridge_mount.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/version.hpp"

namespace tg::firmware::pools {

using catalog::CartridgeState;
using format::MediumContent;

namespace {

// A genuine label is 2 KiB; a foreign block 0 may be far larger (it is
// reported truncated, which is enough to call it foreign).
constexpr std::size_t kLabelReadBuffer = 64 * 1024;

std::string describe(const format::VolumeLabel& l) {
  if (l.media_set.empty()) return "pool '" + l.pool + "', not in a media set";
  return "pool '" + l.pool + "', media set " + l.media_set + ", sequence " + std::to_string(l.sequence);
}

// Runs `body`; on failure still tries to take the cartridge home, and
// returns the body's error (the unload error only if the body succeeded).
template <class T, class F>
Result<T> then_unload(drivers::Library& lib, library::DriveLease& lease, F&& body) {
  Result<T> r = body();
  auto home = library::unload_cartridge(lib, lease);
  if (r.ok() && !home.ok()) return std::move(home).error();
  return r;
}

}  // namespace

Result<format::MediumClassification> read_medium_label(drivers::TapeDrive& drive) {
  TG_CHECK(drive.rewind());
  TG_CHECK(drive.set_block_size(0));  // variable: read block 0 whatever its size
  std::vector<std::uint8_t> buf(kLabelReadBuffer);
  auto r = drive.read(buf);
  if (!r) {
    // BLANK CHECK at block 0 (SSC-3 4.2.x): nothing was ever written.
    if (r.error().code == Errc::blank_check) return format::classify_medium(true, {});
    return std::move(r).error().with_context("reading block 0 on drive " + drive.name());
  }
  switch (r->kind) {
    case drivers::ReadKind::end_of_data: return format::classify_medium(true, {});
    case drivers::ReadKind::filemark:
      return format::MediumClassification{.content = MediumContent::foreign,
                                          .reason = "tape file 0 is empty (a filemark at block 0)"};
    case drivers::ReadKind::data: break;
  }
  return format::classify_medium(false, std::span<const std::uint8_t>(buf.data(), r->length));
}

Status write_label(catalog::Catalog& cat, drivers::TapeDrive& drive, const LabelWrite& w) {
  format::VolumeLabel label{.barcode = w.barcode, .pool = w.pool, .media_set = w.media_set, .sequence = w.sequence,
                            .format = tape_format_name(), .label_time = cat.clock().wall_seconds(),
                            .block_size = w.block_size, .host = w.host};
  auto bytes = TG_TRY(format::encode_volume_label(label));
  auto ctx = "writing the label of " + w.barcode + " on drive " + drive.name();
  auto step = [&](Status s) -> Status { return s ? s : std::move(s).error().with_context(ctx); };
  TG_CHECK(step(drive.rewind()));
  TG_CHECK(step(drive.set_block_size(0)));
  auto wr = drive.write(bytes);
  if (!wr) return std::move(wr).error().with_context(ctx);
  // IMMED=0: returns once the label is on the medium, only then recorded.
  // Buffered for a job: recorded at once, trusted only with the files after
  // it, which are committed after a sync that covers the label too; a crash
  // before that sync may leave the cartridge blank, which the rerun finds
  // (docs/tape-format.md, "Tape files and syncs").
  auto fm = w.sync ? drive.write_filemarks(1) : drive.write_filemarks_buffered(1);
  if (!fm) return std::move(fm).error().with_context(ctx);
  return cat.record_label(catalog::LabelRecord{.barcode = w.barcode, .pool = w.pool, .media_set = w.media_set,
                                               .sequence = w.sequence, .label_time = label.label_time,
                                               .format_version = label.format, .block_size = w.block_size});
}

Result<LabelOutcome> label_cartridge(catalog::Catalog& cat, library::DriveReservations& drives, const LabelRequest& req) {
  if (is_cleaning_barcode(req.barcode))
    return make_error(Errc::invalid_argument, "cartridge " + req.barcode + " is a cleaning cartridge");
  (void)TG_TRY(cat.pool(req.pool));
  (void)TG_TRY(cat.ensure_cartridge(req.barcode));
  auto lease = TG_TRY(drives.reserve(req.owner, std::nullopt, req.barcode));
  drivers::Library& lib = drives.library();
  TG_CHECK(library::load_cartridge(lib, lease, req.barcode));
  return then_unload<LabelOutcome>(lib, lease, [&]() -> Result<LabelOutcome> {
    auto& drive = lease.drive();
    auto info = TG_TRY(drive.medium_info());
    if (info.worm) TG_CHECK(cat.set_cartridge_worm(req.barcode, true));
    if (info.write_protected)
      return make_error(Errc::data_protect, "cartridge " + req.barcode + " is write-protected: slide its "
                                                                         "write-protect tab and retry");
    auto cls = TG_TRY(read_medium_label(drive));
    LabelOutcome out{.previous = cls.content};
    const std::string force_hint = "; 'label " + req.barcode + " --pool " + req.pool +
                                   " --force' overwrites it (its data will be lost)";
    if (cls.content == MediumContent::foreign) {
      out.previous_detail = cls.reason;
      if (info.worm)
        return make_error(Errc::data_protect, "cartridge " + req.barcode + " is WORM and holds foreign data: it "
                                                                           "can never be relabelled");
      TG_CHECK(cat.forget_content(req.barcode, CartridgeState::foreign, cls.reason));
      if (!req.force)
        return make_error(Errc::foreign_medium, "cartridge " + req.barcode + " holds data Tapegate did not write (" +
                                                    cls.reason + ")" + force_hint);
    } else if (cls.content == MediumContent::ours) {
      const auto& l = *cls.label;
      out.previous_detail = describe(l);
      auto known = TG_TRY(cat.find_cartridge(req.barcode));
      bool expired = known && known->state == CartridgeState::expired && known->media_set == l.media_set;
      bool holds_data = !l.media_set.empty() && !expired;
      if (info.worm && !l.media_set.empty())
        return make_error(Errc::data_protect, "cartridge " + req.barcode + " is WORM and holds data (" + describe(l) +
                                                  "): it can never be relabelled");
      if (l.pool != req.pool && !req.force)
        return make_error(Errc::foreign_medium, "cartridge " + req.barcode + " belongs to another pool (" +
                                                    describe(l) + ")" + force_hint);
      if (l.pool == req.pool && holds_data && !req.force)
        return make_error(Errc::foreign_medium, "cartridge " + req.barcode + " holds data of pool '" + l.pool +
                                                    "' that has not expired (" + describe(l) + ")" + force_hint);
    }
    TG_CHECK(write_label(cat, drive, LabelWrite{.barcode = req.barcode, .pool = req.pool, .media_set = "",
                                               .sequence = 0, .block_size = req.block_size, .host = req.host}));
    return out;
  });
}

Result<MountedForWrite> mount_for_write(catalog::Catalog& cat, library::DriveLease& lease, const Allocation& alloc,
                                        std::uint32_t block_size, const std::string& host) {
  drivers::Library& lib = lease.reservations().library();
  auto& drive = lease.drive();
  const std::string& bc = alloc.barcode;
  auto cart = TG_TRY(cat.cartridge(bc));
  if (!cart.pool && alloc.action == AllocationAction::append)
    return make_error(Errc::invalid_argument, "cartridge " + bc + " is not in a pool; it cannot be appended to");
  TG_CHECK(library::load_cartridge(lib, lease, bc));
  auto info = TG_TRY(drive.medium_info());
  if (info.worm) {
    TG_CHECK(cat.set_cartridge_worm(bc, true));
    return make_error(Errc::data_protect, "cartridge " + bc + " is WORM media, which backup pools do not use");
  }
  if (info.write_protected)
    return make_error(Errc::data_protect, "cartridge " + bc + " is write-protected: slide its write-protect tab");
  auto cls = TG_TRY(read_medium_label(drive));
  if (cls.content == MediumContent::foreign) {
    TG_CHECK(cat.forget_content(bc, CartridgeState::foreign, cls.reason));
    return make_error(Errc::foreign_medium, "cartridge " + bc + " holds data Tapegate did not write (" + cls.reason +
                                                "); it was marked foreign and will not be used");
  }
  auto out_of_date = [&](const std::string& found) -> Error {
    (void)cat.set_cartridge_state(bc, CartridgeState::unknown, "label on tape: " + found);
    return make_error(Errc::foreign_medium, "cartridge " + bc + ": the catalog is out of date (the tape says " +
                                                found + "); run 'inventory --read-labels'");
  };

  if (alloc.action == AllocationAction::append) {
    if (cls.content != MediumContent::ours) return out_of_date("blank");
    const auto& l = *cls.label;
    if (l.barcode != bc || l.media_set != alloc.media_set || l.sequence != alloc.sequence)
      return out_of_date("barcode " + l.barcode + ", " + describe(l));
    auto sp = drive.space(drivers::SpaceCode::end_of_data, 0);
    if (!sp) return std::move(sp).error().with_context("cartridge " + bc + ": spacing to end of data");
    std::uint32_t next = cart.last_file_number.value_or(0) + 1;
    auto files = TG_TRY(cat.tape_files_of_cartridge(bc));
    if (!files.empty()) next = std::max(next, files.back().file_number + 1);
    auto reported = drive.position();
    if (!reported && reported.error().code == Errc::position_lost) {
      // The drive cannot say which block end of data is (tgt): the catalog
      // can, once the tape is checked to end there.
      const std::uint64_t at = TG_TRY(position_at_catalog_end(cat, drive, bc, files));
      return MountedForWrite{.next_file_number = next, .position = at};
    }
    std::uint64_t pos = TG_TRY(std::move(reported));
    if (!files.empty()) {
      const auto& last = files.back();
      if (last.state != catalog::TapeFileState::closed) {
        // Left open by a crash. Usually its data ends at end of data without
        // a filemark: terminate it so the next tape file starts cleanly. But
        // the crash may have come after its filemark was written and before
        // the catalog heard of it: a second filemark would add an empty tape
        // file the catalog does not know, and every later file number on the
        // cartridge would be one off. So look at the last object first.
        bool closed_on_tape = false;
        if (pos > last.first_block) {
          // One block back from end of data: a filemark there stops the
          // SPACE and is reported (SSC-4 7.9). No LOCATE, which some
          // targets lack.
          const std::string what = "cartridge " + bc + ": looking at the end of an interrupted tape file";
          auto back = drive.space(drivers::SpaceCode::blocks, -1);
          if (!back) return std::move(back).error().with_context(what);
          closed_on_tape = back->hit_filemark;
          auto eod = drive.space(drivers::SpaceCode::end_of_data, 0);
          if (!eod) return std::move(eod).error().with_context(what);
          const std::uint64_t after = TG_TRY(drive.position());
          if (after != pos)
            return make_error(Errc::position_lost, "cartridge " + bc + ": at block " + std::to_string(after) +
                                                       " instead of end of data (block " + std::to_string(pos) +
                                                       ") after looking at the last object");
        }
        if (!closed_on_tape) {
          auto fm = drive.write_filemarks(1);
          if (!fm) return std::move(fm).error().with_context("cartridge " + bc + ": closing an interrupted tape file");
        }
        const std::uint64_t data_end = closed_on_tape ? pos - 1 : pos;
        TG_CHECK(cat.close_tape_file(last.id, data_end > last.first_block ? data_end - last.first_block : 0));
        pos = TG_TRY(drive.position());
      }
    }
    return MountedForWrite{.next_file_number = next, .position = pos};
  }

  // assign / reuse_expired: what the catalog promised must be what is there.
  if (cls.content == MediumContent::ours) {
    const auto& l = *cls.label;
    bool free_member = l.media_set.empty() && cart.pool == l.pool && l.barcode == bc;
    bool expired = cart.state == CartridgeState::expired && cart.media_set == l.media_set && l.barcode == bc;
    bool same_pool = cart.pool && l.pool == *cart.pool;
    if (!(same_pool && (free_member || expired))) return out_of_date("barcode " + l.barcode + ", " + describe(l));
  } else if (alloc.action == AllocationAction::reuse_expired) {
    // Blank although we thought it expired: fine, nothing to lose.
  }
  auto ms = TG_TRY(cat.media_set(alloc.media_set));
  TG_CHECK(write_label(cat, drive, LabelWrite{.barcode = bc, .pool = ms.pool, .media_set = alloc.media_set,
                                             .sequence = alloc.sequence, .block_size = block_size, .host = host,
                                             .sync = false}));
  std::uint64_t pos = TG_TRY(drive.position());
  return MountedForWrite{.next_file_number = 1, .position = pos};
}

}  // namespace tg::firmware::pools
