#include "firmware/console/tape_job.hpp"

#include <algorithm>
#include <cstdio>

#include "firmware/console/dispatch.hpp"

namespace tg::firmware::console {

Result<std::unique_ptr<catalog::Catalog>> open_catalog(const Appliance& app) {
  if (!app.clock) return Error(Errc::unsupported, "no clock: the catalog cannot be opened here");
  auto cat = catalog::Catalog::open(app.paths.catalog(), *app.clock);
  if (!cat) return std::move(cat).error().with_context("catalog " + app.paths.catalog().string());
  return std::move(*cat);
}

Result<TapeJobResources> acquire_tape_job(Appliance& app, drivers::Library& lib, JobContext& ctx, const std::string& owner) {
  TapeJobResources res;
  if (app.locks) {
    std::vector<std::string> names{"changer"};
    std::vector<std::string> drives;
    for (const auto& d : lib.drives)
      if (d.drive) drives.push_back(d.drive->name());
    std::sort(drives.begin(), drives.end());
    names.insert(names.end(), drives.begin(), drives.end());
    for (const auto& n : names) {
      if (auto held = app.locks->try_acquire(n, owner)) {
        res.leases.push_back(std::move(*held));
        continue;
      }
      ProgressSnapshot p;
      p.phase.set("waiting for " + n);
      ctx.progress(p);
      ctx.log(LogLevel::info, "waiting for " + n + " (in use by " + app.locks->owner_of(n) + ")");
      auto lease = app.locks->acquire(n, owner, [&ctx] { return ctx.cancelled(); });
      if (!lease) return std::move(lease).error();
      res.leases.push_back(std::move(*lease));
    }
  }
  res.catalog = TG_TRY(open_catalog(app));
  res.drives = std::make_unique<pools::DriveReservations>(lib);
  return res;
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
