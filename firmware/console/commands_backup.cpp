// `backup <repository> --pool P`: the product's main job, repository -> tape,
// run through the job manager with progress (bytes, rate, ETA, cartridge).
#include <filesystem>
#include <unistd.h>

#include "firmware/backup/backup_job.hpp"
#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/saved_backup.hpp"
#include "firmware/console/dispatch.hpp"
#include "firmware/console/quantity.hpp"
#include "firmware/console/tape_job.hpp"
#include "firmware/pools/cartridge_mount.hpp"

namespace tg::firmware::console {
namespace {

namespace fs = std::filesystem;

// A whole number in [lo, hi] for an option, or invalid_argument naming it.
Result<std::uint64_t> parse_count(const std::string& text, const char* option, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t v = 0;
  if (text.empty() || text.size() > 12) return Error(Errc::invalid_argument, std::string(option) + " needs a whole number");
  for (char ch : text) {
    if (ch < '0' || ch > '9') return Error(Errc::invalid_argument, std::string(option) + " needs a whole number, not '" + text + "'");
    v = v * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  if (v < lo || v > hi)
    return Error(Errc::invalid_argument, std::string(option) + " must be between " + std::to_string(lo) + " and " +
                                             std::to_string(hi));
  return v;
}

// Everything a backup request needs that the operator did not say.
Result<backup::BackupRequest> backup_request(const Appliance& app, const std::string& repository_dir, const std::string& pool,
                                             std::optional<std::string> name, std::optional<std::string> job_name) {
  if (pool.empty()) return Error(Errc::invalid_argument, "a backup needs a pool (--pool P)");
  std::error_code ec;
  fs::path root = fs::absolute(repository_dir, ec);
  if (ec || !fs::is_directory(root, ec))
    return Error(Errc::not_found, "repository '" + repository_dir + "' is not a directory this appliance can read");
  root = fs::weakly_canonical(root, ec);
  backup::BackupRequest req;
  req.root = root;
  // The catalog keys files by repository name: the canonical path unless
  // the operator names it (a repository mounted at different paths over time).
  req.repository = name ? *name : root.string();
  if (req.repository.empty()) return Error(Errc::invalid_argument, "--name must not be empty");
  req.pool = pool;
  req.job_name = job_name ? *job_name : "backup-" + req.pool;
  req.block_size = app.board.block_size;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0]) req.host = host;
  // Fail before starting a job when the pool does not exist.
  auto cat = TG_TRY(open_catalog(app));
  if (!cat->pool(req.pool)) return Error(Errc::not_found, "pool '" + req.pool + "' does not exist; 'pool create " + req.pool + "' makes it");
  return req;
}

Result<Reply> run_backup_job(Appliance& app, drivers::Library& lib, const backup::BackupRequest& req, JobContext& ctx) {
  auto res = TG_TRY(acquire_tape_job(app, ctx, "backup " + req.job_name, req.drive));
  const std::string drive_name = res.drive->name();
  const library::DriveReadiness readiness = res.readiness;
  // Cartridges the catalog has never seen are read first, so the job can
  // tell blank ones (which it assigns to the pool) from others' data.
  ProgressSnapshot p;
  p.phase.set("reading new labels");
  ctx.progress(p);
  auto labels = TG_TRY(pools::read_labels(*res.catalog, *res.drives, false));
  for (const auto& l : labels)
    ctx.log(LogLevel::info, l.barcode + ": " + (l.content ? format::medium_content_name(*l.content) : "unreadable") +
                                (l.detail.empty() ? "" : " (" + l.detail + ")"));
  auto s = TG_TRY(backup::run_backup(req, lib, *res.drives, *res.catalog, ctx, *app.clock));
  Reply r;
  r.field("catalog_job", s.job).field("repository", req.repository).field("pool", req.pool);
  r.field("files_scanned", static_cast<std::int64_t>(s.files_scanned));
  r.field("files_already_on_tape", static_cast<std::int64_t>(s.files_already_on_tape));
  r.field("files_written", static_cast<std::int64_t>(s.files_written));
  // Measures: human in text, numbers in JSON (bytes, seconds, MB/s).
  r.field("bytes_written", bytes_cell(s.bytes_written));
  r.field("written", transfer_cell(s.bytes_written, s.seconds));
  r.field("seconds", seconds_cell(s.seconds)).field("mb_per_s", rate_cell(s.bytes_written, s.seconds));
  std::string carts;
  for (const auto& b : s.cartridges) carts += (carts.empty() ? "" : " ") + b;
  r.field("cartridges", cell_or_none(carts)).field("tape_files", static_cast<std::int64_t>(s.tape_files));
  r.field("block_size", static_cast<std::int64_t>(s.block_size));
  r.field("drive_stalls", static_cast<std::int64_t>(s.drive_stalls));
  // Unknown (null, "-") when the drive keeps no count we can read: never 0.
  r.field("backhitches", s.backhitches ? Cell(static_cast<std::int64_t>(*s.backhitches)) : Cell{});
  auto& drives = r.table("drives", "Drives", {"drive", "bytes_written", "seconds", "mb_per_s", "drive_stalls", "backhitches"});
  for (const auto& d : s.drives)
    drives.rows.push_back({d.drive, bytes_cell(d.bytes_written), seconds_cell(d.seconds), rate_cell(d.bytes_written, d.seconds),
                           static_cast<std::int64_t>(d.drive_stalls),
                           d.backhitches ? Cell(static_cast<std::int64_t>(*d.backhitches)) : Cell{}});
  if (s.early_warnings || s.overflows || s.medium_errors || s.retries)
    r.field("media_events", "early warning " + std::to_string(s.early_warnings) + ", overflow " + std::to_string(s.overflows) +
                                ", medium error " + std::to_string(s.medium_errors) + ", retries " + std::to_string(s.retries));
  if (!s.failures.empty()) {
    auto& t = r.table("failed_files", "Files not backed up", {"path", "reason"});
    for (const auto& f : s.failures) t.rows.push_back({f.path, f.reason});
    r.failed = true;
    r.note("backup incomplete: " + std::to_string(s.failures.size()) +
           " file(s) or directories were not backed up; the others are on tape");
  }
  for (const auto& sk : s.skipped) r.note("skipped " + sk);
  if (readiness.cleaned)
    r.note("drive " + drive_name + " asked for cleaning (TapeAlert): cleaned with " + readiness.cleaning_cartridge +
           " before the backup");
  r.note(s.text());
  return r;
}

Result<Reply> backup(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  const auto* pool = c.req.args.get("pool");
  if (!pool || pool->empty()) return Error(Errc::invalid_argument, "backup needs --pool P; usage: " + c.req.spec->usage);
  std::optional<std::string> name, job;
  if (const auto* n = c.req.args.get("name")) name = *n;
  if (const auto* j = c.req.args.get("job")) job = *j;
  // The repository as a word or as --source (as `job create` and the web
  // API's {"source": ...} name it): one of the two.
  const auto* source = c.req.args.get("source");
  if ((source != nullptr) == !c.req.args.positional.empty())
    return Error(Errc::invalid_argument, "backup needs one repository, as REPOSITORY or --source REPOSITORY; usage: " +
                                             c.req.spec->usage);
  auto req = TG_TRY(backup_request(c.app, source ? *source : c.arg(0), *pool, name, job));
  req.only_new = !c.req.args.has("all");
  if (const auto* d = c.req.args.get("drive")) req.drive = *d;
  // Sparse syncs (docs/tape-format.md, "Tape files and syncs").
  if (const auto* g = c.req.args.get("sync-gb")) {
    auto v = parse_count(*g, "--sync-gb", 0, 1u << 20);
    if (!v) return std::move(v).error();
    req.sync_bytes = *v << 30;
  }
  if (const auto* t = c.req.args.get("sync-seconds")) {
    auto v = parse_count(*t, "--sync-seconds", 1, 7 * 24 * 3600);
    if (!v) return std::move(v).error();
    req.sync_interval = std::chrono::seconds(*v);
  }
  Appliance& app = c.app;
  return c.run_job(req.job_name, "backup", [&app, lib, req](JobContext& ctx) { return run_backup_job(app, *lib, req, ctx); });
}

}  // namespace

