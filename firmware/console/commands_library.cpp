// inventory, status, load, unload, move, import, export, reset.
#include "drivers/scsi/asc.hpp"
#include "drivers/scsi/sense.hpp"
#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/element_ref.hpp"
#include "firmware/console/library_ops.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/library/load_timeout.hpp"
#include "firmware/library/unit_attention.hpp"
#include "firmware/pools/cartridge_allocator.hpp"

namespace tg::firmware::console {
namespace {

using drivers::ElementType;

Cell exception_cell(const drivers::ElementStatus& e) {
  if (!e.except) return Cell{};
  return scsi::asc_text(e.asc, e.ascq);
}

// A drive that did not answer TEST UNIT READY, in the words of the status
// table; the sense stays in the message of the command that needs the drive.
std::string drive_state(const Error& e, bool changer_sees_cartridge) {
  if (e.code != Errc::not_ready) return "error: " + e.message;
  namespace asc = scsi::asc;
  const scsi::AscPair code = scsi::asc_of(e);
  if (e.asc == asc::medium_not_present.asc) return changer_sees_cartridge ? "ejected" : "empty";  // any 3A/xx
  if (code == asc::becoming_ready) return "becoming ready (loading or positioning)";
  if (code == asc::operation_in_progress) return "busy (an operation is in progress)";
  if (code == asc::cleaning_cartridge_installed) return "cleaning";
  if (code == asc::initializing_command_required || code == asc::manual_intervention_required)
    return "not ready: waits for a load or an operator";
  const std::string why = e.asc || e.ascq ? scsi::asc_text(e.asc, e.ascq) : std::string("no reason given");
  std::string lower;
  for (char ch : why) lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  return "not ready: " + lower;
}

Result<Reply> inventory(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  auto inv = TG_TRY(read_inventory(c.app, *lib));
  Reply r;
  r.field("library", lib->name);
  std::size_t full = 0, slots = 0;
  auto& drives = r.table("drives", "Drives", {"drive", "address", "full", "barcode", "source", "serial", "exception"});
  for (const auto* e : inv.of_type(ElementType::data_transfer)) {
    const auto* d = lib->drive_by_element(e->address);
    Cell src;
    if (e->source)
      if (const auto* s = inv.find_address(*e->source)) src = element_label(*s, inv, *lib);
    drives.rows.push_back({d && d->drive ? Cell(d->drive->name()) : Cell("(not wired)"), std::int64_t{e->address}, e->full,
                           cell_or_none(e->barcode), src, cell_or_none(e->drive_serial), exception_cell(*e)});
  }
  auto add = [&](ElementType t, const char* name, const char* title, const char* col) {
    auto& tab = r.table(name, title, {col, "address", "full", "barcode", "exception"});
    std::int64_t i = 0;
    for (const auto* e : inv.of_type(t)) {
      tab.rows.push_back({++i, std::int64_t{e->address}, e->full, cell_or_none(e->barcode), exception_cell(*e)});
      if (t == ElementType::storage) {
        ++slots;
        if (e->full) ++full;
      }
    }
  };
  add(ElementType::storage, "slots", "Storage slots", "slot");
  add(ElementType::import_export, "mail_slots", "Mail slots", "mail");
  r.fields.emplace_back("slots_used", std::to_string(full) + " of " + std::to_string(slots));
  for (const auto& e : inv.elements)
    if (e.full && e.barcode.empty())
      r.note("warning: " + element_label_long(e, inv, *lib) + " holds a cartridge without a readable barcode");
  return r;
}

Result<Reply> status(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  Reply r;
  r.field("library", lib->name);
  if (lib->changer) {
    auto changer = lock_changer(c.app);
    auto id = library::retry_on_attention(library::AttentionLimit::once, [&] { return lib->changer->identify(); });
    r.field("changer", id ? id->vendor + " " + id->product + " " + id->revision : "unreachable: " + id.error().message);
  }
  std::optional<drivers::Inventory> inv;
  if (lib->changer) {
    auto i = read_inventory(c.app, *lib);
    if (i) inv = std::move(*i);
    else r.note("inventory unavailable: " + i.error().message);
  }
  auto& t = r.table("drives", "Drives", {"drive", "address", "cartridge", "ready", "density", "block_size", "write_protected", "state"});
  for (auto& d : lib->drives) {
    if (!d.drive) continue;
    const auto& name = d.drive->name();
    Cell cart;
    if (inv)
      if (const auto* e = inv->find_address(d.element_address); e && e->full) cart = e->barcode.empty() ? "(no barcode)" : e->barcode;
    auto lease = claim_drive(c.app, name, "status");
    if (!lease) {
      auto owner = c.app.drives->owner_of(name);
      t.rows.push_back({name, std::int64_t{d.element_address}, cart, Cell{}, Cell{}, Cell{}, Cell{},
                        owner ? "in use by " + *owner : lease.error().message});
      continue;
    }
    (void)library::absorb_attentions(*d.drive, library::AttentionLimit::drive_events);
    auto tur = d.drive->test_unit_ready();
    Cell density, block, wp;
    std::string state = tur ? "idle" : drive_state(tur.error(), cart.index() != 0);
    if (tur) {
      if (auto m = d.drive->medium_info(); m && m->present) {
        density = m->density_name.empty() ? "code " + std::to_string(m->density_code) : m->density_name;
        block = m->block_size ? Cell(std::int64_t{m->block_size}) : Cell("variable");
        wp = m->write_protected;
        if (m->worm) state = "idle (WORM)";
      }
    } else if (state == "ejected") {
      // A cartridge the changer sees in the drive that the drive does not
      // hold threaded: ejected (drive eject), waiting to be loaded or put away.
      state = "ejected: 'load <barcode> " + name + "' threads it again, 'unload " + name + "' puts it back in a slot";
    }
    t.rows.push_back({name, std::int64_t{d.element_address}, cart, tur.ok(), density, block, wp, state});
  }
  if (c.app.jobs) r.field("jobs_running", static_cast<std::int64_t>(c.app.jobs->running()));
  return r;
}

Result<Reply> load(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  std::optional<std::string> drive;
  if (c.args().size() > 1) drive = c.arg(1);
  if (pools::is_cleaning_barcode(c.arg(0)))
    return Error(Errc::invalid_argument, c.arg(0) + " is a cleaning cartridge; use 'clean <drive>' to clean a drive");
  auto res = TG_TRY(load_cartridge(c.app, *lib, c.arg(0), drive, "load " + c.arg(0)));
  Reply r;
  r.field("barcode", c.arg(0)).field("drive", res.drive).field("from", res.from);
  r.note("loaded " + c.arg(0) + " into drive " + res.drive);
  return r;
}

Result<Reply> unload(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  drivers::LibraryDrive* d = lib->drive_by_name(c.arg(0));
  if (!d) {
    auto inv = TG_TRY(read_inventory(c.app, *lib));
    const auto* e = inv.find_barcode(c.arg(0));
    if (!e) return Error(Errc::not_found, "'" + c.arg(0) + "' is neither a drive nor the barcode of a cartridge in the library");
    if (e->type != ElementType::data_transfer)
      return Error(Errc::invalid_argument, "cartridge " + c.arg(0) + " is not in a drive (it is in " + element_label(*e, inv, *lib) + ")");
    d = lib->drive_by_element(e->address);
    if (!d || !d->drive) return Error(Errc::not_found, "cartridge " + c.arg(0) + " is in a drive this board does not wire");
  }
  auto lease = TG_TRY(claim_drive(c.app, d->drive->name(), "unload"));
  auto res = TG_TRY(unload_to_home(c.app, *lib, lease));
  Reply r;
  r.field("barcode", cell_or_none(res.barcode)).field("drive", d->drive->name()).field("to", res.to);
  if (res.clean_job) r.note("TapeAlert asks for cleaning: started job " + std::to_string(res.clean_job) + " to clean drive " + d->drive->name());
  r.note("unloaded " + (res.barcode.empty() ? std::string("the cartridge") : res.barcode) + " from drive " + d->drive->name() +
         " to " + res.to);
  return r;
}

Result<Reply> move(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  if (!lib->changer) return Error(Errc::unsupported, "library " + lib->name + " has no media changer");
  std::size_t pos = 0;
  auto from_ref = TG_TRY(take_element_ref(c.args(), pos));
  auto to_ref = TG_TRY(take_element_ref(c.args(), pos));
  if (pos != c.args().size()) return Error(Errc::invalid_argument, "unexpected '" + c.args()[pos] + "'; usage: " + c.req.spec->usage);
  auto inv = TG_TRY(read_inventory(c.app, *lib));
  const auto* from = TG_TRY(resolve_element(from_ref, inv, *lib));
  const auto* to = TG_TRY(resolve_element(to_ref, inv, *lib));
  std::string from_l = element_label_long(*from, inv, *lib), to_l = element_label_long(*to, inv, *lib);
  if (from->address == to->address) return Error(Errc::invalid_argument, "source and destination are both " + from_l);
  if (!from->full) return Error(Errc::element_empty, from_l + " is empty");
  if (to->full)
    return Error(Errc::element_full, to_l + " already holds " + (to->barcode.empty() ? std::string("a cartridge") : to->barcode));
  if (!to->access)
    return Error(Errc::busy, to_l + " is not accessible");
  std::string what = from->barcode.empty() ? std::string("the cartridge") : from->barcode;
  // Drives involved are claimed so no job is using them while we move.
  std::vector<library::DriveLease> leases;
  for (const auto* e : {from, to})
    if (e->type == ElementType::data_transfer)
      if (auto* d = lib->drive_by_element(e->address); d && d->drive) {
        leases.push_back(TG_TRY(claim_drive(c.app, d->drive->name(), "move")));
        (void)library::absorb_attentions(*d->drive, library::AttentionLimit::drive_events);
        if (e == from)
          if (auto u = d->drive->unload(); !u && u.error().code != Errc::not_ready)
            return std::move(u).error().with_context("ejecting " + what);
      }
  {
    auto changer = lock_changer(c.app);
    auto m = library::retry_on_attention(library::AttentionLimit::once, [&] { return lib->changer->move(from->address, to->address); });
    if (!m) return std::move(m).error().with_context("moving " + what + " from " + from_l + " to " + to_l);
  }
  if (to->type == ElementType::data_transfer)
    if (auto* d = lib->drive_by_element(to->address); d && d->drive)
      if (auto w = d->drive->wait_ready(library::load_timeout(from->barcode)); !w)
        return std::move(w).error().with_context(what + " is in drive " + d->drive->name() + " but the drive is not ready");
  if (c.app.log) c.app.log->add(LogLevel::info, "changer", "moved " + what + " from " + from_l + " to " + to_l);
  Reply r;
  r.field("barcode", cell_or_none(from->barcode)).field("from", from_l).field("to", to_l);
  r.note("moved " + what + " from " + from_l + " to " + to_l);
  return r;
}

Result<Reply> import_cmd(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  if (!lib->changer) return Error(Errc::unsupported, "library " + lib->name + " has no media changer");
  auto got = library::import_mailslots(*c.app.drives);
  if (!got) return std::move(got).error().with_context("importing from the mail slots");
  Reply r;
  auto& t = r.table("imported", "Imported", {"barcode"});
  for (const auto& b : *got) t.rows.push_back({cell_or_none(b)});
  r.note(got->empty() ? "nothing imported: no cartridge placed by the operator in a mail slot (exports waiting to be taken stay)"
                       : "imported " + std::to_string(got->size()) + " cartridge(s)");
  if (c.app.log && !got->empty()) c.app.log->add(LogLevel::info, "changer", "imported " + std::to_string(got->size()) + " cartridge(s)");
  return r;
}

Result<Reply> export_cmd(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  if (!lib->changer) return Error(Errc::unsupported, "library " + lib->name + " has no media changer");
  const std::string& barcode = c.arg(0);
  auto inv = TG_TRY(read_inventory(c.app, *lib));
  const auto* e = inv.find_barcode(barcode);
  if (!e) return Error(Errc::not_found, "no cartridge with barcode " + barcode + " in library " + lib->name);
  if (e->type == ElementType::import_export)
    return Error(Errc::invalid_argument, barcode + " is already in " + element_label(*e, inv, *lib));
  std::optional<library::DriveLease> drive_lease;
  if (e->type == ElementType::data_transfer) {
    auto* d = lib->drive_by_element(e->address);
    if (!d || !d->drive) return Error(Errc::not_found, barcode + " is in a drive this board does not wire");
    const std::string dn = d->drive->name();
    auto lease = claim_drive(c.app, dn, "export " + barcode);
    if (lease) {
      drive_lease.emplace(std::move(*lease));
    } else if (lease.error().code != Errc::busy) {
      return std::move(lease).error();
    } else {
      // Taking a cartridge away from a running job is destructive: the
      // job is cancelled first and we wait for it to let go of the drive.
      std::string owner = c.app.drives->owner_of(dn).value_or("the job using it");
      TG_CHECK(c.confirm_destructive("cancel " + owner + " and take " + barcode + " out of drive " + dn));
      if (c.app.jobs)
        for (const auto& j : c.app.jobs->list())
          if (!service::job_finished(j.state) && service::job_owner_name(j.id, j.name) == owner) (void)c.app.jobs->cancel(j.id);
      auto waited = TG_TRY(c.app.drives->reserve_waiting("export " + barcode, dn, [&] { return c.io.stop_requested(); }, nullptr));
      drive_lease.emplace(std::move(waited));
    }
    // The lease knows what the changer says is in its drive.
    drive_lease->set_loaded(barcode);
  }
  // From where it is now: a cancelled job takes its cartridge home.
  auto exported = TG_TRY(library::export_cartridge(*c.app.drives, barcode, drive_lease ? &*drive_lease : nullptr));
  std::string to_l = lib->changer->element_label(exported.mail_slot);
  if (c.app.log) c.app.log->add(LogLevel::info, "changer", "exported " + barcode + " to " + to_l);
  Reply r;
  r.field("barcode", barcode).field("to", to_l);
  r.note("exported " + barcode + " to " + to_l + "; take it out of the library's mail slot");
  return r;
}

Result<Reply> reset(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  if (!lib->changer) return Error(Errc::unsupported, "library " + lib->name + " has no media changer");
  {
    auto changer = lock_changer(c.app);
    auto s = library::retry_on_attention(library::AttentionLimit::once, [&] { return lib->changer->initialize_element_status(); });
    if (!s) return std::move(s).error().with_context("INITIALIZE ELEMENT STATUS on changer " + lib->changer->name());
  }
  if (c.app.log) c.app.log->add(LogLevel::notice, "changer", "element status re-initialised");
  auto r = TG_TRY(inventory(c));
  r.note("the changer re-scanned its elements");
  return r;
}

}  // namespace

Status register_library_commands(CommandTable& t) {
  TG_CHECK(t.add({.name = "inventory", .usage = "inventory", .summary = "every drive, slot and mail slot with barcodes and element addresses",
                  .help = "Exceptions reported by the changer are decoded (ASC/ASCQ).", .handler = inventory, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "status", .usage = "status", .summary = "library and drives: loaded cartridge, ready, density, block size",
                  .handler = status, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "load", .usage = "load <barcode> [drive]",
                  .summary = "move a cartridge into a drive (any free drive if none is named)", .handler = load,
                  .min_args = 1, .max_args = 2, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "unload", .usage = "unload <barcode|drive>",
                  .summary = "eject a cartridge and put it back in its home slot",
                  .help = "Home is the slot it came from when the changer remembers it and it is empty, else the first free slot.",
                  .handler = unload, .min_args = 1, .max_args = 1, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "move", .usage = "move <from> <to>",
                  .summary = "move a cartridge between any two elements",
                  .help = "Elements: an address (1026), 'slot N', 'mail N', 'drive NAME' or a bare drive name, a barcode, "
                          "or 'barcode B' when the barcode looks like a number. Slots and mail slots count from 1 in address order.",
                  .handler = move, .min_args = 2, .max_args = 4, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "import", .usage = "import", .summary = "move cartridges from the mail slots to free slots", .handler = import_cmd, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "export", .usage = "export <barcode>", .summary = "move a cartridge to a free mail slot",
                  .help = "A cartridge in a drive is ejected first. If a job is using that drive, export cancels the job and "
                          "needs confirmation (--force outside the prompt).",
                  .handler = export_cmd, .min_args = 1, .max_args = 1, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "reset", .usage = "reset", .summary = "re-scan the library (INITIALIZE ELEMENT STATUS), then show the inventory",
                  .handler = reset, .role = access::Role::admin}));
  return {};
}

}  // namespace tg::firmware::console
