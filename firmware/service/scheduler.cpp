#include "firmware/service/scheduler.hpp"

#include <algorithm>

namespace tg::firmware::service {

Result<std::uint64_t> start_saved_job(console::Appliance& app, const SavedJob& def) {
  if (!app.jobs || !app.saved) return Error(Errc::unsupported, "saved jobs need the job manager");
  auto it = app.runners.find(def.kind);
  if (it == app.runners.end())
    return Error(Errc::unsupported, "saved job '" + def.name + "' is of kind '" + def.kind + "', which this build cannot run");
  const std::string title = def.kind + " " + def.name;
  for (const auto& j : app.jobs->list())
    if (j.name == title && !job_finished(j.state))
      return Error(Errc::busy, "saved job '" + def.name + "' is still running as job " + std::to_string(j.id));
  JobBody body = TG_TRY(it->second(def, app));
  SavedJob started = def;
  started.last_run = app.clock ? app.clock->wall_seconds() : 0;
  started.last_result = "running";
  TG_CHECK(app.saved->save(started));
  SavedJobStore* store = app.saved;
  std::string name = def.name;
  return app.jobs->start(title, def.kind, [body = std::move(body), store, name](JobContext& ctx) -> Result<console::Reply> {
    auto r = body(ctx);
    // Record the outcome in the definition (best effort: the definition
    // may have been deleted while the job ran).
    if (auto cur = store->load(name)) {
      cur->last_result = r.ok() ? "succeeded" : std::string(ctx.cancelled() ? "cancelled: " : "failed: ") + r.error().message;
      (void)store->save(*cur);
    }
    return r;
  });
}

std::size_t Scheduler::tick(std::int64_t now) {
  if (!app_.saved) return 0;
  std::size_t started = 0;
  for (auto& def : app_.saved->load_all()) {
    if (!def.schedule) continue;
    std::int64_t due = def.schedule->next_after(std::max(since_, def.last_run));
    if (now < due) continue;
    auto id = start_saved_job(app_, def);
    if (id) {
      ++started;
      if (app_.log) app_.log->add(LogLevel::info, "scheduler", "started saved job '" + def.name + "' as job " + std::to_string(*id));
      continue;
    }
    if (id.error().code == Errc::busy) {
      // Still running from last time: this occurrence is skipped.
      if (app_.log) app_.log->add(LogLevel::warning, "scheduler", id.error().message + "; this run is skipped");
    } else if (app_.log) {
      app_.log->add(LogLevel::error, "scheduler", "saved job '" + def.name + "' not started: " + id.error().message);
    }
    // Mark the occurrence as handled so it is not retried every tick.
    def.last_run = now;
    def.last_result = "not started: " + id.error().message;
    (void)app_.saved->save(def);
  }
  return started;
}

std::int64_t Scheduler::next_due(std::int64_t now) const {
  std::int64_t best = now + 3600;
  if (!app_.saved) return best;
  for (const auto& def : app_.saved->load_all())
    if (def.schedule) best = std::min(best, def.schedule->next_after(std::max(since_, def.last_run)));
  return best;
}

}  // namespace tg::firmware::service
