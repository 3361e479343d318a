#include "firmware/backup/backup_job.hpp"

#include <cstdio>
#include <map>
#include <tuple>

#include "firmware/backup/cartridge_session.hpp"
#include "firmware/backup/catalog_recorder.hpp"
#include "firmware/catalog/job_catalog_io.hpp"
#include "firmware/format/pax_header.hpp"
#include "firmware/format/sha256.hpp"
#include "firmware/library/unit_attention.hpp"
#include "firmware/pipeline/backup_stream.hpp"
#include "firmware/pools/cartridge_allocator.hpp"
#include "firmware/repository/repository_scan.hpp"
#include "hal/human_bytes.hpp"

namespace tg::firmware::backup {
namespace {

Status commit_tail_in(catalog::Catalog& cat, const std::optional<CatalogRecorder::UnsyncedTail>& tail) {
  if (!tail) return {};
  auto r = cat.commit_pieces_through(tail->tape_file, tail->blocks);
  if (!r) return std::move(r).error();
  return {};
}

// The job's catalog copy: the last tape file of the job (docs/tape-format.md).
// Written block by block; past early warning there is still room for it, and
// on VOLUME OVERFLOW it goes whole onto the next cartridge.
//
// `tail` is the job's last data tape file when it was closed with a
// buffered filemark: the tape did not stop, and the catalog copy streams on
// behind it. The copy describes the tail's pieces as committed, and the
// sync after the copy makes both durable at once (the drive writes in
// order); only then are the tail's pieces committed in the catalog. So the
// job costs no backhitch of its own, and a crash before that sync leaves
// the tail uncommitted (the rerun writes those files again) and the copy,
// if any of it reached the tape, without its filemark or whole member,
// which rebuild rejects.
Status write_catalog_copy(catalog::Catalog& cat, CartridgeSession& session, std::int64_t job,
                          const std::string& job_uuid, std::uint32_t block_size,
                          std::optional<CatalogRecorder::UnsyncedTail> tail, JobContext& ctx) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string exported;
    {
      // The copy as the catalog will be once the tail is committed: the
      // commit is made inside a transaction that is rolled back.
      auto txn = TG_TRY(cat.begin());
      TG_CHECK(commit_tail_in(cat, tail));
      exported = TG_TRY(catalog::export_job_catalog(cat, job));
      txn.rollback();
    }
    std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(exported.data()), exported.size());
    const std::string path = "tapegate-catalog/" + job_uuid + ".txt", hash = format::sha256_hex(bytes);
    format::MemberMeta meta{.path = path,
                            .size = exported.size(),
                            .mtime = cat.clock().wall_seconds(),
                            .sha256_hex = hash,
                            .repository = "",
                            .job = job_uuid,
                            .group = "",
                            .kind = "catalog"};
    auto archive = TG_TRY(format::encode_single_member_archive(meta, bytes, block_size));
    std::uint32_t number = session.take_file_number();
    auto tf = TG_TRY(cat.open_tape_file(catalog::TapeFileStart{.cartridge = session.barcode(),
                                                              .file_number = number,
                                                              .first_block = session.position(),
                                                              .kind = catalog::TapeFileKind::catalog_copy,
                                                              .job = job}));
    std::uint64_t blocks = 0;
    bool overflow = false;
    for (std::size_t off = 0; off < archive.size(); off += block_size) {
      auto w = session.drive().write({archive.data() + off, block_size});
      if (!w && w.error().code == Errc::volume_overflow) {
        overflow = true;
        break;
      }
      if (!w) return std::move(w).error().with_context("writing the job catalog copy to " + session.barcode());
      ++blocks;
    }
    // The job's one sync at its end (IMMED=0): the copy and the tail with it.
    auto fm = session.drive().write_filemarks(1);
    if (!fm) return std::move(fm).error().with_context("filemark after the job catalog copy on " + session.barcode());
    TG_CHECK(commit_tail_in(cat, tail));
    tail.reset();  // durable and committed: a copy on the next cartridge exports it as such
    TG_CHECK(cat.close_tape_file(tf.id, blocks));
    TG_CHECK(cat.note_written(session.barcode(), number, blocks * block_size));
    session.advance(blocks + 1);
    if (!overflow) return {};
    ctx.log(LogLevel::warning, "cartridge " + session.barcode() + " filled up during the job catalog copy; "
                               "writing it again on the next cartridge");
    TG_CHECK(session.retire_full());
    TG_CHECK(session.mount_next());
  }
  return make_error(Errc::volume_overflow, "the job catalog copy does not fit on a fresh cartridge");
}

