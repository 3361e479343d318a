#include "firmware/console/tape_job.hpp"

#include <cstdio>

#include "firmware/console/dispatch.hpp"
#include "firmware/console/library_ops.hpp"

namespace tg::firmware::console {

Result<std::unique_ptr<catalog::Catalog>> open_catalog(const Appliance& app) {
  if (!app.clock) return Error(Errc::unsupported, "no clock: the catalog cannot be opened here");
  auto cat = catalog::Catalog::open(app.paths.catalog(), *app.clock);
  if (!cat) return std::move(cat).error().with_context("catalog " + app.paths.catalog().string());
  return std::move(*cat);
}

Result<TapeJobResources> acquire_tape_job(Appliance& app, JobContext& ctx, const std::string& what,
                                          const std::optional<std::string>& drive) {
  auto lease = TG_TRY(wait_for_drive(app, ctx, job_owner(ctx, what), drive));
  ProgressSnapshot p;
  p.phase.set("starting");
  p.drive.set(lease.name());
  ctx.progress(p);
  auto catalog = TG_TRY(open_catalog(app));
  auto share = std::make_unique<pools::DriveReservations>(lease);
  return TapeJobResources{std::move(lease), std::move(catalog), std::move(share)};
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
