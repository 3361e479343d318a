#include "firmware/console/tape_job.hpp"

#include <cstdio>

#include "firmware/console/dispatch.hpp"
#include "firmware/console/library_ops.hpp"
#include "firmware/library/drive_cleaning.hpp"

namespace tg::firmware::console {

Result<std::unique_ptr<catalog::Catalog>> open_catalog(const Appliance& app) {
  if (!app.clock) return Error(Errc::unsupported, "no clock: the catalog cannot be opened here");
  auto cat = catalog::Catalog::open(app.paths.catalog(), *app.clock);
  if (!cat) return std::move(cat).error().with_context("catalog " + app.paths.catalog().string());
  return std::move(*cat);
}

namespace {

// A drive for the job that does not ask for cleaning (or was cleaned).
Result<library::DriveLease> reserve_ready_drive(Appliance& app, JobContext& ctx, const std::string& owner,
                                              const std::optional<std::string>& only, library::DriveReadiness& readiness) {
  drivers::Library* lib = app.library;
  if (!lib) return Error(Errc::unsupported, "no board is open");
  hal::Clock& clock = app.clock ? *app.clock : hal::system_clock();
  auto ready = [&](library::DriveLease& l) { return library::ready_for_job(*lib, l, app.board.auto_clean, ctx, clock); };
  if (!only && app.drives) {
    // Free drives first, each checked; one asking for cleaning (auto-clean
    // off) is passed over for the next.
    std::optional<Error> refused;
    for (auto& d : lib->drives) {
      if (!d.drive) continue;
      auto l = app.drives->reserve(owner, d.drive->name());
      if (!l) continue;
      auto r = ready(*l);
      if (r) {
        readiness = *r;
        return std::move(*l);
      }
      if (r.error().code != Errc::busy) return std::move(r).error();
      ctx.log(LogLevel::warning, r.error().message + "; trying another drive");
      refused = std::move(r).error();
    }
    if (refused) return std::move(*refused).with_context("no drive fit for the job");
  }
  auto lease = TG_TRY(wait_for_drive(app, ctx, owner, only));
  readiness = TG_TRY(ready(lease));
  return lease;
}

}  // namespace

JobEndCheck::~JobEndCheck() {
  if (!lease_ || !app_->library) return;
  hal::Clock& clock = app_->clock ? *app_->clock : hal::system_clock();
  (void)library::clean_if_asked_at_end(*app_->library, *lease_, app_->board.auto_clean, *ctx_, clock);
}

Result<TapeJobResources> acquire_tape_job(Appliance& app, JobContext& ctx, const std::string& what,
                                          const std::optional<std::string>& drive) {
  library::DriveReadiness readiness;
  auto got = TG_TRY(reserve_ready_drive(app, ctx, job_owner(ctx, what), drive, readiness));
  auto lease = std::make_unique<library::DriveLease>(std::move(got));
  ProgressSnapshot p;
  p.phase.set("starting");
  p.drive.set(lease->name());
  ctx.progress(p);
  auto catalog = TG_TRY(open_catalog(app));
  auto share = std::make_unique<library::DriveReservations>(*lease);
  JobEndCheck at_end(app, ctx, *lease);
  return TapeJobResources{std::move(lease), std::move(catalog), std::move(share), std::move(at_end), readiness};
}

std::string amount_and_rate(std::uint64_t bytes, double seconds) {
  std::string s = human_bytes(bytes);
  char buf[64];
  if (seconds > 0) {
    std::snprintf(buf, sizeof buf, " in %.1f s (%.1f MB/s)", seconds, static_cast<double>(bytes) / seconds / 1e6);
    s += buf;
  }
  return s;
}

}  // namespace tg::firmware::console