// The drive's stop/restart counters, or nothing when it keeps none we can
// read. A failed read is no reason to fail the job: logged, then unknown.
std::optional<scsi::DriveCounters> read_counters(drivers::TapeDrive& drive, JobContext& ctx) {
  (void)drive.data_counters();  // bytes, for the metrics only (TapeDrive::last_readings)
  auto c = drive.drive_counters();
  if (c) return *c;
  ctx.log(LogLevel::warning, "drive " + drive.name() + ": cannot read its backhitch counters: " + c.error().message);
  return std::nullopt;
}

// The job's figures for its drive: the difference of the drive's counters
// when it has them both times, else the writer's count of empty-ring waits
// as stalls and backhitches unknown.
DriveFigures drive_figures(std::string name, const std::optional<scsi::DriveCounters>& before,
                           const std::optional<scsi::DriveCounters>& after, std::uint64_t ring_waits) {
  DriveFigures d{.drive = std::move(name)};
  d.drive_stalls = ring_waits;
  // A counter that went down (the drive was reset meanwhile) says nothing.
  if (before && after && after->backhitches >= before->backhitches && after->stalls >= before->stalls) {
    d.backhitches = after->backhitches - before->backhitches;
    d.drive_stalls = after->stalls - before->stalls;
  }
  return d;
}

}  // namespace

Result<std::uint32_t> choose_block_size(std::uint32_t requested, const drivers::BlockLimits& limits) {
  std::uint32_t max = limits.max_block == 0 ? kDefaultMaxBlockSize : limits.max_block;
  if (requested != 0) {
    if (requested % 512 != 0 || requested < format::kMaxPreambleBytes)
      return make_error(Errc::invalid_argument, "block size " + std::to_string(requested) +
                                                    " must be a multiple of 512 and at least 16 KiB");
    if (requested > max)
      return make_error(Errc::invalid_argument, "block size " + std::to_string(requested) +
                                                    " exceeds the drive's maximum of " + std::to_string(max) +
                                                    " (READ BLOCK LIMITS)");
    return requested;
  }
  std::uint32_t b = std::min(max, kDefaultMaxBlockSize) / (64 * 1024) * (64 * 1024);
  if (b < 64 * 1024)
    return make_error(Errc::unsupported, "the drive's largest block (" + std::to_string(max) +
                                             " bytes) is below 64 KiB; set a block size explicitly");
  return b;
}

std::string BackupSummary::text() const {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "job %lld: %llu files (%s) written, %llu already on tape, %zu failed; %zu cartridge(s), %llu tape "
                "file(s), block %u; %.1f s, %s/s average; drive stalls %llu, backhitches %s (writer waited %.2f s "
                "for data)",
                static_cast<long long>(job), static_cast<unsigned long long>(files_written),
                hal::human_bytes(bytes_written).c_str(),
                static_cast<unsigned long long>(files_already_on_tape), failures.size(), cartridges.size(),
                static_cast<unsigned long long>(tape_files), block_size, seconds,
                hal::human_bytes(static_cast<std::uint64_t>(average_bytes_per_s)).c_str(), static_cast<unsigned long long>(drive_stalls),
                backhitches ? std::to_string(*backhitches).c_str() : "not available", stalled_seconds);
  std::string s = buf;
  if (!complete()) s += "; backup INCOMPLETE: " + std::to_string(failures.size()) + " path(s) not backed up";
  if (!cartridges.empty()) {
    s += "; cartridges:";
    for (auto& c : cartridges) s += " " + c;
  }
  for (auto& f : failures) s += "\n  FAILED " + f.path + ": " + f.reason;
  return s;
}

