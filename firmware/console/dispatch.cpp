#include "firmware/console/dispatch.hpp"

#include <cstdio>
#include <algorithm>
#include <exception>

#include "firmware/console/command_line.hpp"

namespace tg::firmware::console {

Result<drivers::Library*> CommandContext::library() const {
  if (!app.library) return Error(Errc::unsupported, "no board is open; give --board (an XML path, sim:..., or iscsi://...)");
  if (!app.drives) return Error(Errc::internal, "board " + app.library->name + " is open without its drive reservations");
  return app.library;
}

Status CommandContext::confirm_destructive(const std::string& what) {
  if (req.force) return {};
  if (io.interactive()) {
    if (io.confirm("This will " + what + ". Type 'yes' to go ahead: ")) return {};
    return Error(Errc::cancelled, "not confirmed; nothing was done");
  }
  return Error(Errc::invalid_argument, "'" + req.spec->name + "' would " + what + "; add --force to confirm");
}

std::string progress_line(const service::JobInfo& j) {
  std::string s = "job " + std::to_string(j.id) + " (" + j.name + "): " + service::job_state_name(j.state);
  if (j.state == service::JobState::waiting_for_operator) return s + ": " + j.operator_request;
  if (!j.has_progress) return s;
  const auto& p = j.progress;
  if (!p.phase.view().empty()) s += ", " + std::string(p.phase.view());
  if (p.bytes_done || p.bytes_total) s += ", " + human_bytes(p.bytes_done);
  if (p.bytes_total) {
    s += " of " + human_bytes(p.bytes_total);
    char pct[16];
    std::snprintf(pct, sizeof pct, " (%.0f%%)", 100.0 * static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total));
    s += pct;
  }
  if (p.files_total) s += ", " + std::to_string(p.files_done) + "/" + std::to_string(p.files_total) + " files";
  char buf[64];
  if (p.rate_bytes_per_s > 0) {
    std::snprintf(buf, sizeof buf, ", %.1f MB/s", p.rate_bytes_per_s / 1e6);
    s += buf;
  }
  if (p.eta_seconds >= 0) {
    auto e = static_cast<long long>(p.eta_seconds);
    std::snprintf(buf, sizeof buf, ", ETA %lld:%02lld:%02lld", e / 3600, (e / 60) % 60, e % 60);
    s += buf;
  }
  if (!p.cartridge.view().empty()) s += ", " + std::string(p.cartridge.view());
  if (!p.drive.view().empty()) s += " in " + std::string(p.drive.view());
  // A backup says whether its drive streams (the writer found data waiting
  // all through the last second) once data flows; other jobs only when not.
  if ((j.kind == "backup" && p.rate_bytes_per_s > 0) || !p.streaming) {
    s += p.streaming ? ", streaming" : ", not streaming";
    if (p.stalls) s += " (" + std::to_string(p.stalls) + " stalls so far)";
  }
  return s;
}

Result<Reply> CommandContext::run_job(std::string name, std::string kind, service::JobBody body) {
  if (!app.jobs) return Error(Errc::unsupported, "jobs are not available here");
  auto id = TG_TRY(app.jobs->start(std::move(name), std::move(kind), std::move(body)));
  if (app.in_service) {
    Reply r;
    r.field("job", static_cast<std::int64_t>(id));
    r.note("started job " + std::to_string(id) + "; 'job watch " + std::to_string(id) + "' follows it");
    return r;
  }
  // Foreground: the command lasts as long as the job; progress to the
  // progress stream (stderr), the job's summary as the reply.
  std::uint64_t seen = 0;
  std::string last;
  bool cancel_sent = false;
  for (;;) {
    auto j = TG_TRY(app.jobs->wait(id, seen, std::chrono::milliseconds(250)));
    seen = j.generation;
    if (!cancel_sent && io.stop_requested()) {
      (void)app.jobs->cancel(id);
      cancel_sent = true;
    }
    std::string line = progress_line(j);
    if (service::job_finished(j.state)) {
      // A job done before its first look still names itself once (its
      // number, for the log), whatever the timing.
      if (last.empty()) io.stream(line + "\n", true);
      // The report when there is one, failed or not: its failed flag makes
      // the exit status 1 (execute_words), as it made the job's state failed.
      if (j.state == service::JobState::succeeded || j.summary.failed) return j.summary;
      return j.error;
    }
    if (line != last) io.stream(line + "\n", true);
    last = line;
  }
}

Outcome execute_words(const CommandTable& table, Appliance& app, Interaction& io, const std::vector<std::string>& words,
                      bool json) {
  auto req = table.parse(words);
  if (!req) {
    json = json || std::find(words.begin(), words.end(), "--json") != words.end();
    return {kExitUsage, json ? render_error_json(req.error()) : render_error_text(req.error()), true, req.error().code};
  }
  json = json || req->json;
  CommandContext ctx{app, io, *req, table};
  Result<Reply> r = Error(Errc::internal, "not run");
  try {
    // Commands marked destructive confirm before their handler runs;
    // handlers confirm conditional cases themselves.
    Status confirmed;
    if (req->spec->destructive) {
      std::string what = req->spec->name;
      for (const auto& a : req->args.positional) what += " " + a;
      confirmed = ctx.confirm_destructive("run '" + what + "'");
    }
    if (confirmed) r = req->spec->handler(ctx);
    else r = std::move(confirmed).error();
  } catch (const std::exception& e) {
    r = Error(Errc::internal, "'" + req->spec->name + "' failed unexpectedly: " + e.what());
  } catch (...) {
    r = Error(Errc::internal, "'" + req->spec->name + "' failed unexpectedly");
  }
  if (!r) {
    int status = r.error().code == Errc::invalid_argument ? kExitUsage : kExitFailed;
    if (app.log && r.error().code != Errc::invalid_argument)
      app.log->add(LogLevel::warning, "console", req->spec->name + ": " + r.error().message);
    return {status, json ? render_error_json(r.error()) : render_error_text(r.error()), true, r.error().code};
  }
  return {r->failed ? kExitFailed : kExitOk, json ? render_json(*r) : render_text(*r)};
}

Outcome execute_line(const CommandTable& table, Appliance& app, Interaction& io, std::string_view line, bool json) {
  auto words = split_command_line(line);
  if (!words)
    return {kExitUsage, json ? render_error_json(words.error()) : render_error_text(words.error()), true, words.error().code};
  return execute_words(table, app, io, *words, json);
}

}  // namespace tg::firmware::console
