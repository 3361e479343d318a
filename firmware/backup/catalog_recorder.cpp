#include "firmware/backup/catalog_recorder.hpp"

#include <algorithm>

namespace tg::firmware::backup {

namespace {
catalog::BackupKind catalog_kind(std::string_view kind) {
  return kind == "incremental" || kind == "reverse" ? catalog::BackupKind::incremental : catalog::BackupKind::full;
}
}  // namespace

CatalogRecorder::CatalogRecorder(catalog::Catalog& cat, CartridgeSession& session, pipeline::MemberTable& table,
                                 JobContext& ctx, std::int64_t job, std::uint64_t bytes_total,
                                 std::uint64_t files_total, std::uint32_t block_size)
    : cat_(cat), session_(session), table_(table), ctx_(ctx), job_(job), sink_(session.drive()),
      file_ids_(table.capacity(), 0), committed_(table.capacity(), 0), bytes_total_(bytes_total),
      files_total_(files_total), block_size_(block_size), start_(std::chrono::steady_clock::now()), last_t_(start_) {
  snap_.phase.set("writing");
  snap_.bytes_total = bytes_total_;
  snap_.files_total = files_total_;
  snap_.cartridge.set(session_.barcode());
  snap_.drive.set(session_.drive_name());
  snap_.cartridges_used = static_cast<std::uint32_t>(session_.used().size());
  session_.report_progress_in(&snap_);
}

CatalogRecorder::~CatalogRecorder() { session_.report_progress_in(nullptr); }

std::uint64_t CatalogRecorder::job_bytes(const pipeline::WriterProgress* p) const {
  std::uint64_t partial = current_done_;
  // The writer's position inside the file in progress, between pieces
  // (progress runs on the writer's thread, after it read these offsets).
  if (p && p->current_member < table_.framed()) {
    const pipeline::Member& m = table_.at(p->current_member);
    if (p->current_member == current_ && !m.w_abandoned && p->stream_bytes > m.data_offset)
      partial = std::max(partial, std::min(p->stream_bytes - m.data_offset, m.size));
  }
  return std::min(bytes_written_ + partial, std::max(bytes_total_, bytes_written_));
}

Status CatalogRecorder::tape_file_started() {
  file_number_ = session_.take_file_number();
  auto tf = cat_.open_tape_file(catalog::TapeFileStart{.cartridge = session_.barcode(),
                                                       .file_number = file_number_,
                                                       .first_block = session_.position(),
                                                       .kind = catalog::TapeFileKind::data,
                                                       .job = job_});
  if (!tf) return std::move(tf).error().with_context("cartridge " + session_.barcode());
  tape_file_ = tf->id;
  tape_file_blocks_ = 0;
  ++tape_files_;
  return {};
}

Status CatalogRecorder::write_pending(std::optional<std::uint64_t> commit_blocks) {
  if (pending_files_.empty() && pending_pieces_.empty() && pending_hashes_.empty() && !commit_blocks) return {};
  auto txn = TG_TRY(cat_.begin());
  for (std::size_t i : pending_files_) {
    const pipeline::Member& m = table_.at(i);
    auto f = cat_.add_backup_file(catalog::BackupFileStart{.job = job_,
                                                           .repository = table_.repository(),
                                                           .path = std::string(m.path),
                                                           .group = std::string(m.group),
                                                           .kind = catalog_kind(m.kind),
                                                           .size = m.size,
                                                           .mtime = m.mtime,
                                                           .sha256 = ""});
    if (!f) return std::move(f).error();
    file_ids_[i] = f->id;
  }
  for (const PendingPiece& p : pending_pieces_) {
    auto r = cat_.record_piece(catalog::PieceStart{.backup_file = file_ids_[p.member],
                                                   .tape_file = p.tape_file,
                                                   .offset = p.info.offset,
                                                   .length = p.info.length,
                                                   .first_block = p.info.first_block,
                                                   .end_block = p.info.end_block,
                                                   .header_offset = p.info.header_offset,
                                                   .volume_index = p.info.volume_index});
    if (!r) return std::move(r).error();
  }
  // The hash is recorded only for a copy that was read whole and unchanged;
  // the file counts as on tape once its pieces are committed.
  for (std::size_t i : pending_hashes_)
    TG_CHECK(cat_.set_backup_file_sha256(file_ids_[i], std::string(table_.at(i).sha256_view())));
  if (commit_blocks) {
    auto r = cat_.commit_pieces_through(tape_file_, *commit_blocks);
    if (!r) return std::move(r).error();
  }
  TG_CHECK(cat_.update_job_progress(job_, bytes_written_, files_written_));
  TG_CHECK(txn.commit());
  pending_files_.clear();
  pending_pieces_.clear();
  pending_hashes_.clear();
  return {};
}

Status CatalogRecorder::member_started(std::size_t i) {
  const pipeline::Member& m = table_.at(i);
  pending_files_.push_back(i);
  current_ = i;
  current_done_ = 0;
  snap_.file.set(m.path);
  if (pending_files_.size() >= kBatchFiles) return write_pending();
  return {};
}

Status CatalogRecorder::piece_written(std::size_t i, const pipeline::PieceInfo& p) {
  pending_pieces_.push_back(PendingPiece{.member = i, .tape_file = tape_file_, .info = p});
  if (i == current_) current_done_ = p.offset + p.length;
  return {};
}

Status CatalogRecorder::member_finished(std::size_t i) {
  const pipeline::Member& m = table_.at(i);
  if (i == current_) {
    current_ = SIZE_MAX;
    current_done_ = 0;
  }
  if (m.outcome == pipeline::MemberOutcome::ok) {
    pending_hashes_.push_back(i);
    committed_[i] = 1;
    ++files_written_;
    bytes_written_ += m.size;
    snap_.files_done = files_written_;
  } else {
    ctx_.log(LogLevel::warning, "'" + std::string(m.path) + "' " + pipeline::member_outcome_name(m.outcome) + ": " +
                                    m.outcome_detail + (m.attempt < 2 ? "; not recorded as on tape, will retry it"
                                                                      : "; not recorded as on tape"));
  }
  return {};
}

Status CatalogRecorder::durable(std::uint64_t blocks) {
  // The drive has acknowledged the flush: every row up to here and the
  // commit in one transaction.
  TG_CHECK(write_pending(blocks));
  tape_file_blocks_ = blocks;
  files_at_sync_ = files_written_;
  return {};
}

Status CatalogRecorder::tape_file_closed(std::uint64_t blocks) {
  TG_CHECK(write_pending());
  // Closed by a buffered filemark (no durable() for its last blocks).
  if (blocks > tape_file_blocks_)
    unsynced_ = UnsyncedTail{.tape_file = tape_file_, .blocks = blocks, .files = files_written_ - files_at_sync_};
  TG_CHECK(cat_.close_tape_file(tape_file_, blocks));
  TG_CHECK(cat_.note_written(session_.barcode(), file_number_, blocks * block_size_));
  session_.advance(blocks + 1);  // the blocks and the filemark
  tape_file_ = 0;
  return {};
}

void CatalogRecorder::member_requeued(std::size_t i, std::size_t retry, const char* why) {
  const pipeline::Member& m = table_.at(i);
  if (i == current_) {
    current_ = SIZE_MAX;
    current_done_ = 0;
  }
  if (committed_[i]) {
    // Its bytes were written but never made durable (the cartridge failed
    // before the flush): it is not on tape, and its retry counts instead.
    committed_[i] = 0;
    --files_written_;
    bytes_written_ -= m.size;
    snap_.files_done = files_written_;
  }
  ctx_.log(LogLevel::warning, "'" + std::string(m.path) + "' will be written again" +
                                  (retry == SIZE_MAX ? std::string(" (already queued)") : std::string()) + ": " + why);
}

Result<pipeline::BlockSink*> CatalogRecorder::next_volume(pipeline::VolumeEnd why, const Error* cause) {
  // The change is reported with the bytes on tape so far (the cut piece
  // was recorded just before); the session names each step.
  snap_.bytes_done = job_bytes(nullptr);
  snap_.streaming = false;  // the drive stands still until the next cartridge is loaded
  // Rows of the failed cartridge stay uncommitted (recovery drops them).
  TG_CHECK(write_pending());
  if (why == pipeline::VolumeEnd::failed) {
    std::string what = cause ? cause->message : std::string("write failed");
    if (tape_file_ != 0) {
      // Only the committed part of it is trusted; the rest is rewritten.
      Status c = cat_.close_tape_file(tape_file_, tape_file_blocks_);
      if (!c) ctx_.log(LogLevel::error, "closing the failed tape file in the catalog: " + c.error().message);
      tape_file_ = 0;
    }
    TG_CHECK(session_.retire_bad("medium error in drive " + session_.drive_name() + ": " + what));
  } else {
    TG_CHECK(session_.retire_full());
  }
  TG_CHECK(session_.mount_next());
  snap_.phase.set("writing");
  snap_.cartridge.set(session_.barcode());
  snap_.cartridges_used = static_cast<std::uint32_t>(session_.used().size());
  ctx_.progress(snap_);
  return static_cast<pipeline::BlockSink*>(&sink_);
}

void CatalogRecorder::progress(const pipeline::WriterProgress& p) {
  auto now = std::chrono::steady_clock::now();
  double dt = std::chrono::duration<double>(now - last_t_).count();
  if (dt > 0) {
    double inst = static_cast<double>(p.stream_bytes - last_bytes_) / dt;
    rate_ = rate_ == 0 ? inst : 0.7 * rate_ + 0.3 * inst;  // smoothed over a few reports
  }
  last_t_ = now;
  last_bytes_ = p.stream_bytes;
  snap_.bytes_done = job_bytes(&p);
  snap_.rate_bytes_per_s = rate_;
  snap_.eta_seconds = rate_ > 0 && bytes_total_ >= snap_.bytes_done
                          ? static_cast<double>(bytes_total_ - snap_.bytes_done) / rate_
                          : -1;
  snap_.streaming = p.streaming;
  snap_.stalls = p.stalls;
  snap_.cartridge.set(session_.barcode());
  snap_.drive.set(session_.drive_name());
  snap_.cartridges_used = static_cast<std::uint32_t>(session_.used().size());
  ctx_.progress(snap_);
}

std::vector<FileFailure> CatalogRecorder::failures() const {
  // An original fails when none of its attempts was committed.
  std::vector<std::uint8_t> ok(table_.capacity(), 0);
  std::size_t n = table_.count();
  for (std::size_t i = 0; i < n; ++i)
    if (committed_[i]) ok[table_.at(i).origin] = 1;
  std::vector<FileFailure> out;
  for (std::size_t i = 0; i < n; ++i) {
    const pipeline::Member& m = table_.at(i);
    if (m.is_manifest || m.attempt != 1 || ok[i]) continue;
    // The reason of the last attempt.
    std::string reason = m.outcome == pipeline::MemberOutcome::skipped ? m.outcome_detail : "";
    for (std::size_t j = i; j < n; ++j)
      if (table_.at(j).origin == i && table_.at(j).outcome != pipeline::MemberOutcome::ok)
        reason = std::string(pipeline::member_outcome_name(table_.at(j).outcome)) + ": " + table_.at(j).outcome_detail;
    out.push_back({std::string(m.path), reason.empty() ? "not written" : reason});
  }
  return out;
}

}  // namespace tg::firmware::backup
