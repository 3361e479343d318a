// Moving cartridges between storage slots and reserved drives.
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

Status load_cartridge(drivers::Library& lib, DriveLease& lease, const std::string& barcode) {
  if (!lib.changer) return make_error(Errc::unsupported, "library " + lib.name + " has no changer");
  auto ctx = "loading " + barcode + " into drive " + lease.name();
  auto inv = read_inventory(lib);
  if (!inv) return std::move(inv).error().with_context(ctx);
  const std::uint16_t drive_addr = lease.library_drive().element_address;
  const drivers::ElementStatus* src = inv->find_barcode(barcode);
  if (!src)
    return make_error(Errc::not_found, "cartridge " + barcode + " is not in library " + lib.name +
                                           ": insert it into a mail slot and run 'import'");
  if (src->type == drivers::ElementType::data_transfer) {
    if (src->address != drive_addr) {
      auto* other = lib.drive_by_element(src->address);
      return make_error(Errc::busy, "cartridge " + barcode + " is in drive " +
                                        (other && other->drive ? other->drive->name() : where(*src)) +
                                        ", not in drive " + lease.name());
    }
  } else {
    if (src->type == drivers::ElementType::import_export)
      return make_error(Errc::invalid_argument, "cartridge " + barcode + " is in " + where(*src) +
                                                    ": run 'import' to move it into a storage slot first");
    const drivers::ElementStatus* dst = inv->find_address(drive_addr);
    if (dst && dst->full) TG_CHECK(unload_cartridge(lib, lease));
    auto moved = lib.changer->move(src->address, drive_addr);
    if (!moved) return std::move(moved).error().with_context(ctx + " from " + where(*src));
  }
  auto ready = lease.drive().wait_ready(kLoadTimeout);
  if (!ready) return std::move(ready).error().with_context(ctx);
  lease.set_loaded(barcode);
  return {};
}

Status unload_cartridge(drivers::Library& lib, DriveLease& lease) {
  if (!lib.changer) return make_error(Errc::unsupported, "library " + lib.name + " has no changer");
  auto inv = lib.changer->inventory();
  if (!inv) return std::move(inv).error().with_context("unloading drive " + lease.name());
  const std::uint16_t drive_addr = lease.library_drive().element_address;
  const drivers::ElementStatus* d = inv->find_address(drive_addr);
  if (!d || !d->full) {
    lease.set_loaded(std::nullopt);
    return {};
  }
  std::string barcode = d->barcode.empty() ? std::string("(no barcode)") : d->barcode;
  auto ctx = "unloading " + barcode + " from drive " + lease.name();
  // Many changers cannot pull a cartridge the drive still holds threaded.
  auto unloaded = lease.drive().unload();
  if (!unloaded && unloaded.error().code != Errc::not_ready) return std::move(unloaded).error().with_context(ctx);
  // Home: the slot it came from if still free, else the first free slot.
  std::optional<std::uint16_t> dest;
  if (d->source) {
    const drivers::ElementStatus* s = inv->find_address(*d->source);
    if (s && s->type == drivers::ElementType::storage && !s->full) dest = s->address;
  }
  if (!dest) {
    for (const auto* s : inv->of_type(drivers::ElementType::storage))
      if (!s->full && s->access) {
        dest = s->address;
        break;
      }
  }
  if (!dest) return make_error(Errc::element_full, ctx + ": no free storage slot in library " + lib.name);
  auto moved = lib.changer->move(drive_addr, *dest);
  if (!moved) return std::move(moved).error().with_context(ctx + " to slot " + std::to_string(*dest));
  lease.set_loaded(std::nullopt);
  return {};
}

}  // namespace tg::firmware::pools
