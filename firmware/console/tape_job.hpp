#pragma once
// What a console tape job (backup, restore, verify, label, read labels,
// catalog rebuild, dump) holds while it runs: its own catalog connection,
// the drive reservations the engines load cartridges through, and the
// console's locks on the changer and every drive, so that no console
// command (load, unload, drive rewind) moves or talks to a cartridge the
// job is using (field lessons: a restore used a volume another job was
// still unloading).
#include <memory>
#include <string>
#include <vector>

#include "firmware/catalog/catalog.hpp"
#include "firmware/console/command_context.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/pools/drive_reservations.hpp"
#include "firmware/service/resource_locks.hpp"

namespace tg::firmware::console {

// The catalog of the state directory (STATE/catalog.sqlite); opening it
// runs the catalog's crash recovery.
Result<std::unique_ptr<catalog::Catalog>> open_catalog(const Appliance& app);

struct TapeJobResources {
  std::vector<service::Lease> leases;        // changer + drives, released last
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<pools::DriveReservations> drives;
};

// Waits (cancellably, saying so in the job's progress) for the changer and
// every drive, then opens the catalog. Locks are always taken in the same
// order (changer, then drives by name), so two tape jobs never deadlock:
// the second waits for the first to finish.
Result<TapeJobResources> acquire_tape_job(Appliance& app, drivers::Library& lib, JobContext& ctx, const std::string& owner);

// "1.5 GiB in 12.0 s (125.0 MB/s)"
std::string amount_and_rate(std::uint64_t bytes, double seconds);

}  // namespace tg::firmware::console
