#pragma once
// Joins the pieces PieceStreamer delivers into whole files and checks each
// file's SHA-256 against the catalog. Restore mode writes every file through
// a RestoredFile (temporary name, rename on a match); verify mode only
// hashes. A file is done when its last piece arrived; a failed piece fails
// its file, and its remaining pieces are skipped.
//
// A full target disk stops the restore: the file that met it is named with
// the disk-full error, every file not yet complete is failed at once with
// one log line (they could not be written either, and nothing more is read
// for them); the files already restored stay, complete and checked.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "firmware/format/sha256.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/restore/piece_streamer.hpp"
#include "firmware/restore/restore_plan.hpp"
#include "firmware/restore/restored_file.hpp"
#include "firmware/restore/target_directory.hpp"

namespace tg::firmware::restore {

struct FileOutcome {
  std::string path;
  std::uint64_t size = 0;
  bool ok = false;
  std::string error;                   // names cartridge, tape file and block where known
};

struct AssemblerOptions {
  TargetDirectory* target = nullptr;   // restore into (outlives the assembler); nullptr = verify only
  bool overwrite = false;
  // Give restored files the uid/gid of their tape header (needs root);
  // their mode and mtime are restored either way.
  bool restore_owners = false;
};

class FileAssembler final : public PieceHandler {
 public:
  FileAssembler(const RestorePlan& plan, AssemblerOptions options, JobContext& ctx);

  bool wanted(std::size_t owner) override;
  Status begin_piece(const PieceTask& task, const format::TarEntry& entry) override;
  Status data(std::size_t owner, std::uint64_t file_offset, std::span<const std::uint8_t> bytes) override;
  void piece_done(const PieceTask& task) override;
  void piece_failed(const PieceTask& task, const Error& error) override;

  // A file failed before any tape was read (existing target, cartridge
  // that could not be loaded).
  void fail(std::size_t owner, const std::string& why);
  // Files still open at the end (a piece was never reached) fail.
  void finish_all();

  const std::vector<FileOutcome>& outcomes() const { return outcomes_; }
  std::uint64_t files_ok() const { return files_ok_; }
  std::uint64_t files_failed() const { return files_failed_; }
  std::uint64_t bytes_done() const { return bytes_done_; }
  void set_phase(const std::string& phase, const std::string& barcode);
  // The target file system filled up (see above).
  bool disk_full() const { return disk_full_; }

 private:
  struct Assembly {
    std::size_t pieces_left = 0;
    bool closed = false;
    std::optional<RestoredFile> out;   // restore mode
    std::uint64_t hashed = 0;          // verify mode: bytes hashed
  };
  void complete(std::size_t owner);
  void report_progress(bool force);
  // Closes a file as failed without logging it.
  void close_failed(std::size_t owner, const std::string& why);
  void stop_for_full_disk(std::size_t owner, const std::string& why);

  const RestorePlan& plan_;
  AssemblerOptions options_;
  JobContext& ctx_;
  std::vector<Assembly> files_;
  std::vector<FileOutcome> outcomes_;
  format::Sha256 verify_hash_;                 // verify mode: one file at a time
  std::optional<std::size_t> verify_owner_;
  std::uint64_t files_ok_ = 0, files_failed_ = 0, bytes_done_ = 0, total_bytes_ = 0;
  std::uint64_t since_progress_ = 0;
  bool disk_full_ = false;
  ProgressSnapshot progress_;
};

}  // namespace tg::firmware::restore
