// job list|status|cancel|watch|continue, and saved jobs: job create|saved|delete|run.
#include <algorithm>
#include <ctime>

#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/dispatch.hpp"
#include "firmware/service/scheduler.hpp"

namespace tg::firmware::console {
namespace {

Result<std::uint64_t> job_id(const std::string& s) {
  if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string::npos)
    return Error(Errc::invalid_argument, "'" + s + "' is not a job number; 'job list' shows them");
  return static_cast<std::uint64_t>(std::stoull(s));
}

Result<service::JobManager*> manager(CommandContext& c) {
  if (!c.app.jobs) return Error(Errc::unsupported, "jobs are not available here");
  return c.app.jobs;
}

std::string when(std::int64_t t) {
  if (t <= 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

void describe_job(Reply& r, const service::JobInfo& j) {
  r.field("job", static_cast<std::int64_t>(j.id)).field("name", j.name).field("kind", j.kind);
  r.field("state", service::job_state_name(j.state));
  r.field("started", when(j.started)).field("finished", j.finished ? Cell(when(j.finished)) : Cell{});
  if (j.state == service::JobState::waiting_for_operator) r.field("operator_request", j.operator_request);
  if (j.has_progress) {
    const auto& p = j.progress;
    r.field("phase", std::string(p.phase.view()));
    r.field("bytes_done", static_cast<std::int64_t>(p.bytes_done)).field("bytes_total", static_cast<std::int64_t>(p.bytes_total));
    r.field("files_done", static_cast<std::int64_t>(p.files_done)).field("files_total", static_cast<std::int64_t>(p.files_total));
    // A rate and an ETA only while the job moves data: not while it waits
    // for an operator or a drive, not once it ended.
    const bool moving = j.state == service::JobState::running;
    r.field("rate_mb_per_s", moving ? p.rate_bytes_per_s / 1e6 : 0.0)
        .field("eta_seconds", moving && p.eta_seconds >= 0 ? Cell(p.eta_seconds) : Cell{});
    r.field("cartridge", cell_or_none(std::string(p.cartridge.view()))).field("drive", cell_or_none(std::string(p.drive.view())));
    r.field("streaming", p.streaming).field("stalls", static_cast<std::int64_t>(p.stalls));
    r.field("cartridges_used", std::int64_t{p.cartridges_used});
  }
  if (j.state == service::JobState::failed || j.state == service::JobState::cancelled) r.field("error", j.error.message);
  for (const auto& l : j.log_tail) r.note(l);
}

Result<Reply> job_list(CommandContext& c) {
  auto* m = TG_TRY(manager(c));
  Reply r;
  auto& t = r.table("jobs", "Jobs", {"id", "name", "state", "started", "progress"});
  for (const auto& j : m->list()) t.rows.push_back({static_cast<std::int64_t>(j.id), j.name, service::job_state_name(j.state),
                                                    when(j.started), progress_line(j)});
  return r;
}

Result<Reply> job_status(CommandContext& c) {
  if (c.args().empty()) return job_list(c);
  auto* m = TG_TRY(manager(c));
  const auto id = TG_TRY(job_id(c.arg(0)));
  auto j = TG_TRY(m->get(id));
  Reply r;
  describe_job(r, j);
  // A job's report, also when it says the job failed (Reply::failed).
  if (j.state == service::JobState::succeeded || j.summary.failed) {
    for (auto& f : j.summary.fields) r.fields.push_back(f);
    for (auto& t : j.summary.tables) r.tables.push_back(t);
    // The summary line is also the job's last log line: shown once.
    for (auto& n : j.summary.notes)
      if (std::find(r.notes.begin(), r.notes.end(), n) == r.notes.end()) r.notes.push_back(n);
  }
  return r;
}

Result<Reply> job_cancel(CommandContext& c) {
  auto* m = TG_TRY(manager(c));
  auto id = TG_TRY(job_id(c.arg(0)));
  TG_CHECK(m->cancel(id));
  // A job waiting for a drive notices at once.
  if (c.app.drives) c.app.drives->wake_waiters();
  Reply r;
  r.note("asked job " + std::to_string(id) + " to stop; it stops at its next safe point");
  return r;
}

Result<Reply> job_continue(CommandContext& c) {
  auto* m = TG_TRY(manager(c));
  auto id = TG_TRY(job_id(c.arg(0)));
  TG_CHECK(m->resume(id));
  Reply r;
  r.note("job " + std::to_string(id) + " continues");
  return r;
}

// Follows a job until it ends (or the watcher leaves: the job goes on).
Result<Reply> job_watch(CommandContext& c) {
  auto* m = TG_TRY(manager(c));
  auto id = TG_TRY(job_id(c.arg(0)));
  std::uint64_t seen = 0;
  std::string last;
  for (;;) {
    auto j = TG_TRY(m->wait(id, seen, std::chrono::milliseconds(250)));
    seen = j.generation;
    if (service::job_finished(j.state)) {
      if (j.state != service::JobState::succeeded && !j.summary.failed)
        return Error(j.error.code, "job " + std::to_string(id) + " (" + j.name + ") " + service::job_state_name(j.state) + ": " + j.error.message);
      // The report; when it says the job failed, so does the watcher's exit status.
      Reply r = j.summary;
      r.fields.insert(r.fields.begin(),
                      {{"job", static_cast<std::int64_t>(id)}, {"state", service::job_state_name(j.state)}});
      return r;
    }
    std::string line = progress_line(j);
    if (line != last) c.io.stream(line + "\n", true);
    last = line;
    if (c.io.stop_requested()) {
      Reply r;
      r.note("stopped watching job " + std::to_string(id) + "; it keeps running");
      return r;
    }
  }
}

Result<Reply> job_create(CommandContext& c) {
  if (!c.app.saved) return Error(Errc::unsupported, "saved jobs need a state directory");
  service::SavedJob j;
  j.name = c.arg(0);
  TG_CHECK(service::check_job_name(j.name));
  if (c.app.saved->exists(j.name) && !c.req.force)
    return Error(Errc::invalid_argument, "saved job '" + j.name + "' exists; add --force to replace it");
  const auto* source = c.req.args.get("source");
  const auto* pool = c.req.args.get("pool");
  if (!source || source->empty() || !pool || pool->empty())
    return Error(Errc::invalid_argument, "job create needs --source REPO and --pool P; usage: " + c.req.spec->usage);
  j.source = *source;
  j.pool = *pool;
  if (const auto* k = c.req.args.get("kind")) j.kind = *k;
  if (const auto* s = c.req.args.get("schedule")) j.schedule = TG_TRY(service::parse_schedule(*s));
  TG_CHECK(c.app.saved->save(j));
  if (c.app.log) c.app.log->add(LogLevel::info, "console", "saved job '" + j.name + "' created");
  Reply r;
  r.field("name", j.name).field("kind", j.kind).field("source", j.source).field("pool", j.pool);
  r.field("schedule", j.schedule ? Cell(j.schedule->text()) : Cell{});
  if (j.schedule && c.app.clock) r.field("next_run", when(j.schedule->next_after(c.app.clock->wall_seconds())));
  if (!c.app.runners.count(j.kind)) r.note("note: this build has no engine for '" + j.kind + "' jobs yet; the definition is kept");
  return r;
}

Result<Reply> job_saved(CommandContext& c) {
  if (!c.app.saved) return Error(Errc::unsupported, "saved jobs need a state directory");
  std::vector<std::string> problems;
  auto all = c.app.saved->load_all(&problems);
  Reply r;
  auto& t = r.table("saved_jobs", "Saved jobs", {"name", "kind", "source", "pool", "schedule", "next_run", "last_run", "last_result"});
  std::int64_t now = c.app.clock ? c.app.clock->wall_seconds() : 0;
  for (const auto& j : all)
    t.rows.push_back({j.name, j.kind, j.source, j.pool, j.schedule ? Cell(j.schedule->text()) : Cell{},
                      j.schedule ? Cell(when(j.schedule->next_after(std::max(now, j.last_run)))) : Cell{}, when(j.last_run),
                      cell_or_none(j.last_result)});
  for (const auto& p : problems) r.note("skipped: " + p);
  return r;
}

Result<Reply> job_delete(CommandContext& c) {
  if (!c.app.saved) return Error(Errc::unsupported, "saved jobs need a state directory");
  TG_CHECK(c.app.saved->remove(c.arg(0)));
  Reply r;
  r.note("saved job '" + c.arg(0) + "' deleted");
  return r;
}

Result<Reply> job_run(CommandContext& c) {
  if (!c.app.saved) return Error(Errc::unsupported, "saved jobs need a state directory");
  auto def = TG_TRY(c.app.saved->load(c.arg(0)));
  auto id = TG_TRY(service::start_saved_job(c.app, def));
  if (c.app.in_service) {
    Reply r;
    r.field("job", static_cast<std::int64_t>(id));
    r.note("started saved job '" + def.name + "' as job " + std::to_string(id) + "; 'job watch " + std::to_string(id) + "' follows it");
    return r;
  }
  Request watch_req = c.req;
  watch_req.args.positional = {std::to_string(id)};
  CommandContext wc{c.app, c.io, watch_req, c.table};
  return job_watch(wc);
}

}  // namespace

Status register_job_commands(CommandTable& t) {
  TG_CHECK(t.add({.name = "job list", .usage = "job list", .summary = "running and recent jobs", .handler = job_list, .needs_library = false, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "job status", .usage = "job status [ID]", .summary = "one job in detail (all jobs without ID)",
                  .handler = job_status, .needs_library = false, .max_args = 1, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "job cancel", .usage = "job cancel ID", .summary = "stop a job at its next safe point",
                  .handler = job_cancel, .needs_library = false, .min_args = 1, .max_args = 1, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "job watch", .usage = "job watch ID", .summary = "follow a job's progress until it ends",
                  .help = "Leaving (ctrl-C, disconnect) stops watching; the job goes on.", .handler = job_watch,
                  .needs_library = false, .min_args = 1, .max_args = 1, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "job continue", .usage = "job continue ID", .summary = "tell a job waiting for the operator that it is done",
                  .handler = job_continue, .needs_library = false, .min_args = 1, .max_args = 1, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "job create", .usage = "job create NAME --source REPO --pool P [--schedule S] [--kind K]",
                  .summary = "save a job definition (STATE/jobs/NAME.job)",
                  .help = "Schedules: hourly, daily@HH:MM, weekly@DAY@HH:MM (DAY mon..sun), local time. Kind defaults to backup. "
                          "--force replaces an existing definition.",
                  .handler = job_create, .needs_library = false, .min_args = 1, .max_args = 1,
                  .options = {{"source", true}, {"pool", true}, {"schedule", true}, {"kind", true}}, .role = access::Role::admin}));
  TG_CHECK(t.add({.name = "job saved", .usage = "job saved", .summary = "saved job definitions with their schedules",
                  .handler = job_saved, .needs_library = false, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "job delete", .usage = "job delete NAME", .summary = "delete a saved job definition", .handler = job_delete,
                  .needs_library = false, .min_args = 1, .max_args = 1, .role = access::Role::admin}));
  TG_CHECK(t.add({.name = "job run", .usage = "job run NAME", .summary = "run a saved job now", .handler = job_run,
                  .min_args = 1, .max_args = 1, .role = access::Role::operator_}));
  return {};
}

Result<CommandTable> make_command_table() {
  CommandTable t;
  TG_CHECK(register_system_commands(t));
  TG_CHECK(register_library_commands(t));
  TG_CHECK(register_drive_commands(t));
  TG_CHECK(register_job_commands(t));
  TG_CHECK(register_media_commands(t));
  TG_CHECK(register_backup_commands(t));
  TG_CHECK(register_restore_commands(t));
  TG_CHECK(register_metrics_commands(t));
  TG_CHECK(register_user_commands(t));
  TG_CHECK(register_sim_commands(t));
  return t;
}

}  // namespace tg::firmware::console
