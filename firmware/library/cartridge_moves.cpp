#include "firmware/library/cartridge_moves.hpp"

#include "drivers/scsi/asc.hpp"
#include "firmware/library/drive_cleaning.hpp"
#include "firmware/library/load_timeout.hpp"
#include "firmware/library/unit_attention.hpp"

namespace tg::firmware::library {
namespace {

using drivers::ElementType;

Status need_changer(const drivers::Library& lib) {
  if (!lib.changer) return make_error(Errc::unsupported, "library " + lib.name + " has no media changer");
  return {};
}

std::string where(const drivers::Library& lib, const drivers::ElementStatus& e) {
  if (e.type == ElementType::data_transfer)
    if (auto* d = const_cast<drivers::Library&>(lib).drive_by_element(e.address); d && d->drive)
      return "drive " + d->drive->name();
  return lib.changer ? lib.changer->element_label(e.address) : std::to_string(e.address);
}

// A cartridge the drive holds but has not threaded: an unload whose move
// home then failed (a stuck picker, a stop in between) leaves it so; no wait
// makes it ready, a LOAD does.
bool unthreaded(const Status& tur) {
  return !tur && tur.error().code == Errc::not_ready &&
         (tur.error().asc == scsi::asc::medium_not_present.asc ||
          scsi::asc_of(tur.error()) == scsi::asc::initializing_command_required);
}

}  // namespace

Result<drivers::Inventory> read_inventory(drivers::Library& lib) {
  TG_CHECK(need_changer(lib));
  return retry_on_attention(AttentionLimit::once, [&] { return lib.changer->inventory(); });
}

Result<drivers::Inventory> read_inventory(library::DriveReservations& drives) {
  auto changer = drives.lock_changer();
  return read_inventory(drives.library());
}

Result<std::vector<std::string>> barcodes_in_library(library::DriveReservations& drives) {
  auto inv = TG_TRY(read_inventory(drives));
  std::vector<std::string> out;
  for (const auto& e : inv.elements)
    if (e.full && !e.barcode.empty() && (e.type == ElementType::storage || e.type == ElementType::data_transfer))
      out.push_back(e.barcode);
  return out;
}

const drivers::ElementStatus* home_slot(const drivers::Inventory& inv, const drivers::ElementStatus& drive) {
  if (drive.source) {
    const drivers::ElementStatus* s = inv.find_address(*drive.source);
    if (s && s->type == ElementType::storage && !s->full) return s;
  }
  for (const auto* s : inv.of_type(ElementType::storage))
    if (!s->full && s->access) return s;
  return nullptr;
}

Result<std::vector<std::string>> import_mailslots(library::DriveReservations& drives) {
  drivers::Library& lib = drives.library();
  TG_CHECK(need_changer(lib));
  auto changer = drives.lock_changer();
  // The attentions the operator's visits raised only say what the import is
  // about to read anyway. A changer that keeps raising more has another
  // problem, which the import reports.
  (void)absorb_attentions(*lib.changer, AttentionLimit::mail_slot_visits);
  return lib.changer->import_mailslots();
}

Result<Exported> export_cartridge(library::DriveReservations& drives, const std::string& barcode, library::DriveLease* lease) {
  drivers::Library& lib = drives.library();
  TG_CHECK(need_changer(lib));
  if (lease && lease->loaded().value_or("") == barcode) {
    // SSC UNLOAD first: a changer cannot pull a cartridge still threaded.
    (void)absorb_attentions(lease->drive(), AttentionLimit::drive_events);
    if (auto u = lease->drive().unload(); !u && u.error().code != Errc::not_ready)
      return std::move(u).error().with_context("ejecting " + barcode);
  }
  auto changer = drives.lock_changer();
  auto inv = TG_TRY(read_inventory(lib));
  const auto* at = inv.find_barcode(barcode);
  if (!at) return make_error(Errc::not_found, "no cartridge with barcode " + barcode + " in library " + lib.name);
  if (at->type == ElementType::import_export)
    return make_error(Errc::invalid_argument, barcode + " is already in " + where(lib, *at));
  if (at->type == ElementType::data_transfer && !(lease && lease->library_drive().element_address == at->address))
    return make_error(Errc::busy, "cartridge " + barcode + " is in " + where(lib, *at) +
                                      "; try again when that drive's job is done");
  const std::uint16_t from = at->address;
  auto to = retry_on_attention(AttentionLimit::once, [&] { return lib.changer->export_to_mailslot(from); });
  if (!to) return std::move(to).error().with_context("exporting " + barcode);
  if (lease && lease->library_drive().element_address == from) lease->set_loaded(std::nullopt);
  return Exported{*to};
}

Result<Loaded> load_cartridge(drivers::Library& lib, library::DriveLease& lease, const std::string& barcode) {
  TG_CHECK(need_changer(lib));
  const auto ctx = "loading " + barcode + " into drive " + lease.name();
  const std::uint16_t drive_addr = lease.library_drive().element_address;
  Loaded res;
  bool was_in_drive = false, attention_seen = false;
  for (bool emptied = false;;) {
    auto changer = lease.reservations().lock_changer();
    auto inv = read_inventory(lib);
    if (!inv) return std::move(inv).error().with_context(ctx);
    const drivers::ElementStatus* src = inv->find_barcode(barcode);
    if (!src)
      return make_error(Errc::not_found, "no cartridge with barcode " + barcode + " in library " + lib.name +
                                             ": insert it into a mail slot and run 'import'");
    if (src->type == ElementType::data_transfer) {
      if (src->address == drive_addr) {
        was_in_drive = true;
        break;
      }
      return make_error(Errc::busy, "cartridge " + barcode + " is already in " + where(lib, *src) +
                                        ", not in drive " + lease.name());
    }
    if (src->type == ElementType::import_export)
      return make_error(Errc::invalid_argument, "cartridge " + barcode + " is in " + where(lib, *src) +
                                                    "; run 'import' first");
    const drivers::ElementStatus* dst = inv->find_address(drive_addr);
    if (dst && dst->full) {
      if (emptied) return make_error(Errc::element_full, ctx + ": the drive still holds a cartridge after unloading it");
      // The cartridge in the way goes home first (its unload takes the
      // changer lock for its own move), then the load is decided afresh.
      changer.unlock();
      (void)TG_TRY(unload_cartridge(lib, lease));
      emptied = true;
      continue;
    }
    auto moved = lib.changer->move(src->address, drive_addr);
    if (!moved && moved.error().code == Errc::unit_attention && !attention_seen) {
      // Raised between the inventory and the move: the move was not made
      // and the map may have changed, so it is decided again.
      attention_seen = true;
      continue;
    }
    if (!moved) return std::move(moved).error().with_context(ctx + " from " + where(lib, *src));
    res.from = src->address;
    break;
  }
  if (was_in_drive) {
    auto tur = retry_on_attention(AttentionLimit::drive_events, [&] { return lease.drive().test_unit_ready(); });
    if (unthreaded(tur))
      if (auto l = lease.drive().load(); !l) return std::move(l).error().with_context(ctx + " (it was in the drive, unloaded)");
  }
  if (auto ready = lease.drive().wait_ready(load_timeout(barcode)); !ready)
    return std::move(ready).error().with_context("cartridge " + barcode + " is in drive " + lease.name() +
                                                 " but the drive is not ready");
  lease.set_loaded(barcode);
  return res;
}

Result<Unloaded> unload_cartridge(drivers::Library& lib, library::DriveLease& lease) {
  TG_CHECK(need_changer(lib));
  const std::uint16_t drive_addr = lease.library_drive().element_address;
  Unloaded res;
  {
    auto changer = lease.reservations().lock_changer();
    auto inv = read_inventory(lib);
    if (!inv) return std::move(inv).error().with_context("unloading drive " + lease.name());
    const drivers::ElementStatus* d = inv->find_address(drive_addr);
    if (!d || !d->full) {
      lease.set_loaded(std::nullopt);
      return res;
    }
    res.barcode = d->barcode;
    res.was_loaded = true;
  }
  const auto ctx = "unloading " + (res.barcode.empty() ? std::string("(no barcode)") : res.barcode) + " from drive " + lease.name();
  // A drive reset or powered on since our last command to it reports that
  // instead of unloading (SPC-4 5.14). Many changers cannot pull a cartridge
  // the drive still holds threaded, hence SSC UNLOAD first; not under the
  // changer lock, the drive rewinds first.
  (void)absorb_attentions(lease.drive(), AttentionLimit::drive_events);
  auto unloaded = lease.drive().unload();
  if (!unloaded && unloaded.error().code != Errc::not_ready) return std::move(unloaded).error().with_context(ctx);
  // TapeAlert after every unload: the flags of the mount that just ended
  // stay readable until the next cartridge is loaded (SSC-4 8.2.3).
  if (auto a = lease.drive().tape_alerts(); a) res.cleaning_requested = cleaning_requested(*a);
  // The drive's byte and stall counters as the mount ends, for the metrics
  // (TapeDrive::last_readings): read here, where the drive is ours, so a
  // scrape never sends a drive a command. Only figures: a failure costs
  // nothing but their freshness.
  (void)lease.drive().data_counters();
  (void)lease.drive().drive_counters();
  auto changer = lease.reservations().lock_changer();
  for (bool attention_seen = false;;) {
    auto inv = read_inventory(lib);
    if (!inv) return std::move(inv).error().with_context(ctx);
    const drivers::ElementStatus* d = inv->find_address(drive_addr);
    if (d && d->full) {
      const drivers::ElementStatus* dest = home_slot(*inv, *d);
      if (!dest) return make_error(Errc::element_full, ctx + ": no free storage slot in library " + lib.name + "; export something first");
      auto moved = lib.changer->move(drive_addr, dest->address);
      if (!moved && moved.error().code == Errc::unit_attention && !attention_seen) {
        attention_seen = true;  // not moved, and the map may have changed: decide again
        continue;
      }
      if (!moved) return std::move(moved).error().with_context(ctx + " to " + where(lib, *dest));
      res.to = dest->address;
    }
    lease.set_loaded(std::nullopt);
    return res;
  }
}

Status unload_home(drivers::Library& lib, library::DriveLease& lease) {
  auto u = unload_cartridge(lib, lease);
  if (!u) return std::move(u).error();
  return {};
}

}  // namespace tg::firmware::library
