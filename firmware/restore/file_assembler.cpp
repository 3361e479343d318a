#include "firmware/restore/file_assembler.hpp"

#include "firmware/format/pax_keywords.hpp"

namespace tg::firmware::restore {

FileAssembler::FileAssembler(const RestorePlan& plan, AssemblerOptions options, JobContext& ctx)
    : plan_(plan), options_(std::move(options)), ctx_(ctx), files_(plan.files.size()), outcomes_(plan.files.size()) {
  for (std::size_t i = 0; i < plan.files.size(); ++i) {
    files_[i].pieces_left = plan.files[i].pieces.size();
    outcomes_[i].path = plan.files[i].file.path;
    outcomes_[i].size = plan.files[i].file.size;
  }
  total_bytes_ = plan.total_bytes();
  progress_.bytes_total = total_bytes_;
  progress_.files_total = plan.files.size();
}

bool FileAssembler::wanted(std::size_t owner) { return owner < files_.size() && !files_[owner].closed; }

Status FileAssembler::begin_piece(const PieceTask& task, const format::TarEntry& entry) {
  const auto& f = plan_.files[task.owner].file;
  // The tape's own record of the hash must be the catalog's: a member with
  // another hash is a copy the catalog never accepted (tape-format.md).
  const std::string* tape_hash = entry.keyword(std::string(format::pax::kSha256));
  if (!tape_hash) tape_hash = entry.keyword("TAPEGATE.sha256");
  if (tape_hash && *tape_hash != f.sha256) {
    return make_error(Errc::data_integrity, "'" + f.path + "' on tape carries SHA-256 " + *tape_hash +
                                                ", the catalog records " + f.sha256 + ": not the recorded copy");
  }
  auto& a = files_[task.owner];
  if (options_.target && !a.out) {
    bool full = false;
    // The first piece's header (the member, or a continuation carrying the
    // same attributes) says what the file's mode and owner were.
    auto out = RestoredFile::create(RestoredFileSpec{.target = options_.target,
                                                     .path = f.path,
                                                     .size = f.size,
                                                     .mtime = f.mtime,
                                                     .sha256 = f.sha256,
                                                     .overwrite = options_.overwrite,
                                                     .attributes = FileAttributes{.mode = static_cast<std::uint32_t>(
                                                                                      entry.mode & 07777),
                                                                                  .uid = entry.uid,
                                                                                  .gid = entry.gid},
                                                     .restore_owner = options_.restore_owners},
                                    &full);
    if (!out) {
      if (full) stop_for_full_disk(task.owner, out.error().message);
      return std::move(out).error();
    }
    a.out.emplace(std::move(*out));
  }
  if (!options_.target && verify_owner_ != task.owner) {
    // Pieces of one file arrive in order and files do not interleave
    // except across a cartridge switch of a spanned file, which continues
    // the same owner.
    if (task.offset != 0) {
      return make_error(Errc::internal, "verify of '" + f.path + "' resumed at offset " + std::to_string(task.offset) +
                                            " after another file");
    }
    verify_hash_.reset();
    verify_owner_ = task.owner;
    a.hashed = 0;
  }
  progress_.file.set(f.path);
  return {};
}

Status FileAssembler::data(std::size_t owner, std::uint64_t file_offset, std::span<const std::uint8_t> bytes) {
  auto& a = files_[owner];
  if (a.out) {
    if (Status s = a.out->write(file_offset, bytes); !s) {
      if (a.out->disk_full()) stop_for_full_disk(owner, s.error().message);
      return s;
    }
  } else {
    if (file_offset != a.hashed) return make_error(Errc::internal, "verify: bytes out of order");
    verify_hash_.update(bytes);
    a.hashed += bytes.size();
  }
  bytes_done_ += bytes.size();
  since_progress_ += bytes.size();
  report_progress(false);
  return {};
}

void FileAssembler::piece_done(const PieceTask& task) {
  auto& a = files_[task.owner];
  if (a.closed) return;
  if (--a.pieces_left == 0) complete(task.owner);
}

void FileAssembler::piece_failed(const PieceTask& task, const Error& error) { fail(task.owner, error.message); }

void FileAssembler::close_failed(std::size_t owner, const std::string& why) {
  auto& a = files_[owner];
  a.closed = true;
  if (a.out) a.out->abandon();
  a.out.reset();
  if (verify_owner_ == owner) verify_owner_.reset();
  outcomes_[owner].ok = false;
  outcomes_[owner].error = why;
  ++files_failed_;
}

void FileAssembler::fail(std::size_t owner, const std::string& why) {
  if (files_[owner].closed) return;
  close_failed(owner, why);
  ctx_.log(LogLevel::error, plan_.files[owner].file.path + ": " + why);
  report_progress(true);
}

void FileAssembler::stop_for_full_disk(std::size_t owner, const std::string& why) {
  if (disk_full_) return fail(owner, why);
  disk_full_ = true;
  fail(owner, why);
  const std::string target = options_.target ? options_.target->root().string() : std::string("the target");
  std::uint64_t left = 0;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    if (files_[i].closed) continue;
    close_failed(i, "not restored: the restore stopped when the file system of " + target + " became full");
    ++left;
  }
  ctx_.log(LogLevel::error, "restore stopped: the file system of " + target + " is full (while writing '" +
                                plan_.files[owner].file.path + "'); " + std::to_string(left) +
                                " more file(s) not restored. The " + std::to_string(files_ok_) +
                                " file(s) restored so far are complete and checked; free space and restore the rest");
  report_progress(true);
}

