#pragma once
// The cartridges of one backup job: one reserved drive, the cartridge in
// it, and the walk to the next one. Allocation follows pools (in-library
// first, then the operator), loading and label checks follow
// pools::mount_for_write (append -> label checked, SPACE to end of data,
// never a remembered position; new -> label written). Every step names
// the barcode and the drive.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "firmware/catalog/catalog.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/pools/cartridge_mount.hpp"
#include "firmware/pools/drive_reservations.hpp"
#include "hal/result.hpp"

namespace tg::firmware::backup {

struct SessionConfig {
  std::string pool;
  std::string media_set;
  std::string owner;                  // "job 12 backup nightly"
  std::optional<std::string> drive;   // a named drive, or any free one
  std::uint32_t block_size = 0;       // recorded in new labels
  std::string host;
  std::chrono::milliseconds operator_wait{std::chrono::minutes(10)};  // per wait_for_operator call
};

class CartridgeSession {
 public:
  CartridgeSession(catalog::Catalog& cat, drivers::Library& lib, pools::DriveReservations& drives,
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

  drivers::TapeDrive& drive();
  const std::string& barcode() const { return barcode_; }
  const std::string& drive_name() const;
  std::uint32_t take_file_number() { return next_file_++; }
  std::uint64_t position() const { return position_; }
  void advance(std::uint64_t objects) { position_ += objects; }
  const std::vector<std::string>& used() const { return used_; }

 private:
  Result<std::vector<std::string>> barcodes_in_library();
  catalog::Catalog& cat_;
  drivers::Library& lib_;
  pools::DriveReservations& drives_;
  JobContext& ctx_;
  SessionConfig cfg_;
  std::optional<pools::DriveLease> lease_;
  std::string barcode_;
  std::uint32_t next_file_ = 1;
  std::uint64_t position_ = 0;
  std::set<std::string> exclude_;
  std::vector<std::string> used_;
};

}  // namespace tg::firmware::backup
