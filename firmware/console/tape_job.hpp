#pragma once
// What a console tape job (backup, restore, verify, label, read labels,
// catalog rebuild, dump) holds while it runs: one drive of the appliance's
// reservations, so that no console command (load, unload, drive rewind)
// and no other job moves or talks to a cartridge in it (field lessons: a
// restore used a volume another job was still unloading); the share of the
// library its engines reserve that drive from; its own catalog connection.
// Other jobs run on the other drives at the same time; the changer is
// theirs only for one move at a time.
#include <memory>
#include <optional>
#include <string>

#include "firmware/catalog/catalog.hpp"
#include "firmware/console/command_context.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/pools/drive_reservations.hpp"

namespace tg::firmware::console {

// The catalog of the state directory (STATE/catalog.sqlite); opening it
// runs the catalog's crash recovery.
Result<std::unique_ptr<catalog::Catalog>> open_catalog(const Appliance& app);

struct TapeJobResources {
  pools::DriveLease drive;                           // in the appliance's reservations; released last
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<pools::DriveReservations> drives;  // the job's share: `drive` only
};

// Waits (cancellably, saying so and who holds the drives in the job's
// progress and log) for `drive`, or any drive, then opens the catalog. A
// job holds one drive, so two tape jobs never wait for each other in a
// cycle. `what` names the job where the job manager does not number it.
Result<TapeJobResources> acquire_tape_job(Appliance& app, JobContext& ctx, const std::string& what,
                                          const std::optional<std::string>& drive = std::nullopt);

// "1.5 GiB in 12.0 s (125.0 MB/s)"
std::string amount_and_rate(std::uint64_t bytes, double seconds);

}  // namespace tg::firmware::console
