#include "firmware/console/library_ops.hpp"

#include "firmware/console/drive_cleaning.hpp"
#include "firmware/console/element_ref.hpp"
#include "firmware/pools/cartridge_mount.hpp"

namespace tg::firmware::console {

Result<pools::DriveReservations*> reservations(Appliance& app) {
  if (!app.drives) return Error(Errc::internal, "the board's drive reservations are not set up");
  return app.drives;
}

Result<pools::DriveLease> claim_drive(Appliance& app, const std::string& drive, const std::string& owner) {
  auto* drives = TG_TRY(reservations(app));
  auto l = drives->reserve(owner, drive);
  if (!l && l.error().code == Errc::busy) return Error(Errc::busy, l.error().message + "; try again when it is done");
  return l;
}

std::unique_lock<std::mutex> lock_changer(Appliance& app) {
  if (!app.drives) return {};
  return app.drives->lock_changer();
}

void absorb_unit_attention(drivers::TapeDrive& drive) {
  // Bounded: one UA per event; two events may be queued (reset + load).
  for (int i = 0; i < 3; ++i) {
    auto r = drive.test_unit_ready();
    if (r.ok() || r.error().code != Errc::unit_attention) return;
  }
}

std::string job_owner(const JobContext& ctx, const std::string& what) {
  std::string n = ctx.owner_name();
  return n.empty() ? what : n;
}

Result<pools::DriveLease> wait_for_drive(Appliance& app, JobContext& ctx, const std::string& owner,
                                         const std::optional<std::string>& only) {
  auto* drives = TG_TRY(reservations(app));
  return drives->reserve_waiting(
      owner, only, [&ctx] { return ctx.cancelled(); },
      [&](const Error& busy) {
        ctx.log(LogLevel::notice, "waiting for " + (only ? "drive " + *only : std::string("a drive")) + ": " + busy.message);
        ProgressSnapshot p;
        p.phase.set("waiting for a drive");
        if (only) p.drive.set(*only);
        ctx.progress(p);
      });
}

Result<drivers::Inventory> read_inventory(Appliance& app, drivers::Library& lib) {
  if (!lib.changer) return Error(Errc::unsupported, "library " + lib.name + " has no media changer");
  auto* drives = TG_TRY(reservations(app));
  auto inv = pools::read_inventory(*drives);
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
  auto* drives = TG_TRY(reservations(app));
  std::optional<pools::DriveLease> lease;
  LoadResult res;
  {
    // The drive is chosen and the cartridge moved on one inventory.
    auto changer = drives->lock_changer();
    auto inv = pools::read_inventory(lib);
    if (!inv) return std::move(inv).error().with_context("reading the inventory");
    const auto* src = inv->find_barcode(barcode);
    if (!src) return Error(Errc::not_found, "no cartridge with barcode " + barcode + " in library " + lib.name);
    if (src->type == drivers::ElementType::data_transfer)
      return Error(Errc::busy, "cartridge " + barcode + " is already in " + element_label(*src, *inv, lib));
    if (src->type == drivers::ElementType::import_export)
      return Error(Errc::invalid_argument, "cartridge " + barcode + " is in " + element_label(*src, *inv, lib) +
                                               "; run 'import' first");
    if (drive_name) {
      auto* target = TG_TRY(find_drive(lib, *drive_name));
      auto claimed = TG_TRY(claim_drive(app, *drive_name, owner));
      lease.emplace(std::move(claimed));
      const auto* el = inv->find_address(target->element_address);
      if (el && el->full)
        return Error(Errc::element_full, "drive " + *drive_name + " already holds " +
                                             (el->barcode.empty() ? std::string("a cartridge without barcode") : el->barcode) +
                                             "; unload it first");
    } else {
      for (auto& d : lib.drives) {
        const auto* el = inv->find_address(d.element_address);
        if (!d.drive || !el || el->full) continue;
        auto l = drives->reserve(owner, d.drive->name());
        if (!l) continue;
        lease.emplace(std::move(*l));
        break;
      }
      if (!lease) return Error(Errc::busy, "no free drive to load " + barcode + ": every drive is loaded or in use");
    }
    res = LoadResult{lease->name(), element_label_long(*src, *inv, lib)};
    auto m = retry_unit_attention([&] { return lib.changer->move(src->address, lease->library_drive().element_address); });
    if (!m) return std::move(m).error().with_context("moving " + barcode + " from " + res.from + " to drive " + res.drive);
  }
  if (auto r = lease->drive().wait_ready(kLoadTimeout); !r)
    return std::move(r).error().with_context("cartridge " + barcode + " is in drive " + res.drive + " but the drive is not ready");
  lease->set_loaded(barcode);
  if (app.log) app.log->add(LogLevel::info, "drive " + res.drive, "loaded " + barcode + " from " + res.from);
  return res;
}

Result<UnloadResult> unload_to_home(Appliance& app, drivers::Library& lib, pools::DriveLease& lease) {
  if (!lib.changer) return Error(Errc::unsupported, "library " + lib.name + " has no media changer");
  auto* drives = TG_TRY(reservations(app));
  drivers::LibraryDrive& d = lease.library_drive();
  const std::string dn = d.drive->name();
  UnloadResult res;
  {
    auto inv = TG_TRY(read_inventory(app, lib));
    const auto* el = inv.find_address(d.element_address);
    if (!el) return Error(Errc::not_found, "drive " + dn + " sits at element " + std::to_string(d.element_address) + ", which the changer does not report");
    if (!el->full) return Error(Errc::element_empty, "drive " + dn + " holds no cartridge");
    res.barcode = el->barcode;
  }
  const std::string what = res.barcode.empty() ? "the cartridge in drive " + dn : "cartridge " + res.barcode;

  absorb_unit_attention(*d.drive);
  // Auto-clean: TapeAlert is read while the cartridge is still in (the
  // flags describe the last mount).
  if (app.board.auto_clean)
    if (auto a = d.drive->tape_alerts(); a && cleaning_requested(*a)) res.cleaning_requested = true;
  // SSC UNLOAD first: many libraries cannot pull a cartridge the drive
  // still holds threaded (and Proxmox keeps an eject-before-unload option
  // for exactly this). Not under the changer lock: it rewinds first.
  if (auto u = d.drive->unload(); !u && u.error().code != Errc::not_ready)
    return std::move(u).error().with_context("ejecting " + what);
  {
    // Home is decided on the inventory the move is made on (pools::home_slot).
    auto changer = drives->lock_changer();
    auto inv = pools::read_inventory(lib);
    if (!inv) return std::move(inv).error().with_context("reading the inventory");
    const auto* el = inv->find_address(d.element_address);
    const auto* dest = el ? pools::home_slot(*inv, *el) : nullptr;
    if (!dest) return Error(Errc::element_full, "no empty slot to put " + what + " back into; export something first");
    res.to = element_label_long(*dest, *inv, lib);
    auto m = retry_unit_attention([&] { return lib.changer->move(d.element_address, dest->address); });
    if (!m) return std::move(m).error().with_context("moving " + what + " from drive " + dn + " to " + res.to);
  }
  lease.set_loaded(std::nullopt);
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
