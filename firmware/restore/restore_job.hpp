#pragma once
// `restore <what> --to <dir>` and `verify <what>`: run a RestorePlan
// cartridge by cartridge (each loaded once, in media-set sequence order),
// reading through a read-ahead ring allocated at the start (a tape thread
// reads while this one parses, hashes and writes), and report per file. A file that fails (checksum, unreadable block, missing cartridge,
// existing target) is named with where it lies; the other files go on.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "firmware/catalog/catalog.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/restore/cartridge_source.hpp"
#include "firmware/restore/file_assembler.hpp"
#include "firmware/restore/piece_streamer.hpp"
#include "firmware/restore/read_ahead_reader.hpp"
#include "firmware/restore/restore_plan.hpp"

namespace tg::firmware::restore {

struct RestoreOptions {
  std::filesystem::path target;        // --to
  bool overwrite = false;              // --overwrite
  // Read buffer: 0 = the largest label block size of the plan's
  // cartridges (1 MiB when unknown).
  std::size_t block_buffer_bytes = 0;
  // Read-ahead ring (slots of the read buffer's size); 0 reads block by
  // block in the job's thread, as before the ring existed.
  std::size_t read_ahead_bytes = kDefaultReadAheadBytes;
  StreamerOptions streamer;
  // Give files the uid/gid their tape header records; nullopt: when
  // running as root (only root can). Modes and mtimes are always restored.
  std::optional<bool> restore_owners;
};

struct RunReport {
  std::string description;
  std::uint64_t files_ok = 0, files_failed = 0;
  std::uint64_t bytes = 0;                   // file bytes restored / verified
  std::vector<FileOutcome> failures;          // every file that failed, with why and where
  // Directories the restore created but could not give their final mode
  // (they stay 0700); the restore is not ok.
  std::vector<FileOutcome> directory_failures;
  std::vector<std::string> cartridges;        // in load order
  StreamerStats stats;
  ReadAheadStats read_ahead;
  bool ok() const { return files_failed == 0 && directory_failures.empty(); }
  int exit_status() const { return ok() ? 0 : 1; }
  std::string summary() const;                // one line for the job log
};

// Errors only for what stops the whole run (cancelled, no drive); every
// per-file failure is in the report.
Result<RunReport> run_restore(RestorePlan plan, CartridgeSource& source, JobContext& ctx, const RestoreOptions& options);

struct VerifyOptions {
  std::size_t block_buffer_bytes = 0;
  std::size_t read_ahead_bytes = kDefaultReadAheadBytes;   // as RestoreOptions
  StreamerOptions streamer;
  std::optional<std::int64_t> job;            // recorded with the verification
};

// Reads every file of the plan back and checks its SHA-256; records one
// Verification per cartridge read in the catalog (ok when every file with
// a piece on it checked out).
Result<RunReport> run_verify(catalog::Catalog& cat, RestorePlan plan, CartridgeSource& source, JobContext& ctx,
                             const VerifyOptions& options);

}  // namespace tg::firmware::restore
