#pragma once
// The library operations console commands (and jobs) are built from, on the
// appliance's drive reservations: the changer locked for one inventory read
// and the move decided on it, a drive for as long as the caller holds the
// returned lease.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "drivers/library.hpp"
#include "firmware/console/appliance.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/pools/drive_reservations.hpp"

namespace tg::firmware::console {

// The appliance's reservations; Errc::internal when a board was wired without.
Result<pools::DriveReservations*> reservations(Appliance& app);
// Drive lease that fails at once with Errc::busy naming the job using it.
Result<pools::DriveLease> claim_drive(Appliance& app, const std::string& drive, const std::string& owner);
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
// Moves the cartridge `barcode` into `drive` (or the first empty drive that
// is free) and waits until the drive is ready.
Result<LoadResult> load_cartridge(Appliance& app, drivers::Library& lib, const std::string& barcode,
                                  const std::optional<std::string>& drive, const std::string& owner);

struct UnloadResult {
  std::string barcode;
  std::string to;    // "slot 3 (address 1026)"
  bool cleaning_requested = false;  // TapeAlert asked, auto-clean is on
  std::uint64_t clean_job = 0;      // the clean job started for it (0: none)
};
// Ejects the cartridge in the leased drive and puts it back where it came
// from (pools::home_slot). With auto-clean on and TapeAlert asking for
// cleaning, a clean job is started (it waits for the lease).
Result<UnloadResult> unload_to_home(Appliance& app, drivers::Library& lib, pools::DriveLease& lease);

// What a job is called where it holds a drive: "job 3 (backup nightly)",
// or `what` when its runner does not number jobs.
std::string job_owner(const JobContext& ctx, const std::string& what);
// For jobs: the first drive that is free (or `only` when given), waiting
// while all are busy and saying so (and who holds them) in the job's
// progress and log; Errc::cancelled when the job is cancelled meanwhile.
Result<pools::DriveLease> wait_for_drive(Appliance& app, JobContext& ctx, const std::string& owner,
                                         const std::optional<std::string>& only = std::nullopt);

// A UNIT ATTENTION is reported instead of running the command (SPC-4
// 5.14: the first command after a reset or a medium change gets it). The
// console knows the context -- the operator wants the command done, and the
// changer's state is re-read anyway -- so it tries exactly once more.
template <class F>
auto retry_unit_attention(F&& f) -> decltype(f()) {
  auto r = f();
  if (!r.ok() && r.error().code == Errc::unit_attention) return f();
  return r;
}

// Takes the UNIT ATTENTION a drive holds after a reset or a cartridge
// change (every fresh connection to a drive starts with one), so the
// command the operator asked for is not the one that receives it. Other
// conditions (no medium, not ready) are left for the command to report.
void absorb_unit_attention(drivers::TapeDrive& drive);

// How long a drive may take to become ready after a load: an LTO-8 manual
// recommends 14 minutes for load/unload (field lessons).
inline constexpr std::chrono::minutes kLoadTimeout{15};

}  // namespace tg::firmware::console
