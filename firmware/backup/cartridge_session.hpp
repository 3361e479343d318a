#pragma once
// The cartridges of one backup job: one reserved drive, the cartridge in
// it, and the walk to the next one. Allocation follows pools (in-library
// first, then the operator), loading and label checks follow
// pools::mount_for_write (append -> label checked, SPACE to end of data,
// never a remembered position; new -> label written). Every step names
// the barcode and the drive.
//
// Block size: a cartridge is written in the block size its label records
// (docs/tape-format.md). The job's size is settled by its first cartridge:
// appending to one labelled for another size the drive can write, the job
// takes that size; once the stream has begun (lock_block_size), an
// appendable cartridge labelled for another size is passed over for this
// job and another cartridge is allocated.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "firmware/catalog/catalog.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "firmware/pools/cartridge_mount.hpp"
#include "hal/result.hpp"

namespace tg::firmware::backup {

struct SessionConfig {
  std::string pool;
  std::string media_set;
  std::string owner;                  // "job 12 backup nightly"
  std::optional<std::string> drive;   // a named drive, or any free one
  std::uint32_t block_size = 0;       // the job's: new labels record it, appends must match it
  std::string host;
  std::chrono::milliseconds operator_wait{std::chrono::minutes(10)};  // per wait_for_operator call
  std::chrono::milliseconds operator_poll{std::chrono::seconds(5)};   // the library looked at again after this
};

class CartridgeSession {
 public:
  CartridgeSession(catalog::Catalog& cat, drivers::Library& lib, library::DriveReservations& drives,
                   JobContext& ctx, SessionConfig cfg);
  ~CartridgeSession();

  // Reserves the drive (once) and mounts the next writable cartridge,
  // waiting for the operator while the pool has none in the library.
  // Errc::cancelled if the job is cancelled meanwhile.
  Status mount_next();
  // The current cartridge is full (early warning reached): catalog state full, unload.
  Status retire_full();
  // The current cartridge failed (medium error): catalog state bad with the
  // sense text, unload; it is never allocated again.
  Status retire_bad(const std::string& why);
  // Unloads the current cartridge home (end of job).
  Status finish();

  // Progress during loads and cartridge changes goes to the job through
  // `snap` (the caller keeps its bytes and files current); null: none.
  void report_progress_in(ProgressSnapshot* snap) { snap_ = snap; }
  std::uint32_t block_size() const { return cfg_.block_size; }
  void lock_block_size() { block_size_locked_ = true; }

  drivers::TapeDrive& drive();
  const std::string& barcode() const { return barcode_; }
  const std::string& drive_name() const;
  std::uint32_t take_file_number() { return next_file_++; }
  std::uint64_t position() const { return position_; }
  void advance(std::uint64_t objects) { position_ += objects; }
  const std::vector<std::string>& used() const { return used_; }

 private:
  Result<std::vector<std::string>> barcodes_in_library();
  // The block size to append to `barcode` in: the job's, or its label's
  // while the job's is not locked and the drive can write it; 0 (logged
  // why) when the job must not append to it.
  Result<std::uint32_t> append_block_size(const std::string& barcode);
  void report(const std::string& phase, const std::string& barcode);
  // Bytes left on the loaded cartridge per its cartridge memory (MAM
  // remaining capacity, MiB), when the drive reports it.
  std::optional<std::uint64_t> room_left();
  catalog::Catalog& cat_;
  drivers::Library& lib_;
  library::DriveReservations& drives_;
  JobContext& ctx_;
  SessionConfig cfg_;
  std::optional<library::DriveLease> lease_;
  std::string barcode_;
  std::uint32_t sequence_ = 0;         // of the current (or last) cartridge in the media set
  std::uint32_t next_file_ = 1;
  std::uint64_t position_ = 0;
  std::set<std::string> exclude_;
  std::vector<std::string> used_;
  bool block_size_locked_ = false;
  ProgressSnapshot* snap_ = nullptr;
};

}  // namespace tg::firmware::backup
