#include "firmware/console/library_ops.hpp"

#include "firmware/console/drive_cleaning.hpp"
#include "firmware/console/element_ref.hpp"

namespace tg::firmware::console {

Result<service::Lease> claim_drive(Appliance& app, const std::string& drive, const std::string& owner) {
  if (!app.locks) return service::Lease();
  auto l = app.locks->try_acquire(drive, owner);
  if (!l) return Error(Errc::busy, "drive " + drive + " is in use by " + app.locks->owner_of(drive) + "; try again when it is done");
  return l;
}

void absorb_unit_attention(drivers::TapeDrive& drive) {
  // Bounded: one UA per event; two events may be queued (reset + load).
  for (int i = 0; i < 3; ++i) {
    auto r = drive.test_unit_ready();
    if (r.ok() || r.error().code != Errc::unit_attention) return;
  }
}

Result<service::Lease> claim_changer(Appliance& app, const std::string& owner) {
  if (!app.locks) return service::Lease();
  return app.locks->acquire("changer", owner, nullptr);
}

Result<HeldDriveLease> wait_for_drive(Appliance& app, drivers::Library& lib, JobContext& ctx, const std::string& owner,
                                      const std::optional<std::string>& only) {
  std::vector<std::string> names;
  if (only) names.push_back(TG_TRY(find_drive(lib, *only))->drive->name());
  else
    for (const auto& d : lib.drives)
      if (d.drive) names.push_back(d.drive->name());
  if (names.empty()) return Error(Errc::not_found, "library " + lib.name + " has no drives");
  if (!app.locks) return HeldDriveLease{lib.drive_by_name(names.front()), service::Lease()};
  if (auto l = [&]() -> Result<service::Lease> {
        for (const auto& n : names)
          if (auto got = app.locks->try_acquire(n, owner)) return got;
        return Error(Errc::busy, "all busy");
      }();
      l)
    return HeldDriveLease{lib.drive_by_name(l->resource()), std::move(*l)};
  ProgressSnapshot p;
  p.phase.set("waiting for a drive");
  ctx.progress(p);
  ctx.log(LogLevel::notice, "waiting for " + (only ? "drive " + *only : std::string("a free drive")) + " (in use)");
  auto l = TG_TRY(app.locks->acquire_any(names, owner, [&] { return ctx.cancelled(); }));
  return HeldDriveLease{lib.drive_by_name(l.resource()), std::move(l)};
}

Result<drivers::Inventory> read_inventory(Appliance& app, drivers::Library& lib) {
  if (!lib.changer) return Error(Errc::unsupported, "library " + lib.name + " has no media changer");
  auto lease = TG_TRY(claim_changer(app, "inventory"));
  auto inv = retry_unit_attention([&] { return lib.changer->inventory(); });
  if (!inv) return std::move(inv).error().with_context("reading the inventory");
  return inv;
}

Result<drivers::LibraryDrive*> find_drive(drivers::Library& lib, const std::string& name) {
  if (auto* d = lib.drive_by_name(name); d && d->drive) return d;
  std::string names;
  for (const auto& d : lib.drives)
    if (d.drive) names += (names.empty() ? "" : ", ") + d.drive->name();
  return Error(Errc::not_found, "no drive named '" + name + "'; drives: " + (names.empty() ? "none" : names));
}

Result<LoadResult> load_cartridge(Appliance& app, drivers::Library& lib, const std::string& barcode,
                                  const std::optional<std::string>& drive_name, const std::string& owner) {
  if (!lib.changer) return Error(Errc::unsupported, "library " + lib.name + " has no media changer to load " + barcode);
  auto inv = TG_TRY(read_inventory(app, lib));
  const auto* src = inv.find_barcode(barcode);
  if (!src) return Error(Errc::not_found, "no cartridge with barcode " + barcode + " in library " + lib.name);
  if (src->type == drivers::ElementType::data_transfer)
    return Error(Errc::busy, "cartridge " + barcode + " is already in " + element_label(*src, inv, lib));
  if (src->type == drivers::ElementType::import_export)
    return Error(Errc::invalid_argument, "cartridge " + barcode + " is in " + element_label(*src, inv, lib) +
                                             "; run 'import' first");

  drivers::LibraryDrive* target = nullptr;
  service::Lease lease;
  if (drive_name) {
    target = TG_TRY(find_drive(lib, *drive_name));
    lease = TG_TRY(claim_drive(app, *drive_name, owner));
    const auto* el = inv.find_address(target->element_address);
    if (el && el->full)
      return Error(Errc::element_full, "drive " + *drive_name + " already holds " +
                                           (el->barcode.empty() ? std::string("a cartridge without barcode") : el->barcode) +
                                           "; unload it first");
  } else {
    for (auto& d : lib.drives) {
      const auto* el = inv.find_address(d.element_address);
      if (!d.drive || !el || el->full) continue;
      auto l = claim_drive(app, d.drive->name(), owner);
      if (!l) continue;
      target = &d;
      lease = std::move(*l);
      break;
    }
    if (!target) return Error(Errc::busy, "no free drive to load " + barcode + ": every drive is loaded or in use");
  }
  LoadResult res{target->drive->name(), element_label_long(*src, inv, lib)};
  {
    auto changer = TG_TRY(claim_changer(app, owner));
    auto m = retry_unit_attention([&] { return lib.changer->move(src->address, target->element_address); });
    if (!m) return std::move(m).error().with_context("moving " + barcode + " from " + res.from + " to drive " + res.drive);
  }
  if (auto r = target->drive->wait_ready(kLoadTimeout); !r)
    return std::move(r).error().with_context("cartridge " + barcode + " is in drive " + res.drive + " but the drive is not ready");
  if (app.log) app.log->add(LogLevel::info, "drive " + res.drive, "loaded " + barcode + " from " + res.from);
  return res;
}

Result<UnloadResult> unload_to_home(Appliance& app, drivers::Library& lib, drivers::LibraryDrive& d) {
  if (!lib.changer) return Error(Errc::unsupported, "library " + lib.name + " has no media changer");
  auto inv = TG_TRY(read_inventory(app, lib));
  const auto* el = inv.find_address(d.element_address);
  const std::string dn = d.drive->name();
  if (!el) return Error(Errc::not_found, "drive " + dn + " sits at element " + std::to_string(d.element_address) + ", which the changer does not report");
  if (!el->full) return Error(Errc::element_empty, "drive " + dn + " holds no cartridge");
  UnloadResult res{el->barcode, ""};
  const std::string what = el->barcode.empty() ? "the cartridge in drive " + dn : "cartridge " + el->barcode;

  // Where it goes: its source slot when the changer remembers one (SVALID)
  // and that slot is empty; else the first empty storage slot.
  const drivers::ElementStatus* dest = nullptr;
  if (el->source) {
    const auto* s = inv.find_address(*el->source);
    if (s && s->type == drivers::ElementType::storage && !s->full) dest = s;
  }
  if (!dest)
    for (const auto* s : inv.of_type(drivers::ElementType::storage))
      if (!s->full && s->access) {
        dest = s;
        break;
      }
  if (!dest) return Error(Errc::element_full, "no empty slot to put " + what + " back into; export something first");

  absorb_unit_attention(*d.drive);
  // Auto-clean: TapeAlert is read while the cartridge is still in (the
  // flags describe the last mount).
  if (app.board.auto_clean)
    if (auto a = d.drive->tape_alerts(); a && cleaning_requested(*a)) res.cleaning_requested = true;
  // SSC UNLOAD first: many libraries cannot pull a cartridge the drive
  // still holds threaded (and Proxmox keeps an eject-before-unload option
  // for exactly this).
  if (auto u = d.drive->unload(); !u && u.error().code != Errc::not_ready)
    return std::move(u).error().with_context("ejecting " + what);
  res.to = element_label_long(*dest, inv, lib);
  {
    auto changer = TG_TRY(claim_changer(app, "unload " + dn));
    auto m = retry_unit_attention([&] { return lib.changer->move(d.element_address, dest->address); });
    if (!m) return std::move(m).error().with_context("moving " + what + " from drive " + dn + " to " + res.to);
  }
  if (app.log) app.log->add(LogLevel::info, "drive " + dn, "unloaded " + what + " to " + res.to);
  if (res.cleaning_requested && app.jobs) {
    // The clean job waits for the caller to let go of the drive.
    auto id = app.jobs->start("clean " + dn + " (TapeAlert)", "clean", make_clean_job(app, lib, dn));
    if (id) res.clean_job = *id;
    if (app.log)
      app.log->add(LogLevel::notice, "drive " + dn, id ? "TapeAlert asks for cleaning: started job " + std::to_string(*id)
                                                      : "TapeAlert asks for cleaning, but: " + id.error().message);
  }
  return res;
}

}  // namespace tg::firmware::console
