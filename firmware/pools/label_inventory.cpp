// `inventory --read-labels`: find out what is on cartridges the catalog
// does not know, by reading their block 0.
#include "firmware/pools/cartridge_mount.hpp"
#include "firmware/library/cartridge_moves.hpp"

namespace tg::firmware::pools {

using catalog::CartridgeState;
using format::MediumContent;

namespace {

// Records what block 0 said. For our label, the pool and media set are
// adopted if this catalog has never seen them (a cartridge from another
// appliance, or after a catalog loss); its tape files are learnt by
// `catalog rebuild`, not here.
Result<std::string> record_finding(catalog::Catalog& cat, const std::string& barcode,
                                   const format::MediumClassification& cls) {
  if (cls.content == MediumContent::blank) {
    TG_CHECK(cat.forget_content(barcode, CartridgeState::blank));
    return std::string("blank");
  }
  if (cls.content == MediumContent::foreign) {
    TG_CHECK(cat.forget_content(barcode, CartridgeState::foreign, cls.reason));
    return cls.reason;
  }
  const auto& l = *cls.label;
  std::string detail = "pool '" + l.pool + "'";
  if (!l.media_set.empty()) detail += ", media set " + l.media_set + ", sequence " + std::to_string(l.sequence);
  if (l.barcode != barcode) {
    // A label written for another barcode: someone swapped barcode stickers.
    TG_CHECK(cat.set_cartridge_state(barcode, CartridgeState::foreign,
                                     "its label names barcode " + l.barcode + " (" + detail + ")"));
    return "label names barcode " + l.barcode + ": marked foreign";
  }
  auto known = TG_TRY(cat.find_cartridge(barcode));
  if (known && known->pool == l.pool && known->media_set.value_or("") == l.media_set &&
      known->sequence == l.sequence && known->state != CartridgeState::unknown)
    return detail + " (as catalogued)";
  auto tx = TG_TRY(cat.begin());
  auto pool = cat.pool(l.pool);
  if (!pool) {
    if (pool.error().code != Errc::not_found) return std::move(pool).error();
    TG_CHECK(cat.create_pool(catalog::PoolSpec{.name = l.pool}));
    detail += " (pool created with default retention)";
  }
  if (!l.media_set.empty())
    TG_CHECK(cat.adopt_media_set(catalog::MediaSet{.id = l.media_set, .pool = l.pool, .created = l.label_time}));
  TG_CHECK(cat.record_label(catalog::LabelRecord{.barcode = barcode, .pool = l.pool, .media_set = l.media_set,
                                                 .sequence = l.sequence, .label_time = l.label_time,
                                                 .format_version = l.format, .block_size = l.block_size}));
  if (!l.media_set.empty()) {
    auto ms = TG_TRY(cat.media_set(l.media_set));
    if (ms.closed) TG_CHECK(cat.set_cartridge_state(barcode, CartridgeState::full));
  }
  TG_CHECK(tx.commit());
  return detail;
}

}  // namespace

Result<std::vector<ReadLabelResult>> read_labels(catalog::Catalog& cat, library::DriveReservations& drives, bool all) {
  drivers::Library& lib = drives.library();
  if (!lib.changer) return make_error(Errc::unsupported, "library " + lib.name + " has no changer");
  auto inv = library::read_inventory(drives);
  if (!inv) return std::move(inv).error().with_context("inventory --read-labels");

  std::vector<std::string> todo;
  std::vector<ReadLabelResult> out;
  for (const auto* e : inv->of_type(drivers::ElementType::storage)) {
    if (!e->full) continue;
    if (e->barcode.empty()) {
      out.push_back(ReadLabelResult{.barcode = "(slot " + std::to_string(e->address) + ")",
                                    .detail = "no barcode label: skipped"});
      continue;
    }
    (void)TG_TRY(cat.ensure_cartridge(e->barcode));
    auto c = TG_TRY(cat.cartridge(e->barcode));
    if (is_cleaning_barcode(e->barcode)) {
      if (c.state != CartridgeState::cleaning) TG_CHECK(cat.set_cartridge_state(e->barcode, CartridgeState::cleaning));
      continue;  // never loaded for reading: it would clean the heads
    }
    if (all || c.state == CartridgeState::unknown) todo.push_back(e->barcode);
  }
  if (todo.empty()) return out;

  auto lease = TG_TRY(drives.reserve("inventory --read-labels"));
  for (const auto& barcode : todo) {
    ReadLabelResult r{.barcode = barcode};
    auto loaded = library::load_cartridge(lib, lease, barcode);
    if (!loaded) {
      r.detail = loaded.error().message;
      out.push_back(std::move(r));
      continue;
    }
    auto cls = read_medium_label(lease.drive());
    if (cls) {
      r.content = cls->content;
      auto recorded = record_finding(cat, barcode, *cls);
      r.detail = recorded ? *recorded : recorded.error().message;
    } else {
      r.detail = cls.error().message;
    }
    auto home = library::unload_cartridge(lib, lease);
    if (!home) {
      // The drive is now occupied by a cartridge we cannot put away: stop,
      // rather than pile up more moves on a changer in trouble.
      r.detail += "; " + home.error().message;
      out.push_back(std::move(r));
      return make_error(home.error().code, "inventory --read-labels stopped: " + home.error().message);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tg::firmware::pools
