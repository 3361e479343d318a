// drive info|tapealert|rewind|eject|erase, clean, selftest.
#include <set>

#include "drivers/scsi/sense.hpp"
#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/drive_cleaning.hpp"
#include "firmware/console/element_ref.hpp"
#include "firmware/console/library_ops.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/library/load_timeout.hpp"
#include "firmware/library/unit_attention.hpp"
#include "firmware/library/write_protection.hpp"

namespace tg::firmware::console {
namespace {

using drivers::ElementType;

// The drive for this command only; refused, naming the job, while a job
// holds it.
Result<library::DriveLease> hold_drive(CommandContext& c, const std::string& name, const std::string& why) {
  auto* lib = TG_TRY(c.library());
  (void)TG_TRY(find_drive(*lib, name));
  auto lease = TG_TRY(claim_drive(c.app, name, why));
  (void)library::absorb_attentions(lease.drive(), library::AttentionLimit::drive_events);
  return lease;
}

std::string hex(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%02x", v);
  return b;
}

Result<Reply> drive_info(CommandContext& c) {
  auto h = TG_TRY(hold_drive(c, c.arg(0), "drive info"));
  auto& drive = h.drive();
  Reply r;
  r.field("drive", drive.name()).field("element_address", std::int64_t{h.library_drive().element_address});
  r.field("transport", drive.transport().describe());
  auto id = drive.identify();
  if (!id) return std::move(id).error();
  r.field("vendor", id->vendor).field("product", id->product).field("revision", id->revision);
  r.field("serial", cell_or_none(id->serial));
  for (const auto& d : id->designators) r.note("designator: " + d);
  if (auto bl = drive.block_limits(); bl) {
    r.field("min_block", std::int64_t{bl->min_block});
    r.field("max_block", bl->max_block ? Cell(std::int64_t{bl->max_block}) : Cell("no limit"));
  } else {
    r.note("block limits: " + bl.error().message);
  }
  auto tur = drive.test_unit_ready();
  r.field("ready", tur.ok());
  if (!tur) r.field("not_ready_reason", tur.error().message);
  auto m = drive.medium_info();
  if (m && m->present) {
    r.field("medium", true);
    r.field("density", m->density_name.empty() ? hex(m->density_code) : m->density_name + " (" + hex(m->density_code) + ")");
    r.field("block_size", m->block_size ? Cell(std::int64_t{m->block_size}) : Cell("variable"));
    r.field("write_protected", m->write_protected).field("worm", m->worm).field("compression", m->compression);
    if (auto p = drive.position(); p) r.field("position", static_cast<std::int64_t>(*p));
    else r.field("position", "unknown: " + p.error().message);
    if (auto mam = drive.mam_attributes(); mam) {
      auto& t = r.table("mam", "Cartridge memory (MAM)", {"id", "attribute", "value"});
      for (const auto& a : *mam) t.rows.push_back({hex(a.id), a.name, a.value});
    } else {
      r.note("cartridge memory: " + mam.error().message);
    }
  } else {
    r.field("medium", false);
    if (!m) r.note("medium: " + m.error().message);
  }
  return r;
}

Result<Reply> drive_tapealert(CommandContext& c) {
  auto h = TG_TRY(hold_drive(c, c.arg(0), "drive tapealert"));
  auto alerts = h.drive().tape_alerts();
  if (!alerts) return std::move(alerts).error();
  Reply r;
  r.field("drive", c.arg(0));
  auto& t = r.table("alerts", "TapeAlert flags set", {"flag", "severity", "alert"});
  for (const auto& a : *alerts) t.rows.push_back({std::int64_t{a.flag}, cell(a.severity), cell(a.name)});
  if (alerts->empty()) r.note("no TapeAlert flags set");
  return r;
}

Result<Reply> drive_rewind(CommandContext& c) {
  auto h = TG_TRY(hold_drive(c, c.arg(0), "drive rewind"));
  if (auto s = h.drive().rewind(); !s) return std::move(s).error();
  Reply r;
  r.note("drive " + c.arg(0) + " rewound to the beginning of the tape");
  return r;
}

Result<Reply> drive_eject(CommandContext& c) {
  auto h = TG_TRY(hold_drive(c, c.arg(0), "drive eject"));
  if (auto s = h.drive().unload(); !s) return std::move(s).error();
  Reply r;
  r.note("drive " + c.arg(0) + " rewound and ejected its cartridge; 'unload " + c.arg(0) + "' puts it back in a slot");
  return r;
}

Result<Reply> drive_erase(CommandContext& c) {
  auto h = TG_TRY(hold_drive(c, c.arg(0), "drive erase"));
  TG_CHECK(library::refuse_overwrite(h.drive(), "the cartridge in drive " + c.arg(0)));
  const bool long_erase = c.req.args.has("long");
  auto* drive = &h.drive();
  std::string name = c.arg(0);
  // The job takes over the drive's lease: nothing else may touch the drive
  // until the erase is over.
  auto lease = std::make_shared<library::DriveLease>(std::move(h));
  return c.run_job("erase " + name, "erase", [drive, name, long_erase, lease](JobContext& ctx) -> Result<Reply> {
    ProgressSnapshot p;
    p.phase.set(long_erase ? "long erase" : "erase");
    p.drive.set(name);
    ctx.progress(p);
    TG_CHECK(drive->rewind());
    if (ctx.cancelled()) return Error(Errc::cancelled, "erase of drive " + name + " cancelled before it started");
    // A long erase runs for hours and cannot be interrupted once the drive
    // has it (SSC ERASE with LONG=1); the job reports when it returns.
    if (auto s = drive->erase(long_erase); !s) return std::move(s).error().with_context("erase");
    ctx.log(LogLevel::notice, std::string(long_erase ? "long-erased" : "erased") + " the tape in drive " + name);
    Reply r;
    r.note("the tape in drive " + name + " is erased");
    return r;
  });
}

Result<Reply> clean(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  const std::string name = c.arg(0);
  TG_TRY(find_drive(*lib, name));
  // Refused at once while a job holds the drive; the clean job takes over
  // this lease.
  auto lease = TG_TRY(claim_drive(c.app, name, "clean " + name));
  return c.run_job("clean " + name, "clean",
                   make_clean_job(c.app, *lib, name, std::make_shared<library::DriveLease>(std::move(lease))));
}

Result<Reply> selftest(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  Reply r;
  int failed = 0;
  auto& t = r.table("checks", "Self-test", {"check", "result", "detail"});
  auto check = [&](const std::string& what, bool ok, const std::string& detail) {
    t.rows.push_back({what, ok ? "ok" : "FAILED", detail});
    if (!ok) ++failed;
  };
  for (const auto& tr : c.app.board.transports) check("transport", true, tr);
  std::optional<drivers::Inventory> inv;
  if (!lib->changer) {
    check("changer", lib->drives.size() == 1, "no changer (a stand-alone drive)");
  } else {
    auto changer = lock_changer(c.app);
    auto id = library::retry_on_attention(library::AttentionLimit::once, [&] { return lib->changer->identify(); });
    check("changer answers INQUIRY", id.ok(), id ? id->vendor + " " + id->product : id.error().message);
    auto i = library::retry_on_attention(library::AttentionLimit::once, [&] { return lib->changer->inventory(); });
    check("changer reports its elements", i.ok(), i ? std::to_string(i->elements.size()) + " elements" : i.error().message);
    if (i) inv = std::move(*i);
  }
  for (auto& d : lib->drives) {
    if (!d.drive) continue;
    const auto& n = d.drive->name();
    auto lease = claim_drive(c.app, n, "selftest");
    if (!lease) {
      auto owner = c.app.drives->owner_of(n);
      check("drive " + n, true, (owner ? "in use by " + *owner : lease.error().message) + "; not probed");
      continue;
    }
    auto id = d.drive->identify();
    check("drive " + n + " answers INQUIRY", id.ok(), id ? id->vendor + " " + id->product + " serial " + id->serial : id.error().message);
    (void)library::absorb_attentions(*d.drive, library::AttentionLimit::drive_events);
    auto tur = d.drive->test_unit_ready();
    bool fine = tur.ok() || tur.error().code == Errc::not_ready || tur.error().code == Errc::unit_attention;
    check("drive " + n + " TEST UNIT READY", fine, tur ? "ready" : tur.error().message);
  }
  if (inv) {
    std::set<std::string> seen;
    std::string dups;
    for (const auto& e : inv->elements)
      if (e.full && !e.barcode.empty() && !seen.insert(e.barcode).second) dups += (dups.empty() ? "" : ", ") + e.barcode;
    check("barcodes unique", dups.empty(), dups.empty() ? std::to_string(seen.size()) + " cartridges" : "duplicated: " + dups);
    std::string missing;
    for (const auto& d : lib->drives) {
      const auto* e = inv->find_address(d.element_address);
      if (!e || e->type != ElementType::data_transfer)
        missing += (missing.empty() ? "" : ", ") + (d.drive ? d.drive->name() : std::string("?")) + "@" + std::to_string(d.element_address);
    }
    check("drives match changer elements", missing.empty(), missing.empty() ? "all drives found" : "not drive elements: " + missing);
    std::string exc;
    for (const auto& e : inv->elements)
      if (e.except) exc += (exc.empty() ? "" : "; ") + element_label(e, *inv, *lib) + ": " + scsi::asc_text(e.asc, e.ascq);
    check("no element exceptions", exc.empty(), exc.empty() ? "none" : exc);
  }
  r.field("result", failed ? std::to_string(failed) + " check(s) failed" : std::string("passed"));
  r.failed = failed != 0;
  if (c.app.log)
    c.app.log->add(failed ? LogLevel::error : LogLevel::info, "selftest", failed ? std::to_string(failed) + " check(s) failed" : "passed");
  return r;
}

}  // namespace

Status register_drive_commands(CommandTable& t) {
  TG_CHECK(t.add({.name = "drive info", .usage = "drive info <drive>",
                  .summary = "identity, serial, block limits, medium, position and cartridge memory", .handler = drive_info,
                  .min_args = 1, .max_args = 1, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "drive tapealert", .usage = "drive tapealert <drive>", .summary = "TapeAlert flags the drive has set",
                  .handler = drive_tapealert, .min_args = 1, .max_args = 1, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "drive rewind", .usage = "drive rewind <drive>", .summary = "rewind to the beginning of the tape",
                  .handler = drive_rewind, .min_args = 1, .max_args = 1, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "drive eject", .usage = "drive eject <drive>", .summary = "rewind and eject (the cartridge stays in the drive bay)",
                  .handler = drive_eject, .min_args = 1, .max_args = 1, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "drive erase", .usage = "drive erase <drive> [--long]",
                  .summary = "erase the tape in the drive (runs as a job)",
                  .help = "Without --long the drive writes end-of-data at the beginning (seconds); --long overwrites the whole "
                          "tape (hours). WORM and write-protected cartridges are refused.",
                  .handler = drive_erase, .destructive = true, .min_args = 1, .max_args = 1, .options = {{"long", false}}, .role = access::Role::admin}));
  TG_CHECK(t.add({.name = "clean", .usage = "clean <drive>", .summary = "clean a drive with a CLN cartridge from the library (a job)",
                  .help = "The drive must be empty. The cleaning cartridge goes back to its slot afterwards.",
                  .handler = clean, .min_args = 1, .max_args = 1, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "selftest", .usage = "selftest",
                  .summary = "transports reachable, changer and drives answer, inventory consistent", .handler = selftest, .role = access::Role::operator_}));
  return {};
}

}  // namespace tg::firmware::console
