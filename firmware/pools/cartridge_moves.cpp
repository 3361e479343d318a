// Moving cartridges between storage slots and reserved drives. Each move is
// decided on an inventory read under the changer lock and made before the
// lock is released; drive motion (unthreading, becoming ready) happens
// outside it, so jobs on other drives keep loading and unloading.
#include <chrono>

#include "firmware/pools/cartridge_mount.hpp"

namespace tg::firmware::pools {

namespace {
// LTO load-to-ready is nominally 16 s, but a new LTO-9 cartridge's first
// load runs media optimisation for up to 2 hours (field notes/lessons).
constexpr std::chrono::milliseconds kLoadTimeout = std::chrono::hours(2);

std::string where(const drivers::ElementStatus& e) {
  return std::string(drivers::element_type_name(e.type)) + " " + std::to_string(e.address);
}
}  // namespace

Result<drivers::Inventory> read_inventory(drivers::Library& lib) {
  if (!lib.changer) return make_error(Errc::unsupported, "library " + lib.name + " has no changer");
  auto inv = lib.changer->inventory();
  if (!inv && inv.error().code == Errc::unit_attention) inv = lib.changer->inventory();
  return inv;
}

Result<drivers::Inventory> read_inventory(DriveReservations& drives) {
  auto changer = drives.lock_changer();
  return read_inventory(drives.library());
}

Result<std::vector<std::string>> import_mailslots(DriveReservations& drives) {
  drivers::Library& lib = drives.library();
  if (!lib.changer) return make_error(Errc::unsupported, "library " + lib.name + " has no changer");
  auto changer = drives.lock_changer();
  // Every operator action at the mail slots queued an attention (28/01),
  // one per cartridge put in on some changers; they only say what the
  // import is about to read anyway. Bounded: a changer that keeps raising
  // them has another problem, reported by the import.
  for (int i = 0; i < 16; ++i) {
    auto ready = lib.changer->test_unit_ready();
    if (ready.ok() || ready.error().code != Errc::unit_attention) break;
  }
  return lib.changer->import_mailslots();
}

const drivers::ElementStatus* home_slot(const drivers::Inventory& inv, const drivers::ElementStatus& drive) {
  if (drive.source) {
    const drivers::ElementStatus* s = inv.find_address(*drive.source);
    if (s && s->type == drivers::ElementType::storage && !s->full) return s;
  }
  for (const auto* s : inv.of_type(drivers::ElementType::storage))
    if (!s->full && s->access) return s;
  return nullptr;
}

Status load_cartridge(drivers::Library& lib, DriveLease& lease, const std::string& barcode) {
  if (!lib.changer) return make_error(Errc::unsupported, "library " + lib.name + " has no changer");
  auto ctx = "loading " + barcode + " into drive " + lease.name();
  const std::uint16_t drive_addr = lease.library_drive().element_address;
  bool was_in_drive = false, attention_seen = false;
  for (bool emptied = false;;) {
    auto changer = lease.reservations().lock_changer();
    auto inv = read_inventory(lib);
    if (!inv) return std::move(inv).error().with_context(ctx);
    const drivers::ElementStatus* src = inv->find_barcode(barcode);
    if (!src)
      return make_error(Errc::not_found, "cartridge " + barcode + " is not in library " + lib.name +
                                             ": insert it into a mail slot and run 'import'");
    if (src->type == drivers::ElementType::data_transfer) {
      if (src->address == drive_addr) {
        was_in_drive = true;
        break;
      }
      auto* other = lib.drive_by_element(src->address);
      return make_error(Errc::busy, "cartridge " + barcode + " is in drive " +
                                        (other && other->drive ? other->drive->name() : where(*src)) +
                                        ", not in drive " + lease.name());
    }
    if (src->type == drivers::ElementType::import_export)
      return make_error(Errc::invalid_argument, "cartridge " + barcode + " is in " + where(*src) +
                                                    ": run 'import' to move it into a storage slot first");
    const drivers::ElementStatus* dst = inv->find_address(drive_addr);
    if (dst && dst->full) {
      if (emptied) return make_error(Errc::element_full, ctx + ": the drive still holds a cartridge after unloading it");
      // The cartridge in the way goes home first; unload_cartridge takes
      // the changer lock for its own move, then the load is decided afresh.
      changer.unlock();
      TG_CHECK(unload_cartridge(lib, lease));
      emptied = true;
      continue;
    }
    auto moved = lib.changer->move(src->address, drive_addr);
    if (!moved && moved.error().code == Errc::unit_attention && !attention_seen) {
      // Raised between the inventory and the move (an operator at the
      // door or the mail slots): the move was not made and the element map
      // may have changed, so it is decided again on a fresh inventory.
      attention_seen = true;
      continue;
    }
    if (!moved) return std::move(moved).error().with_context(ctx + " from " + where(*src));
    break;
  }
  if (was_in_drive) {
    // An unload whose move home then failed (a stuck picker, a stop in
    // between) leaves the cartridge in the drive unthreaded: no wait makes
    // it ready, a LOAD does. A reset drive says so once first.
    auto tur = lease.drive().test_unit_ready();
    if (!tur && tur.error().code == Errc::unit_attention) tur = lease.drive().test_unit_ready();
    const bool unthreaded = !tur && tur.error().code == Errc::not_ready &&
                            (tur.error().asc == 0x3A || (tur.error().asc == 0x04 && tur.error().ascq == 0x02));
    if (unthreaded) {
      auto loaded = lease.drive().load();
      if (!loaded) return std::move(loaded).error().with_context(ctx + " (it was in the drive, unloaded)");
    }
  }
  auto ready = lease.drive().wait_ready(kLoadTimeout);
  if (!ready) return std::move(ready).error().with_context(ctx);
  lease.set_loaded(barcode);
  return {};
}

Status unload_cartridge(drivers::Library& lib, DriveLease& lease) {
  if (!lib.changer) return make_error(Errc::unsupported, "library " + lib.name + " has no changer");
  const std::uint16_t drive_addr = lease.library_drive().element_address;
  std::string barcode;
  {
    auto changer = lease.reservations().lock_changer();
    auto inv = read_inventory(lib);
    if (!inv) return std::move(inv).error().with_context("unloading drive " + lease.name());
    const drivers::ElementStatus* d = inv->find_address(drive_addr);
    if (!d || !d->full) {
      lease.set_loaded(std::nullopt);
      return {};
    }
    barcode = d->barcode.empty() ? std::string("(no barcode)") : d->barcode;
  }
  auto ctx = "unloading " + barcode + " from drive " + lease.name();
  // Many changers cannot pull a cartridge the drive still holds threaded.
  // Not under the changer lock: the drive rewinds first, and other drives'
  // moves need not wait for that.
  auto unloaded = lease.drive().unload();
  // A drive reset or powered on since our last command to it (the
  // appliance restarted with a cartridge in it) reports that once instead
  // of unloading (SPC-4 5.14): ask again.
  if (!unloaded && unloaded.error().code == Errc::unit_attention) unloaded = lease.drive().unload();
  if (!unloaded && unloaded.error().code != Errc::not_ready) return std::move(unloaded).error().with_context(ctx);
  auto changer = lease.reservations().lock_changer();
  for (bool attention_seen = false;;) {
    auto inv = read_inventory(lib);
    if (!inv) return std::move(inv).error().with_context(ctx);
    const drivers::ElementStatus* d = inv->find_address(drive_addr);
    const drivers::ElementStatus* dest = d && d->full ? home_slot(*inv, *d) : nullptr;
    if (d && d->full) {
      if (!dest) return make_error(Errc::element_full, ctx + ": no free storage slot in library " + lib.name);
      auto moved = lib.changer->move(drive_addr, dest->address);
      if (!moved && moved.error().code == Errc::unit_attention && !attention_seen) {
        attention_seen = true;  // not moved, and the map may have changed: decide again (as in load_cartridge)
        continue;
      }
      if (!moved) return std::move(moved).error().with_context(ctx + " to slot " + std::to_string(dest->address));
    }
    lease.set_loaded(std::nullopt);
    return {};
  }
}

}  // namespace tg::firmware::pools
