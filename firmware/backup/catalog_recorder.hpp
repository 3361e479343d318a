#pragma once
// What the pipeline's writer reports, turned into catalog records and
// cartridge changes for one backup job: a tape file opened when its first
// block is about to be written, a backup file row when its first byte is,
// a piece per contiguous run, the file's hash only when its copy was whole
// and unchanged, commit_pieces_through() after every acknowledged flush or
// filemark, the next cartridge at early warning / overflow / medium error.
//
// Rows are batched: files, pieces and hashes wait in memory and go to the
// catalog in one transaction at the next sync (with the commit), at a
// cartridge change, or every kBatchFiles files (uncommitted, as before):
// one fsync of the catalog per sync, not four per file.
// Progress goes to the JobContext without allocating; its bytes are the
// job's bytes on tape (files finished, plus the part of the file in
// progress), kept through cartridge changes, whose steps it names.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "firmware/backup/backup_job.hpp"
#include "firmware/backup/cartridge_session.hpp"
#include "firmware/pipeline/block_sink.hpp"
#include "firmware/pipeline/member_table.hpp"
#include "firmware/pipeline/tape_stream_writer.hpp"

namespace tg::firmware::backup {

class CatalogRecorder final : public pipeline::StreamEvents {
 public:
  CatalogRecorder(catalog::Catalog& cat, CartridgeSession& session, pipeline::MemberTable& table, JobContext& ctx,
                  std::int64_t job, std::uint64_t bytes_total, std::uint64_t files_total,
                  std::uint32_t block_size);
  ~CatalogRecorder() override;
  CatalogRecorder(const CatalogRecorder&) = delete;
  CatalogRecorder& operator=(const CatalogRecorder&) = delete;

  pipeline::BlockSink& sink() { return sink_; }

  Status tape_file_started() override;
  Status member_started(std::size_t member) override;
  Status piece_written(std::size_t member, const pipeline::PieceInfo& piece) override;
  Status member_finished(std::size_t member) override;
  Status durable(std::uint64_t blocks) override;
  Status tape_file_closed(std::uint64_t blocks) override;
  void member_requeued(std::size_t member, std::size_t retry, const char* why) override;
  Result<pipeline::BlockSink*> next_volume(pipeline::VolumeEnd why, const Error* cause) override;
  bool cancelled() override { return ctx_.cancelled(); }
  void progress(const pipeline::WriterProgress& p) override;

  std::uint64_t files_written() const { return files_written_; }
  std::uint64_t bytes_written() const { return bytes_written_; }
  std::uint64_t tape_files() const { return tape_files_; }
  // The last tape file when the writer closed it without a sync
  // (WriterConfig::sync_at_end false): its pieces through `blocks` are
  // committed by the job after the sync that follows its catalog copy.
  struct UnsyncedTail {
    std::int64_t tape_file = 0;
    std::uint64_t blocks = 0;
    std::uint64_t files = 0;  // files finished in it since the last sync
  };
  std::optional<UnsyncedTail> unsynced_tail() const { return unsynced_; }
  // Members whose last attempt failed (path, reason), after the stream.
  std::vector<FileFailure> failures() const;

 private:
  std::uint64_t job_bytes(const pipeline::WriterProgress* p) const;
  // Writes the waiting rows; commit_blocks: also commits the pieces of the
  // current tape file through that block, in the same transaction.
  Status write_pending(std::optional<std::uint64_t> commit_blocks = std::nullopt);
  static constexpr std::size_t kBatchFiles = 256;
  struct PendingPiece {
    std::size_t member;
    std::int64_t tape_file;
    pipeline::PieceInfo info;
  };
  std::vector<std::size_t> pending_files_, pending_hashes_;
  std::vector<PendingPiece> pending_pieces_;
  catalog::Catalog& cat_;
  CartridgeSession& session_;
  pipeline::MemberTable& table_;
  JobContext& ctx_;
  std::int64_t job_;
  pipeline::TapeDriveSink sink_;
  std::vector<std::int64_t> file_ids_;   // catalog backup file per member (0 = none), sized at start
  std::vector<std::uint8_t> committed_;  // member's hash recorded
  std::int64_t tape_file_ = 0;
  std::uint32_t file_number_ = 0;
  std::uint64_t tape_file_blocks_ = 0;
  std::uint64_t files_at_sync_ = 0;  // files_written_ at the last durable()
  std::optional<UnsyncedTail> unsynced_;
  std::uint64_t files_written_ = 0, bytes_written_ = 0, tape_files_ = 0;
  std::uint64_t bytes_total_, files_total_;
  std::uint32_t block_size_;
  std::chrono::steady_clock::time_point start_, last_t_;
  std::uint64_t last_bytes_ = 0;
  // The file in progress and how many of its bytes are in recorded pieces.
  std::size_t current_ = SIZE_MAX;
  std::uint64_t current_done_ = 0;
  double rate_ = 0;
  ProgressSnapshot snap_;
};

}  // namespace tg::firmware::backup
