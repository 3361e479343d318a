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
#include "firmware/library/drive_cleaning.hpp"
#include "firmware/library/drive_reservations.hpp"

namespace tg::firmware::console {

// The catalog of the state directory (STATE/catalog.sqlite); opening it
// runs the catalog's crash recovery.
Result<std::unique_ptr<catalog::Catalog>> open_catalog(const Appliance& app);

// At the end of the job, before the drive is let go: TapeAlert is read and
// a drive asking for cleaning is cleaned (auto-clean) or reported in the
// job's log (library::clean_if_asked_at_end).
class JobEndCheck {
 public:
  JobEndCheck(Appliance& app, JobContext& ctx, library::DriveLease& lease) : app_(&app), ctx_(&ctx), lease_(&lease) {}
  JobEndCheck(JobEndCheck&& o) noexcept : app_(o.app_), ctx_(o.ctx_), lease_(o.lease_) { o.lease_ = nullptr; }
  JobEndCheck& operator=(JobEndCheck&&) = delete;
  ~JobEndCheck();

 private:
  Appliance* app_;
  JobContext* ctx_;
  library::DriveLease* lease_;
};

struct TapeJobResources {
  std::unique_ptr<library::DriveLease> drive;          // in the appliance's reservations; released last
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<library::DriveReservations> drives;  // the job's share: `drive` only
  JobEndCheck at_end;                                // runs first, while the drive is still held
  library::DriveReadiness readiness;                 // what readying the drive took (a cleaning)
};

// Waits (cancellably, saying so and who holds the drives in the job's
// progress and log) for `drive`, or any drive, readies it for the job
// (library::ready_for_job: power-on attentions taken, a drive asking for
// cleaning cleaned with auto-clean on, otherwise another drive taken, or
// the job stops saying why), then opens the catalog. A
// job holds one drive, so two tape jobs never wait for each other in a
// cycle. `what` names the job where the job manager does not number it.
Result<TapeJobResources> acquire_tape_job(Appliance& app, JobContext& ctx, const std::string& what,
                                          const std::optional<std::string>& drive = std::nullopt);

// "1.5 GiB in 12.0 s (125.0 MB/s)"
std::string amount_and_rate(std::uint64_t bytes, double seconds);

}  // namespace tg::firmware::console
