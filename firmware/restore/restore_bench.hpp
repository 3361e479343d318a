#pragma once
// Restore throughput against the drive's raw read rate, for tools/bench:
// the same cartridges, the same block size, once as a bare READ loop over
// the tape files the plan touches and once as a full restore (parse, hash,
// write, fsync, rename). The ratio says what the restore path costs.
#include <cstdint>
#include <filesystem>

#include "firmware/restore/cartridge_source.hpp"
#include "firmware/restore/read_ahead_reader.hpp"
#include "firmware/restore/restore_plan.hpp"
#include "hal/clock.hpp"
#include "hal/result.hpp"

namespace tg::firmware::restore {

struct RestoreBenchResult {
  std::uint64_t raw_bytes = 0;
  double raw_seconds = 0;
  std::uint64_t restore_bytes = 0;      // file bytes restored
  double restore_seconds = 0;
  std::uint64_t files_failed = 0;
  std::size_t block_bytes = 0;          // largest block size of the cartridges read
  ReadAheadStats read_ahead;            // of the restore
  double raw_mb_per_s() const { return raw_seconds > 0 ? raw_bytes / raw_seconds / 1e6 : 0; }
  double restore_mb_per_s() const { return restore_seconds > 0 ? restore_bytes / restore_seconds / 1e6 : 0; }
};

// `target` is emptied first and restored into (overwrite on), through a
// read-ahead ring of read_ahead_bytes (0: block by block).
Result<RestoreBenchResult> bench_restore(const RestorePlan& plan, CartridgeSource& source, JobContext& ctx,
                                         const std::filesystem::path& target, hal::Clock& clock,
                                         std::size_t read_ahead_bytes = kDefaultReadAheadBytes);

}  // namespace tg::firmware::restore
