#pragma once
// The console's side of the library operations (firmware/library): the
// appliance's drive reservations as commands claim them, and load/unload as
// the operator names them (by barcode, any free drive); the moves themselves,
// unit-attention policy and cleaning are firmware/library's.
#include <mutex>
#include <optional>
#include <string>

#include "drivers/library.hpp"
#include "firmware/console/appliance.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/library/drive_reservations.hpp"

namespace tg::firmware::console {

// The appliance's reservations; Errc::internal when a board was wired without.
Result<library::DriveReservations*> reservations(Appliance& app);
// Drive lease that fails at once with Errc::busy naming the job using it.
Result<library::DriveLease> claim_drive(Appliance& app, const std::string& drive, const std::string& owner);
// The changer to oneself; waits (changer commands are short). Not held
// while a drive rewinds or loads.
std::unique_lock<std::mutex> lock_changer(Appliance& app);

// Under the changer lock; for commands that only look.
Result<drivers::Inventory> read_inventory(Appliance& app, drivers::Library& lib);

// The drive by name, or an error listing the drives.
Result<drivers::LibraryDrive*> find_drive(drivers::Library& lib, const std::string& name);

struct LoadResult {
  std::string drive;
  std::string from;  // "slot 3 (address 1026)"
};
// Claims `drive` (or the first empty drive that is free) and loads
// `barcode` into it (library::load_cartridge).
Result<LoadResult> load_cartridge(Appliance& app, drivers::Library& lib, const std::string& barcode,
                                  const std::optional<std::string>& drive, const std::string& owner);

struct UnloadResult {
  std::string barcode;
  std::string to;    // "slot 3 (address 1026)"
  bool cleaning_requested = false;  // TapeAlert asked, auto-clean is on
  std::uint64_t clean_job = 0;      // the clean job started for it (0: none)
};
// library::unload_cartridge on the leased drive. With auto-clean on and
// TapeAlert asking for cleaning after the unload, a clean job is started (it
// waits for the lease).
Result<UnloadResult> unload_to_home(Appliance& app, drivers::Library& lib, library::DriveLease& lease);

// What a job is called where it holds a drive: "job 3 (backup nightly)",
// or `what` when its runner does not number jobs.
std::string job_owner(const JobContext& ctx, const std::string& what);
// library::wait_for_drive on the appliance's reservations.
Result<library::DriveLease> wait_for_drive(Appliance& app, JobContext& ctx, const std::string& owner,
                                         const std::optional<std::string>& only = std::nullopt);

}  // namespace tg::firmware::console
