#include "firmware/library/drive_cleaning.hpp"

#include "firmware/library/cartridge_moves.hpp"
#include "firmware/library/unit_attention.hpp"
#include "firmware/pools/cartridge_allocator.hpp"

namespace tg::firmware::library {

bool cleaning_requested(const std::vector<drivers::TapeAlert>& alerts) {
  for (const auto& a : alerts)
    if (a.flag == 20 || a.flag == 21) return true;
  return false;
}

Result<Cleaned> clean_drive(drivers::Library& lib, library::DriveLease& lease, JobContext& ctx, hal::Clock& clock) {
  if (!lib.changer) return make_error(Errc::unsupported, "library " + lib.name + " has no media changer to clean with");
  const std::string name = lease.name();
  const std::uint16_t drive_el = lease.library_drive().element_address;
  Cleaned res;
  {
    auto changer = lease.reservations().lock_changer();
    auto inv = TG_TRY(read_inventory(lib));
    if (const auto* del = inv.find_address(drive_el); del && del->full)
      return make_error(Errc::element_full, "drive " + name + " holds " +
                                                (del->barcode.empty() ? std::string("a cartridge") : del->barcode) +
                                                "; unload it before cleaning");
    const drivers::ElementStatus* cln = nullptr;
    for (const auto* s : inv.of_type(drivers::ElementType::storage))
      if (s->full && pools::is_cleaning_barcode(s->barcode)) {
        cln = s;
        break;
      }
    if (!cln)
      return make_error(Errc::not_found, "no cleaning cartridge (barcode starting with CLN) in a storage slot to clean drive " +
                                             name + "; import one first");
    res.cartridge = cln->barcode;
    if (auto m = retry_on_attention(AttentionLimit::once, [&] { return lib.changer->move(cln->address, drive_el); }); !m)
      return std::move(m).error().with_context("moving cleaning cartridge " + res.cartridge + " into drive " + name);
  }
  ProgressSnapshot p;
  p.phase.set("cleaning");
  p.drive.set(name);
  p.cartridge.set(res.cartridge);
  ctx.progress(p);
  ctx.log(LogLevel::info, "cleaning drive " + name + " with " + res.cartridge);
  // The drive reports the cycle's end by no longer being ready (it ejects
  // the cleaning cartridge, or reports 30/03 while it holds it).
  drivers::TapeDrive& drive = lease.drive();
  const auto deadline = clock.now() + std::chrono::minutes(10);
  (void)absorb_attentions(drive, AttentionLimit::drive_events);
  while (drive.test_unit_ready().ok()) {
    if (ctx.cancelled() || clock.now() > deadline) break;
    clock.sleep_for(std::chrono::seconds(1));
  }
  if (auto u = drive.unload(); !u && u.error().code != Errc::not_ready)
    ctx.log(LogLevel::warning, "eject after cleaning: " + u.error().message);
  {
    auto changer = lease.reservations().lock_changer();
    auto inv = TG_TRY(read_inventory(lib));
    const auto* del = inv.find_address(drive_el);
    const auto* home = del && del->full ? home_slot(inv, *del) : nullptr;
    if (!home) return make_error(Errc::element_full, "no empty slot to return cleaning cartridge " + res.cartridge + " to");
    res.home = home->address;
    if (auto m = retry_on_attention(AttentionLimit::once, [&] { return lib.changer->move(drive_el, home->address); }); !m)
      return std::move(m).error().with_context("returning cleaning cartridge " + res.cartridge + " to " +
                                               lib.changer->element_label(home->address));
  }
  lease.set_loaded(std::nullopt);
  if (auto a = drive.tape_alerts(); a) res.still_requested = cleaning_requested(*a);
  return res;
}

Result<DriveReadiness> ready_for_job(drivers::Library& lib, library::DriveLease& lease, bool auto_clean, JobContext& ctx,
                                     hal::Clock& clock) {
  DriveReadiness res;
  drivers::TapeDrive& drive = lease.drive();
  // Every fresh connection to a drive starts with a power-on attention
  // (29/00), plus one per cartridge change since: taken here, before the
  // job's first command means anything.
  (void)absorb_attentions(drive, AttentionLimit::drive_events);
  auto alerts = drive.tape_alerts();
  if (!alerts) {
    ctx.log(LogLevel::warning, "drive " + lease.name() + ": TapeAlert unreadable: " + alerts.error().message);
    return res;
  }
  if (!cleaning_requested(*alerts)) return res;
  if (!auto_clean)
    return make_error(Errc::busy, "drive " + lease.name() + " asks for cleaning (TapeAlert) and auto-clean is off: "
                                  "run 'clean " + lease.name() + "' with a CLN cartridge in the library");
  ctx.log(LogLevel::notice, "drive " + lease.name() + " asks for cleaning (TapeAlert): cleaning it before the job");
  auto home = TG_TRY(unload_cartridge(lib, lease));
  if (home.was_loaded)
    ctx.log(LogLevel::info, "put " + (home.barcode.empty() ? std::string("the cartridge") : home.barcode) + " from drive " +
                                lease.name() + " back home to clean it");
  auto cleaned = clean_drive(lib, lease, ctx, clock);
  if (!cleaned) return std::move(cleaned).error().with_context("auto-clean of drive " + lease.name());
  res.cleaned = true;
  res.cleaning_cartridge = cleaned->cartridge;
  ctx.log(LogLevel::notice, "drive " + lease.name() + " cleaned with " + cleaned->cartridge + " before the job" +
                                (cleaned->still_requested ? "; TapeAlert still asks for cleaning" : ""));
  return res;
}

bool clean_if_asked_at_end(drivers::Library& lib, library::DriveLease& lease, bool auto_clean, JobContext& ctx,
                           hal::Clock& clock) {
  auto alerts = lease.drive().tape_alerts();
  if (!alerts || !cleaning_requested(*alerts)) return false;
  const std::string name = lease.name();
  if (!auto_clean) {
    ctx.log(LogLevel::warning, "drive " + name + " asks for cleaning (TapeAlert) at the end of the job: run 'clean " +
                                   name + "' (auto-clean is off)");
    return true;
  }
  ctx.log(LogLevel::notice, "drive " + name + " asks for cleaning (TapeAlert) at the end of the job: cleaning it");
  auto cleaned = clean_drive(lib, lease, ctx, clock);
  if (!cleaned)
    ctx.log(LogLevel::warning, "auto-clean of drive " + name + " failed: " + cleaned.error().message);
  else
    ctx.log(LogLevel::notice, "drive " + name + " cleaned with " + cleaned->cartridge);
  return true;
}

}  // namespace tg::firmware::library
