#include "firmware/console/library_ops.hpp"

#include "firmware/console/drive_cleaning.hpp"
#include "firmware/console/element_ref.hpp"
#include "firmware/library/cartridge_moves.hpp"

namespace tg::firmware::console {

Result<library::DriveReservations*> reservations(Appliance& app) {
  if (!app.drives) return Error(Errc::internal, "the board's drive reservations are not set up");
  return app.drives;
}

Result<library::DriveLease> claim_drive(Appliance& app, const std::string& drive, const std::string& owner) {
  auto* drives = TG_TRY(reservations(app));
  auto l = drives->reserve(owner, drive);
  if (!l && l.error().code == Errc::busy) return Error(Errc::busy, l.error().message + "; try again when it is done");
  return l;
}

std::unique_lock<std::mutex> lock_changer(Appliance& app) {
  if (!app.drives) return {};
  return app.drives->lock_changer();
}

std::string job_owner(const JobContext& ctx, const std::string& what) {
  std::string n = ctx.owner_name();
  return n.empty() ? what : n;
}

Result<library::DriveLease> wait_for_drive(Appliance& app, JobContext& ctx, const std::string& owner,
                                         const std::optional<std::string>& only) {
  auto* drives = TG_TRY(reservations(app));
  return library::wait_for_drive(*drives, ctx, owner, only);
}

Result<drivers::Inventory> read_inventory(Appliance& app, drivers::Library& lib) {
  if (!lib.changer) return Error(Errc::unsupported, "library " + lib.name + " has no media changer");
  auto* drives = TG_TRY(reservations(app));
  auto inv = library::read_inventory(*drives);
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
  std::optional<library::DriveLease> lease;
  if (drive_name) {
    (void)TG_TRY(find_drive(lib, *drive_name));
    lease.emplace(TG_TRY(claim_drive(app, *drive_name, owner)));
    auto inv = TG_TRY(library::read_inventory(*drives));
    const auto* el = inv.find_address(lease->library_drive().element_address);
    if (el && el->full && el->barcode != barcode)
      return Error(Errc::element_full, "drive " + *drive_name + " already holds " +
                                           (el->barcode.empty() ? std::string("a cartridge without barcode") : el->barcode) +
                                           "; unload it first");
  } else {
    auto inv = TG_TRY(library::read_inventory(*drives));
    if (const auto* src = inv.find_barcode(barcode); src && src->type == drivers::ElementType::data_transfer)
      return Error(Errc::busy, "cartridge " + barcode + " is already in " + element_label(*src, inv, lib));
    for (auto& d : lib.drives) {
      const auto* el = inv.find_address(d.element_address);
      if (!d.drive || !el || el->full) continue;
      auto l = drives->reserve(owner, d.drive->name());
      if (!l) continue;
      lease.emplace(std::move(*l));
      break;
    }
    if (!lease) return Error(Errc::busy, "no free drive to load " + barcode + ": every drive is loaded or in use");
  }
  auto loaded = TG_TRY(library::load_cartridge(lib, *lease, barcode));
  LoadResult res{lease->name(), loaded.from ? lib.changer->element_label(loaded.from) : "drive " + lease->name() + " (threaded again)"};
  if (app.log) app.log->add(LogLevel::info, "drive " + res.drive, "loaded " + barcode + " from " + res.from);
  return res;
}

Result<UnloadResult> unload_to_home(Appliance& app, drivers::Library& lib, library::DriveLease& lease) {
  const std::string dn = lease.name();
  auto u = TG_TRY(library::unload_cartridge(lib, lease));
  if (!u.was_loaded) return Error(Errc::element_empty, "drive " + dn + " holds no cartridge");
  UnloadResult res;
  res.barcode = u.barcode;
  res.to = lib.changer->element_label(u.to);
  const std::string what = res.barcode.empty() ? "the cartridge in drive " + dn : "cartridge " + res.barcode;
  if (app.log) app.log->add(LogLevel::info, "drive " + dn, "unloaded " + what + " to " + res.to);
  res.cleaning_requested = u.cleaning_requested && app.board.auto_clean;
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