Result<BackupSummary> run_backup(const BackupRequest& req, drivers::Library& lib, library::DriveReservations& drives,
                                 catalog::Catalog& cat, JobContext& ctx, hal::Clock& clock) {
  auto t0 = clock.now();
  BackupSummary sum;
  auto scan = TG_TRY(repository::scan_repository(req.root));
  sum.files_scanned = scan.files.size();
  for (auto& s : scan.skipped) {
    sum.skipped.push_back(s.path + ": " + s.reason);
    ctx.log(LogLevel::notice, "skipping '" + s.path + "': " + s.reason);
  }
  // What the scan could not read is not on tape either: the backup is
  // incomplete, and says so, even when everything it found was written.
  for (auto& u : scan.unreadable) sum.failures.push_back({u.path, u.reason});
  (void)TG_TRY(cat.pool(req.pool));  // not_found names the pool

  // What is on tape already: (path, size, mtime). Copies of the same
  // version are skipped (only_new).
  std::map<std::tuple<std::string, std::uint64_t, std::int64_t>, std::string> on_tape;
  for (auto& f : TG_TRY(cat.files_on_tape(req.repository, req.pool)))
    on_tape[{f.path, f.size, f.mtime}] = f.sha256;

  std::vector<const repository::BackupFileEntry*> todo;
  std::uint64_t bytes_total = 0;
  for (auto& f : scan.files) {
    bool have = on_tape.count({f.path, f.size, f.mtime}) > 0;
    if (have && req.only_new) {
      ++sum.files_already_on_tape;
      continue;
    }
    todo.push_back(&f);
    bytes_total += f.size;
  }

  std::string name = req.job_name.empty() ? "backup-" + req.pool : req.job_name;
  auto job = TG_TRY(cat.start_job(catalog::JobStart{.name = name,
                                                    .kind = catalog::JobKind::backup,
                                                    .repository = req.repository,
                                                    .pool = req.pool}));
  sum.job = job.id;
  sum.job_uuid = job.uuid;
  auto finish = [&](catalog::JobState st, const std::string& text) {
    Status s = cat.finish_job(job.id, st, sum.bytes_written, sum.files_written, text);
    if (!s) ctx.log(LogLevel::error, "recording the end of job " + std::to_string(job.id) + ": " + s.error().message);
  };
  auto fail = [&](Error e) -> Error {
    finish(e.code == Errc::cancelled ? catalog::JobState::cancelled : catalog::JobState::failed, e.message);
    return e;
  };

  if (todo.empty()) {
    ctx.log(LogLevel::info, "nothing to write: every file of '" + req.repository + "' is on tape already");
    for (auto& f : sum.failures) ctx.log(LogLevel::error, "'" + f.path + "' was not backed up: " + f.reason);
    finish(sum.complete() ? catalog::JobState::done : catalog::JobState::failed, sum.complete() ? "nothing new" : sum.text());
    sum.seconds = std::chrono::duration<double>(clock.now() - t0).count();
    return sum;
  }

  auto media_set = pools::media_set_for_job(cat, req.pool);
  if (!media_set) return fail(std::move(media_set).error());
  if (Status s = cat.set_job_media_set(job.id, media_set->id); !s) return fail(std::move(s).error());

  // The member table: every file to write, with room for retries (a
  // changed file once, files lost with a failed cartridge).
  pipeline::MemberTable table(pipeline::MemberTable::capacity_for(todo.size()), req.repository, job.uuid);
  for (auto* f : todo) {
    auto i = table.append(pipeline::MemberInput{.source = f->absolute.string(),
                                                .path = f->path,
                                                .size = f->size,
                                                .mtime = f->mtime,
                                                .group = f->group,
                                                .kind = repository::file_kind_name(f->kind),
                                                .identity = {f->device, f->inode},
                                                .owner = {f->mode, f->uid, f->gid}});
    if (!i) return fail(std::move(i).error());
  }
  // The last manifest is known now; only retries need one while streaming.
  if (auto mf = table.append_pending_manifest(); !mf) return fail(std::move(mf).error());
  // The table holds all the stream needs from here on: the scan's list
  // (~0.7 KiB a file), the catalog's (path, size, mtime) set and `todo` are
  // freed before the stream starts. The allocator keeps most of those pages,
  // but the stream's own allocations (the catalog's page cache, rows waiting
  // for a sync) reuse them instead of adding to the job's peak.
  const std::size_t files_todo = todo.size();
  todo = {};
  on_tape = {};
  scan.files = {};

  SessionConfig sc{.pool = req.pool,
                   .media_set = media_set->id,
                   .owner = "job " + std::to_string(job.id) + " backup " + name,
                   .drive = req.drive,
                   .block_size = 0,
                   .host = req.host,
                   .operator_wait = req.operator_wait};
  // The block size needs the drive: reserve it first through a session
  // whose label block size is filled in before the first label is written.
  std::uint32_t block_size = 0;
  std::optional<scsi::DriveCounters> counters_before;
  hal::Nanos drive_start{};
  {
    auto probe = drives.reserve(sc.owner + " (block limits)", req.drive);
    if (!probe) return fail(std::move(probe).error());
    // The drive's power-on attention (29/00) is taken first, so READ
    // BLOCK LIMITS is answered rather than receiving it.
    (void)library::absorb_attentions(probe->drive(), library::AttentionLimit::drive_events);
    auto limits = probe->drive().block_limits();
    drivers::BlockLimits bl = limits ? *limits : drivers::BlockLimits{};
    if (!limits)
      ctx.log(LogLevel::warning, "READ BLOCK LIMITS failed on drive " + probe->name() + ": " +
                                     limits.error().message + "; assuming 1 MiB");
    auto bs = choose_block_size(req.block_size, bl);
    if (!bs) return fail(std::move(bs).error().with_context("drive " + probe->name()));
    block_size = *bs;
    // Before anything of the job reaches the drive: the label and its
    // sync count as the job's.
    counters_before = read_counters(probe->drive(), ctx);
    drive_start = clock.now();
    sc.drive = probe->name();  // the session takes the same drive
    probe->release();
  }
  sc.block_size = block_size;
  CartridgeSession session(cat, lib, drives, ctx, sc);
  ProgressSnapshot loading;
  loading.bytes_total = bytes_total;
  loading.files_total = files_todo;
  session.report_progress_in(&loading);
  if (Status s = session.mount_next(); !s) return fail(std::move(s).error());
  session.report_progress_in(nullptr);
  // Appending to a cartridge labelled for another block size, the job
  // writes in that size (docs/tape-format.md); from here on it is fixed.
  block_size = session.block_size();
  session.lock_block_size();
  sum.block_size = block_size;
  // Variable-block mode: one WRITE per tape block (docs/tape-format.md).
  if (Status s = session.drive().set_block_size(0); !s)
    ctx.log(LogLevel::warning, "drive " + session.drive_name() + ": cannot select variable-block mode: " +
                                   s.error().message);

  CatalogRecorder recorder(cat, session, table, ctx, job.id, bytes_total, files_todo, block_size);
  pipeline::StreamConfig cfg;
  cfg.writer.block_size = block_size;
  cfg.writer.tape_file_bytes = req.tape_file_bytes;
  cfg.writer.sync_bytes = req.sync_bytes;
  cfg.writer.sync_interval = req.sync_interval;
  cfg.writer.sync_at_end = false;  // the catalog copy's sync covers the last tape file
  cfg.ring_bytes = req.ring_bytes;
  auto streamed = pipeline::run_backup_stream(cfg, table, recorder.sink(), recorder);
  sum.files_written = recorder.files_written();
  sum.bytes_written = recorder.bytes_written();
  for (auto& f : recorder.failures()) sum.failures.push_back(std::move(f));
  sum.tape_files = recorder.tape_files();
  if (!streamed) {
    Error e = std::move(streamed).error();
    Status u = session.finish();
    if (!u) ctx.log(LogLevel::error, "unloading after the failed job: " + u.error().message);
    return fail(std::move(e));
  }
  const auto tail = recorder.unsynced_tail();
  if (Status s = write_catalog_copy(cat, session, job.id, job.uuid, block_size, tail, ctx); !s) {
    const std::string barcode = session.barcode();
    (void)session.finish();
    Error e = std::move(s).error();
    if (tail && tail->files > 0)
      return fail(std::move(e).with_context("the last " + std::to_string(tail->files) + " files written to " +
                                    barcode + " were not confirmed by the drive and are not recorded "
                                    "as on tape (the rerun writes them again)"));
    return fail(std::move(e));
  }
  ++sum.tape_files;
  sum.cartridges = session.used();
  const auto counters_after = read_counters(session.drive(), ctx);
  const double drive_seconds = std::chrono::duration<double>(clock.now() - drive_start).count();
  const std::string drive_name = session.drive_name();
  if (Status s = session.finish(); !s)
    ctx.log(LogLevel::warning, "unloading the last cartridge: " + s.error().message);

  const auto& w = streamed->writer;
  sum.blocks = w.blocks;
  sum.early_warnings = w.early_warnings;
  sum.overflows = w.overflows;
  sum.medium_errors = w.medium_errors;
  sum.retries = w.requeued + streamed->framer.changed + streamed->framer.read_errors;
  sum.ring_waits = streamed->ring.writer_waits;
  sum.stalled_seconds = static_cast<double>(streamed->ring.writer_wait_ns) / 1e9;
  // One drive per job today (CartridgeSession); the list leaves room for more.
  DriveFigures d = drive_figures(drive_name, counters_before, counters_after, sum.ring_waits);
  d.bytes_written = sum.bytes_written;
  d.seconds = drive_seconds;
  sum.drive_stalls = d.drive_stalls;
  sum.backhitches = d.backhitches;
  sum.drives.push_back(std::move(d));
  sum.seconds = std::chrono::duration<double>(clock.now() - t0).count();
  sum.average_bytes_per_s = sum.seconds > 0 ? static_cast<double>(sum.bytes_written) / sum.seconds : 0;
  for (auto& f : sum.failures) ctx.log(LogLevel::error, "'" + f.path + "' was not backed up: " + f.reason);
  std::string text = sum.text();
  ctx.log(LogLevel::notice, text);
  finish(sum.failures.empty() ? catalog::JobState::done : catalog::JobState::failed, text);
  return sum;
}

}  // namespace tg::firmware::backup
