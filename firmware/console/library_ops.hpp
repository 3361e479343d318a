#pragma once
// The library operations console commands (and jobs) are built from, each
// taking the locks it needs: the changer for the time of one command, a
// drive for as long as the caller holds the returned lease.
#include <chrono>
#include <optional>
#include <string>

#include "drivers/library.hpp"
#include "firmware/console/appliance.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/service/resource_locks.hpp"

namespace tg::firmware::console {

// Drive lease that fails at once with Errc::busy naming the job using it.
Result<service::Lease> claim_drive(Appliance& app, const std::string& drive, const std::string& owner);
// Changer lease; waits (changer commands are short).
Result<service::Lease> claim_changer(Appliance& app, const std::string& owner);

Result<drivers::Inventory> read_inventory(Appliance& app, drivers::Library& lib);

// The drive by name, or an error listing the drives.
Result<drivers::LibraryDrive*> find_drive(drivers::Library& lib, const std::string& name);

struct LoadResult {
  std::string drive;
  std::string from;  // "slot 3 (address 1026)"
};
// Moves the cartridge `barcode` into `drive` (or the first free drive whose
// lease is free) and waits until the drive is ready.
Result<LoadResult> load_cartridge(Appliance& app, drivers::Library& lib, const std::string& barcode,
                                  const std::optional<std::string>& drive, const std::string& owner);

struct UnloadResult {
  std::string barcode;
  std::string to;    // "slot 3 (address 1026)"
  bool cleaning_requested = false;  // TapeAlert asked, auto-clean is on
  std::uint64_t clean_job = 0;      // the clean job started for it (0: none)
};
// Ejects the cartridge in `d` and puts it back where it came from (its
// source element if that is an empty slot, else the first free slot).
// The caller holds d's lease. With auto-clean on and TapeAlert asking for
// cleaning, a clean job is started (it waits for the lease).
Result<UnloadResult> unload_to_home(Appliance& app, drivers::Library& lib, drivers::LibraryDrive& d);

struct HeldDriveLease {
  drivers::LibraryDrive* drive = nullptr;
  service::Lease lease;
};
// For jobs: the first drive that is free (or `only` when given), waiting
// while all are busy and saying so in the job's progress; Errc::cancelled
// when the job is cancelled meanwhile.
Result<HeldDriveLease> wait_for_drive(Appliance& app, drivers::Library& lib, JobContext& ctx, const std::string& owner,
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