namespace {
// Where a file lies, so the operator can dump those tape files.
std::string where_of(const PlannedFile& f) {
  std::string where;
  for (auto& p : f.pieces)
    where += (where.empty() ? "" : ", ") + p.cartridge + " tape file " + std::to_string(p.file_number) + " blocks " +
             std::to_string(p.locate_block()) + "-" + std::to_string(p.tape_file_first_block + p.piece.end_block);
  return where;
}
}  // namespace

void FileAssembler::complete(std::size_t owner) {
  auto& a = files_[owner];
  const auto& f = plan_.files[owner].file;
  if (a.out) {
    if (auto s = a.out->commit(); !s) {
      if (a.out->disk_full()) return stop_for_full_disk(owner, s.error().message);
      std::string msg = s.error().message;
      if (s.error().code == Errc::data_integrity) msg += " (" + where_of(plan_.files[owner]) + ")";
      return fail(owner, msg);
    }
  } else {
    std::string got = verify_hash_.finish_hex();
    verify_owner_.reset();
    if (a.hashed != f.size) return fail(owner, "read " + std::to_string(a.hashed) + " bytes, the catalog says " + std::to_string(f.size));
    if (got != f.sha256) {
      return fail(owner, "checksum mismatch: tape gave SHA-256 " + got + ", the catalog records " + f.sha256 +
                             " (" + where_of(plan_.files[owner]) + ")");
    }
  }
  a.closed = true;
  a.out.reset();
  outcomes_[owner].ok = true;
  ++files_ok_;
  report_progress(true);
}

void FileAssembler::finish_all() {
  for (std::size_t i = 0; i < files_.size(); ++i)
    if (!files_[i].closed) fail(i, "not all of its pieces could be read");
}

void FileAssembler::set_phase(const std::string& phase, const std::string& barcode) {
  progress_.phase.set(phase);
  progress_.cartridge.set(barcode);
  ++progress_.cartridges_used;
  report_progress(true);
}

void FileAssembler::report_progress(bool force) {
  // A few times per second at most in practice: every 64 MiB of data or
  // at each file boundary.
  if (!force && since_progress_ < (64u << 20)) return;
  since_progress_ = 0;
  progress_.bytes_done = bytes_done_;
  progress_.files_done = files_ok_ + files_failed_;
  ctx_.progress(progress_);
}

}  // namespace tg::firmware::restore
