// Pools, cartridge labels and the catalog's listing: pool create|list,
// label, inventory --read-labels, catalog list.
#include <unistd.h>

#include <ctime>

#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/dispatch.hpp"
#include "firmware/console/quantity.hpp"
#include "firmware/console/tape_job.hpp"
#include "firmware/pools/cartridge_mount.hpp"
#include "firmware/pools/media_pools.hpp"

namespace tg::firmware::console {
namespace {

Result<std::uint64_t> number_option(const CommandContext& c, const std::string& name, std::uint64_t max) {
  const std::string& s = *c.req.args.get(name);
  if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos || std::stoull(s) > max)
    return Error(Errc::invalid_argument, "--" + name + " wants a whole number up to " + std::to_string(max) + ", not '" + s + "'");
  return static_cast<std::uint64_t>(std::stoull(s));
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "tapegate";
  return buf;
}

Result<Reply> pool_create(CommandContext& c) {
  catalog::PoolSpec spec{.name = c.arg(0)};
  if (c.req.args.has("retention-days")) spec.retention_days = static_cast<std::uint32_t>(TG_TRY(number_option(c, "retention-days", 36500)));
  if (const auto* p = c.req.args.get("policy")) {
    auto pol = catalog::parse_allocation_policy(*p);
    if (!pol) return Error(Errc::invalid_argument, "--policy is 'continue' (jobs append to the current media set) or 'always' (a new media set per job), not '" + *p + "'");
    spec.policy = *pol;
  }
  auto cat = TG_TRY(open_catalog(c.app));
  TG_CHECK(pools::create_pool(*cat, spec));
  if (c.app.log) c.app.log->add(LogLevel::info, "console", "pool '" + spec.name + "' created");
  Reply r;
  r.field("pool", spec.name).field("retention_days", static_cast<std::int64_t>(spec.retention_days));
  r.field("policy", catalog::allocation_policy_name(spec.policy));
  r.note("cartridges join the pool when a backup job assigns them, or with 'label <barcode> --pool " + spec.name + "'");
  return r;
}

Result<Reply> pool_list(CommandContext& c) {
  auto cat = TG_TRY(open_catalog(c.app));
  auto pools = TG_TRY(pools::list_pools(*cat));
  Reply r;
  auto& t = r.table("pools", "Pools", {"pool", "retention_days", "policy", "media_set", "cartridges", "written"});
  for (const auto& p : pools) {
    std::string carts;
    for (const auto& [state, n] : p.cartridges)
      if (n) carts += (carts.empty() ? "" : ", ") + std::to_string(n) + " " + catalog::cartridge_state_name(state);
    t.rows.push_back({p.pool.name, static_cast<std::int64_t>(p.pool.retention_days), catalog::allocation_policy_name(p.pool.policy),
                      p.current_media_set ? Cell(*p.current_media_set) : Cell{}, cell_or_none(carts), bytes_cell(p.bytes_written)});
  }
  return r;
}

Result<Reply> label(CommandContext& c) {
  (void)TG_TRY(c.library());
  const auto* pool = c.req.args.get("pool");
  if (!pool || pool->empty()) return Error(Errc::invalid_argument, "label needs --pool P; usage: " + c.req.spec->usage);
  pools::LabelRequest req{.barcode = c.arg(0), .pool = *pool, .force = c.req.force,
                          .block_size = c.app.board.block_size, .host = host_name()};
  if (req.barcode.empty()) return Error(Errc::invalid_argument, "label needs a barcode; usage: " + c.req.spec->usage);
  Appliance& app = c.app;
  return c.run_job("label " + req.barcode, "label", [&app, req](JobContext& ctx) -> Result<Reply> {
    auto res = TG_TRY(acquire_tape_job(app, ctx, "label " + req.barcode));
    ProgressSnapshot p;
    p.phase.set("labelling");
    p.cartridge.set(req.barcode);
    ctx.progress(p);
    auto out = TG_TRY(pools::label_cartridge(*res.catalog, *res.drives, req));
    Reply r;
    r.field("cartridge", req.barcode).field("pool", req.pool);
    r.field("was", format::medium_content_name(out.previous)).field("was_detail", cell_or_none(out.previous_detail));
    r.note(req.barcode + " is labelled into pool '" + req.pool + "' and back in its slot");
    return r;
  });
}

Result<Reply> read_labels(CommandContext& c) {
  (void)TG_TRY(c.library());
  Appliance& app = c.app;
  bool all = c.req.args.has("all");
  return c.run_job(all ? "read every label" : "read new labels", "inventory", [&app, all](JobContext& ctx) -> Result<Reply> {
    auto res = TG_TRY(acquire_tape_job(app, ctx, "inventory --read-labels"));
    ProgressSnapshot p;
    p.phase.set("reading labels");
    ctx.progress(p);
    auto results = TG_TRY(pools::read_labels(*res.catalog, *res.drives, all));
    Reply r;
    auto& t = r.table("labels", "Labels read", {"cartridge", "content", "detail"});
    std::int64_t unreadable = 0;
    for (const auto& l : results) {
      if (!l.content) ++unreadable;
      t.rows.push_back({l.barcode, l.content ? Cell(format::medium_content_name(*l.content)) : Cell("unreadable"), cell_or_none(l.detail)});
    }
    if (results.empty()) r.note(all ? "no cartridges in the storage slots" : "every cartridge's content is already known; --all reads them again");
    if (unreadable) {
      r.failed = true;
      r.note(std::to_string(unreadable) + " cartridge(s) could not be read; see the detail column");
    }
    return r;
  });
}

Result<Reply> catalog_list(CommandContext& c) {
  catalog::ListFilter f;
  if (const auto* p = c.req.args.get("pool")) f.pool = *p;
  if (const auto* b = c.req.args.get("cartridge")) f.cartridge = *b;
  if (c.req.args.has("job")) f.job = static_cast<std::int64_t>(TG_TRY(number_option(c, "job", 1ull << 53)));
  f.include_uncommitted = c.req.args.has("uncommitted");
  auto cat = TG_TRY(open_catalog(c.app));
  if (f.pool) (void)TG_TRY(cat->pool(*f.pool));  // names an unknown pool instead of listing nothing
  auto entries = TG_TRY(cat->list(f));
  Reply r;
  auto& t = r.table("pieces", "Backup files on tape",
                    {"cartridge", "pool", "seq", "tape_file", "job", "repository", "path", "size", "offset", "length", "part", "on_tape"});
  std::uint64_t bytes = 0;
  for (const auto& e : entries) {
    bytes += e.length;
    t.rows.push_back({e.cartridge, e.pool ? Cell(*e.pool) : Cell{}, static_cast<std::int64_t>(e.sequence),
                      static_cast<std::int64_t>(e.file_number), e.job, e.repository, e.path, static_cast<std::int64_t>(e.size),
                      static_cast<std::int64_t>(e.offset), static_cast<std::int64_t>(e.length),
                      static_cast<std::int64_t>(e.volume_index), e.on_tape});
  }
  r.field("pieces", static_cast<std::int64_t>(entries.size())).field("bytes", bytes_cell(bytes));
  return r;
}

std::string when(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// The catalog's job history: unlike 'job list' (this process's or this
// service's jobs), it survives restarts and one-shot commands.
Result<Reply> catalog_jobs(CommandContext& c) {
  std::size_t limit = 50;
  if (c.req.args.has("limit")) limit = static_cast<std::size_t>(TG_TRY(number_option(c, "limit", 100000)));
  auto cat = TG_TRY(open_catalog(c.app));
  auto jobs = TG_TRY(cat->list_jobs(limit));
  Reply r;
  auto& t = r.table("jobs", "Catalog jobs (newest first)", {"id", "name", "kind", "state", "pool", "started", "ended", "files", "bytes", "summary"});
  for (const auto& j : jobs)
    t.rows.push_back({j.id, j.name, catalog::job_kind_name(j.kind), catalog::job_state_name(j.state), j.pool ? Cell(*j.pool) : Cell{},
                      when(j.started), j.ended ? Cell(when(*j.ended)) : Cell{}, static_cast<std::int64_t>(j.files),
                      bytes_cell(j.bytes), cell_or_none(j.summary)});
  return r;
}

}  // namespace

Status register_media_commands(CommandTable& t) {
  TG_CHECK(t.add({.name = "pool create", .usage = "pool create NAME [--retention-days N] [--policy continue|always]",
                  .summary = "create a media pool",
                  .help = "Retention (default 30 days) counts from when a media set is closed; then its cartridges may be "
                          "reused. Policy 'continue' appends jobs to the pool's current media set, 'always' starts a new set per job.",
                  .handler = pool_create, .needs_library = false, .min_args = 1, .max_args = 1,
                  .options = {{"retention-days", true}, {"policy", true}}, .role = access::Role::admin}));
  TG_CHECK(t.add({.name = "pool list", .usage = "pool list", .summary = "pools with their cartridges per state and bytes written",
                  .handler = pool_list, .needs_library = false, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "label", .usage = "label BARCODE --pool P [--force]", .summary = "write a Tapegate label onto a cartridge",
                  .help = "Loads the cartridge into a free drive and checks what is on it first: another pool's data, live "
                          "data of this pool or a foreign format is refused unless --force (never for WORM media with data).",
                  .handler = label, .min_args = 1, .max_args = 1, .options = {{"pool", true}}, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "inventory --read-labels", .usage = "inventory --read-labels [--all]",
                  .summary = "load cartridges whose content is unknown and record their labels",
                  .help = "Blank, ours (pool, media set, sequence) or foreign is recorded in the catalog; --all reads every "
                          "cartridge again. Cleaning cartridges are never loaded.",
                  .handler = read_labels, .options = {{"all", false}}, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "catalog list", .usage = "catalog list [--pool P] [--cartridge B] [--job N] [--uncommitted]",
                  .summary = "backup files on tape: cartridge, tape file, offset of every piece",
                  .handler = catalog_list, .needs_library = false,
                  .options = {{"pool", true}, {"cartridge", true}, {"job", true}, {"uncommitted", false}}, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "catalog jobs", .usage = "catalog jobs [--limit N]",
                  .summary = "backup, restore, verify and rebuild jobs the catalog recorded",
                  .handler = catalog_jobs, .needs_library = false, .options = {{"limit", true}}, .role = access::Role::viewer}));
  return {};
}

}  // namespace tg::firmware::console
