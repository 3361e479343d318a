// Reading tape back: restore, verify, catalog rebuild, dump.
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/dispatch.hpp"
#include "firmware/console/quantity.hpp"
#include "firmware/console/tape_job.hpp"
#include "firmware/restore/catalog_rebuild.hpp"
#include "firmware/restore/restore_job.hpp"
#include "firmware/restore/tape_dump.hpp"

namespace tg::firmware::console {
namespace {

namespace fs = std::filesystem;

// --kind names what <what> is when a bare word is ambiguous; without it
// the catalog decides (resolve_selection).
Result<restore::Selection> selection(CommandContext& c, catalog::Catalog& cat) {
  std::optional<std::string> repo;
  if (const auto* r = c.req.args.get("repository")) repo = *r;
  const auto* kind = c.req.args.get("kind");
  if (!kind) return restore::resolve_selection(cat, c.arg(0), repo);
  restore::Selection sel{.value = c.arg(0), .repository = repo};
  if (*kind == "file") sel.kind = restore::SelectionKind::file;
  else if (*kind == "group" || *kind == "vm" || *kind == "chain") sel.kind = restore::SelectionKind::group;
  else if (*kind == "job") sel.kind = restore::SelectionKind::job;
  else if (*kind == "media-set") sel.kind = restore::SelectionKind::media_set;
  else if (*kind == "cartridge") sel.kind = restore::SelectionKind::cartridge;
  else return Error(Errc::invalid_argument, "--kind is file, group, job, media-set or cartridge, not '" + *kind + "'");
  return sel;
}

void report_into(Reply& r, const restore::RunReport& rep, double seconds) {
  r.field("what", rep.description);
  r.field("files_ok", static_cast<std::int64_t>(rep.files_ok)).field("files_failed", static_cast<std::int64_t>(rep.files_failed));
  r.field("bytes", static_cast<std::int64_t>(rep.bytes)).field("read", transfer_cell(rep.bytes, seconds));
  std::string carts;
  for (const auto& b : rep.cartridges) carts += (carts.empty() ? "" : " ") + b;
  r.field("cartridges", cell_or_none(carts)).field("locates", static_cast<std::int64_t>(rep.stats.locates));
  if (!rep.failures.empty()) {
    auto& t = r.table("failed_files", "Files that failed", {"path", "size", "error"});
    for (const auto& f : rep.failures) t.rows.push_back({f.path, static_cast<std::int64_t>(f.size), f.error});
  }
  r.failed = !rep.ok();
  r.note(rep.summary());
}

// A selection that names nothing to read is the operator's mistake (a
// job that found everything already on tape), not a successful restore.
Status check_plan(const restore::RestorePlan& plan) {
  if (plan.files.empty() && plan.unavailable.empty())
    return Error(Errc::not_found, plan.description + " holds no files on tape ('catalog jobs' and 'catalog list' show what does)");
  return {};
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

restore::LibraryCartridgesOptions source_options(const CommandContext& c, std::string owner) {
  restore::LibraryCartridgesOptions o{.owner = std::move(owner)};
  if (const auto* d = c.req.args.get("drive")) o.drive = *d;
  return o;
}

Result<Reply> restore_cmd(CommandContext& c) {
  (void)TG_TRY(c.library());
  const auto* to = c.req.args.get("to");
  if (!to || to->empty()) return Error(Errc::invalid_argument, "restore needs --to DIR; usage: " + c.req.spec->usage);
  std::error_code ec;
  fs::path target = fs::absolute(*to, ec);
  if (ec) return Error(Errc::invalid_argument, "--to '" + *to + "': " + ec.message());
  restore::RestoreOptions opts{.target = target, .overwrite = c.req.args.has("overwrite")};
  // Plan before starting the job: an unknown selection is the operator's
  // typo, answered at once.
  restore::Selection sel;
  {
    auto cat = TG_TRY(open_catalog(c.app));
    sel = TG_TRY(selection(c, *cat));
    TG_CHECK(check_plan(TG_TRY(restore::plan_restore(*cat, sel))));
  }
  auto src = source_options(c, "restore " + c.arg(0));
  Appliance& app = c.app;
  return c.run_job("restore " + c.arg(0), "restore", [&app, sel, opts, src](JobContext& ctx) -> Result<Reply> {
    auto t0 = std::chrono::steady_clock::now();
    auto res = TG_TRY(acquire_tape_job(app, ctx, src.owner, src.drive));
    auto plan = TG_TRY(restore::plan_restore(*res.catalog, sel));
    std::uint64_t left_out = plan.superseded;
    auto notes = plan.notes;
    restore::LibraryCartridges source(*res.drives, src);
    auto rep = TG_TRY(restore::run_restore(std::move(plan), source, ctx, opts));
    Reply r;
    report_into(r, rep, seconds_since(t0));
    for (const auto& n : notes) r.note(n);
    if (left_out > 0)
      r.note(std::to_string(left_out) + " other copies of the same paths (older, or never committed by an interrupted job) were left out");
    r.field("target", opts.target.string());
    return r;
  });
}

Result<Reply> verify_cmd(CommandContext& c) {
  (void)TG_TRY(c.library());
  restore::Selection sel;
  {
    auto cat = TG_TRY(open_catalog(c.app));
    sel = TG_TRY(selection(c, *cat));
    TG_CHECK(check_plan(TG_TRY(restore::plan_restore(*cat, sel, restore::PlanPurpose::verify))));
  }
  auto src = source_options(c, "verify " + c.arg(0));
  Appliance& app = c.app;
  return c.run_job("verify " + c.arg(0), "verify", [&app, sel, src](JobContext& ctx) -> Result<Reply> {
    auto t0 = std::chrono::steady_clock::now();
    auto res = TG_TRY(acquire_tape_job(app, ctx, src.owner, src.drive));
    auto plan = TG_TRY(restore::plan_restore(*res.catalog, sel, restore::PlanPurpose::verify));
    std::uint64_t left_out = plan.superseded;
    auto notes = plan.notes;
    restore::LibraryCartridges source(*res.drives, src);
    restore::VerifyOptions vo;
    if (sel.kind == restore::SelectionKind::job && !sel.value.empty() &&
        sel.value.find_first_not_of("0123456789") == std::string::npos && sel.value.size() < 16)
      vo.job = std::stoll(sel.value);
    auto rep = TG_TRY(restore::run_verify(*res.catalog, std::move(plan), source, ctx, vo));
    Reply r;
    report_into(r, rep, seconds_since(t0));
    for (const auto& n : notes) r.note(n);
    r.note(rep.ok() ? "every file read back matches its SHA-256" : "verification FAILED; the cartridges' records say which");
    if (left_out > 0)
      r.note(std::to_string(left_out) + " copies an interrupted job never committed were not checked (the catalog does not count them as on tape)");
    return r;
  });
}

Result<Reply> catalog_rebuild(CommandContext& c) {
  (void)TG_TRY(c.library());
  restore::RebuildOptions ro;
  ro.ask_for_missing = c.req.args.has("ask-missing");
  if (const auto* b = c.req.args.get("cartridge")) ro.only.push_back(*b);
  auto src = source_options(c, "catalog rebuild");
  Appliance& app = c.app;
  return c.run_job("catalog rebuild", "rebuild", [&app, ro, src](JobContext& ctx) -> Result<Reply> {
    auto res = TG_TRY(acquire_tape_job(app, ctx, src.owner, src.drive));
    restore::LibraryCartridges source(*res.drives, src);
    auto rep = TG_TRY(restore::rebuild_catalog(*res.catalog, source, ctx, ro));
    Reply r;
    std::string carts;
    for (const auto& b : rep.cartridges_read) carts += (carts.empty() ? "" : " ") + b;
    r.field("cartridges_read", cell_or_none(carts));
    r.field("catalog_copies_imported", static_cast<std::int64_t>(rep.catalog_copies_imported));
    r.field("catalog_copies_already_known", static_cast<std::int64_t>(rep.catalog_copies_present));
    r.field("catalog_copies_damaged", static_cast<std::int64_t>(rep.catalog_copies_damaged));
    r.field("tape_files_scanned", static_cast<std::int64_t>(rep.tape_files_scanned));
    r.field("jobs_from_scan", static_cast<std::int64_t>(rep.jobs_from_scan)).field("files_from_scan", static_cast<std::int64_t>(rep.files_from_scan));
    r.field("members_rejected", static_cast<std::int64_t>(rep.members_rejected));
    for (const auto& f : rep.foreign) r.note("not read as Tapegate data: " + f);
    for (const auto& p : rep.problems) r.note("problem: " + p);
    r.failed = !rep.problems.empty() || rep.catalog_copies_damaged > 0;
    r.note(rep.summary());
    return r;
  });
}

// Raw bytes of one tape file to standard output, for GNU tar on any machine.
Result<Reply> dump_cmd(CommandContext& c) {
  (void)TG_TRY(c.library());
  if (c.app.in_service)
    return Error(Errc::unsupported, "dump writes the tape file to its own standard output; run it one-shot: tapegate dump " +
                                        c.arg(0) + " " + c.arg(1) + " > file.tar");
  if (c.req.json) return Error(Errc::invalid_argument, "dump writes raw tape bytes to standard output; --json does not apply");
  if (::isatty(STDOUT_FILENO))
    return Error(Errc::invalid_argument, "dump writes raw tape bytes; redirect standard output (> file.tar or | tar -tvf -)");
  const std::string& n = c.arg(1);
  if (n.empty() || n.size() > 9 || n.find_first_not_of("0123456789") != std::string::npos)
    return Error(Errc::invalid_argument, "'" + n + "' is not a tape file number (0 is the label, data files from 1)");
  auto file_number = static_cast<std::uint32_t>(std::stoul(n));
  std::string barcode = c.arg(0);
  std::optional<std::uint64_t> first_block;
  {
    auto cat = TG_TRY(open_catalog(c.app));
    if (auto files = cat->tape_files_of_cartridge(barcode))
      for (const auto& f : *files)
        if (f.file_number == file_number) first_block = f.first_block;
  }
  auto src = source_options(c, "dump " + barcode);
  Appliance& app = c.app;
  auto r = c.run_job("dump " + barcode + " " + n, "dump", [&app, barcode, file_number, first_block, src](JobContext& ctx) -> Result<Reply> {
    auto t0 = std::chrono::steady_clock::now();
    auto res = TG_TRY(acquire_tape_job(app, ctx, src.owner, src.drive));
    restore::LibraryCartridges source(*res.drives, src);
    auto st = TG_TRY(restore::dump_cartridge_file(source, barcode, file_number, first_block, STDOUT_FILENO, ctx));
    ctx.log(LogLevel::info, "dumped " + barcode + " tape file " + std::to_string(file_number) + ": " +
                                std::to_string(st.blocks) + " blocks, " + amount_and_rate(st.bytes, seconds_since(t0)));
    Reply r;
    r.field("bytes", static_cast<std::int64_t>(st.bytes)).field("blocks", static_cast<std::int64_t>(st.blocks));
    return r;
  });
  if (!r) return r;
  // Standard output carries only the tape bytes: the summary goes to the
  // progress stream (stderr in the CLI).
  std::string line = "dumped " + barcode + " tape file " + n + ":";
  for (const auto& [k, v] : r->fields) line += " " + cell_text(v) + " " + k;
  c.io.stream(line + " to standard output\n", true);
  return Reply{};
}

}  // namespace

Status register_restore_commands(CommandTable& t) {
  const std::string what_help =
      "WHAT is a file path, a group (a VM or backup chain: its newest full backup and the incrementals after it), a job "
      "(catalog id or name), a media set id or a cartridge barcode; the catalog decides which unless --kind says "
      "(file, group, job, media-set, cartridge). Cartridges not in the library are asked for by barcode.";
  TG_CHECK(t.add({.name = "restore", .usage = "restore WHAT --to DIR [--overwrite] [--kind K] [--repository R] [--drive D]",
                  .summary = "restore files from tape into a directory",
                  .help = what_help + " Existing files are not overwritten without --overwrite; each file's SHA-256 is "
                                      "checked before it takes its name.",
                  .handler = restore_cmd, .min_args = 1, .max_args = 1,
                  .options = {{"to", true}, {"overwrite", false}, {"kind", true}, {"repository", true}, {"drive", true}}, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "verify", .usage = "verify WHAT [--kind K] [--repository R] [--drive D]",
                  .summary = "read files back from tape and check their SHA-256",
                  .help = what_help + " The result is recorded per cartridge in the catalog.",
                  .handler = verify_cmd, .min_args = 1, .max_args = 1,
                  .options = {{"kind", true}, {"repository", true}, {"drive", true}}, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "catalog rebuild", .usage = "catalog rebuild [--cartridge B] [--ask-missing] [--drive D]",
                  .summary = "rebuild the catalog from the cartridges in the library",
                  .help = "Reads every cartridge's label and job catalog copies; tape files no copy describes are scanned "
                          "header by header. --ask-missing asks for cartridges of a media set that are not in the library.",
                  .handler = catalog_rebuild, .options = {{"cartridge", true}, {"ask-missing", false}, {"drive", true}}, .role = access::Role::admin}));
  TG_CHECK(t.add({.name = "dump", .usage = "dump BARCODE TAPE-FILE [--drive D] > file.tar",
                  .summary = "copy one tape file's raw bytes to standard output",
                  .help = "Tape file 0 is the label; data and catalog copies follow. The bytes are GNU-tar readable "
                          "(tapegate dump TP0001L9 1 | tar -tvf -). One-shot only.",
                  .handler = dump_cmd, .min_args = 2, .max_args = 2, .options = {{"drive", true}}, .role = access::Role::operator_}));
  return {};
}

}  // namespace tg::firmware::console