Result<service::JobBody> saved_backup_runner(const service::SavedJob& def, Appliance& app) {
  if (!app.library) return Error(Errc::unsupported, "saved backup '" + def.name + "' needs a board");
  auto req = TG_TRY(backup_request(app, def.source, def.pool, std::nullopt, def.name));
  drivers::Library* lib = app.library;
  return service::JobBody([&app, lib, req](JobContext& ctx) { return run_backup_job(app, *lib, req, ctx); });
}

Status register_backup_commands(CommandTable& t) {
  TG_CHECK(t.add({.name = "backup",
                  .usage = "backup REPOSITORY|--source REPOSITORY --pool P [--job NAME] [--name REPO-NAME] [--drive D] [--all] "
                           "[--sync-gb N] [--sync-seconds N]",
                  .summary = "write a backup repository's new files to tape",
                  .help = "Only files without a committed copy on tape are written (--all writes every file again). "
                          "Cartridges change at end of medium; a blank or expired cartridge of the library is assigned to the "
                          "pool when needed. The catalog records each file once its bytes are durable on tape: after a sync, which "
                          "stops the tape, so syncs are sparse (every --sync-gb, default 64, or --sync-seconds, default "
                          "300, and at the end of each tape file and cartridge); a crash between two syncs makes the "
                          "rerun write those files again.",
                  .handler = backup, .min_args = 0, .max_args = 1,
                  .options = {{"source", true},
                              {"pool", true},
                              {"job", true},
                              {"name", true},
                              {"drive", true},
                              {"all", false},
                              {"sync-gb", true},
                              {"sync-seconds", true}}, .role = access::Role::operator_}));
  return {};
}

}  // namespace tg::firmware::console
