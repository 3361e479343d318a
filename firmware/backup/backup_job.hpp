#pragma once
// The backup job: repository -> tape, through the streaming pipeline.
//
//   scan the repository (firmware/repository), drop what is already on
//   tape (catalog), start the job in the catalog, allocate and mount a
//   cartridge of the pool (CartridgeSession), stream every file as pax tar
//   members (firmware/pipeline), commit the files after the sync that
//   follows them (sparse: sync_bytes / sync_interval), change cartridges at early warning / overflow / medium
//   error, then write the job's catalog copy as its last tape file.
//
// Commit order (architecture.md): a file is "on tape" only after its
// bytes and a flush or filemark that follows them were acknowledged.
// A crash at any point leaves the catalog consistent (the catalog's
// recovery drops uncommitted pieces); the next run appends after the real
// end of data and writes what is missing.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "firmware/catalog/catalog.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "firmware/pipeline/tape_stream_writer.hpp"
#include "hal/clock.hpp"
#include "hal/result.hpp"

namespace tg::firmware::backup {

inline constexpr std::uint32_t kDefaultMaxBlockSize = 1u << 20;

struct BackupRequest {
  std::string repository;                 // name recorded in the catalog (e.g. the path as given)
  std::filesystem::path root;             // the directory to read
  std::string pool;
  std::string job_name;                   // "" -> "backup-<pool>"
  bool only_new = true;                   // skip files with a committed copy (same path, size, mtime)
  std::optional<std::string> drive;       // a named drive, else any free one
  std::uint32_t block_size = 0;           // 0: largest of READ BLOCK LIMITS up to 1 MiB
  std::size_t ring_bytes = 64u << 20;
  std::uint64_t tape_file_bytes = 64ull << 30;  // close a tape file at a file boundary after this
  // Sync the drive and commit the catalog after this much data or time
  // (pipeline::WriterConfig; 0 bytes: after every file). A crash between
  // two syncs costs the rerun those files again, never a wrong catalog.
  std::uint64_t sync_bytes = pipeline::kDefaultSyncBytes;
  std::chrono::seconds sync_interval = pipeline::kDefaultSyncInterval;
  std::string host = "tapegate";
  std::chrono::milliseconds operator_wait{std::chrono::minutes(10)};
};

struct FileFailure {
  std::string path;
  std::string reason;
};

// What one drive did for the job. Stalls and backhitches are the drive's
// own counts (before/after difference) where it reports them (the simulated
// drive's vendor log page; drivers::TapeDrive::drive_counters); a drive that
// does not report them leaves backhitches unknown and counts as stalls the
// times the writer found no data ready for it.
struct DriveFigures {
  std::string drive;
  std::uint64_t bytes_written = 0;              // tape bytes sent to this drive (blocks x block size)
  double seconds = 0;                           // from reserving it to the last write
  std::uint64_t drive_stalls = 0;
  std::optional<std::uint64_t> backhitches;     // nullopt: not available on this drive
};

struct BackupSummary {
  std::int64_t job = 0;
  std::string job_uuid;
  std::uint64_t files_scanned = 0, files_already_on_tape = 0;
  std::uint64_t files_written = 0, bytes_written = 0;   // committed with a verified hash
  std::vector<FileFailure> failures;                    // unreadable in the scan, changed while copied (twice), ...
  std::vector<std::string> skipped;                     // "path: reason" from the scan
  std::vector<std::string> cartridges;                  // barcodes written, in order
  std::uint64_t tape_files = 0, blocks = 0;
  std::uint32_t block_size = 0;
  double seconds = 0, average_bytes_per_s = 0;
  std::uint64_t drive_stalls = 0;                       // sum over drives (DriveFigures)
  std::optional<std::uint64_t> backhitches;             // sum over drives; nullopt if no drive reports them
  std::uint64_t ring_waits = 0;                         // times the writer found the ring empty
  double stalled_seconds = 0;                           // time the writer waited for the ring
  std::vector<DriveFigures> drives;
  std::uint64_t early_warnings = 0, overflows = 0, medium_errors = 0, retries = 0;
  // Every file and directory of the repository is on tape (or was
  // skipped on purpose): no failures.
  bool complete() const { return failures.empty(); }
  std::string text() const;                             // the operator's summary
};

// Errc::cancelled after a clean cancellation (tape closed, catalog
// consistent); other errors name the cartridge and drive. A job whose
// files partly failed (or whose scan found unreadable directories) still
// returns its summary, lists them in failures and is not complete().
Result<BackupSummary> run_backup(const BackupRequest& req, drivers::Library& lib, library::DriveReservations& drives,
                                 catalog::Catalog& cat, JobContext& ctx, hal::Clock& clock);

// The block size a drive gets: req (if set, must be a multiple of 512
// within the drive's limits) or the largest multiple of 64 KiB the drive
// allows, capped at 1 MiB. Errc::unsupported if the drive allows less than 64 KiB.
Result<std::uint32_t> choose_block_size(std::uint32_t requested, const drivers::BlockLimits& limits);

}  // namespace tg::firmware::backup
