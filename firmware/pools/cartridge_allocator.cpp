#include "firmware/pools/cartridge_allocator.hpp"

#include <algorithm>

namespace tg::firmware::pools {

using catalog::Cartridge;
using catalog::CartridgeState;

const char* allocation_action_name(AllocationAction a) {
  switch (a) {
    case AllocationAction::append: return "append";
    case AllocationAction::assign: return "assign";
    case AllocationAction::reuse_expired: return "reuse-expired";
  }
  return "?";
}

bool is_cleaning_barcode(const std::string& barcode) { return barcode.rfind("CLN", 0) == 0; }

Result<catalog::MediaSet> media_set_for_job(catalog::Catalog& cat, const std::string& pool_name) {
  auto pool = TG_TRY(cat.pool(pool_name));
  if (pool.policy == catalog::AllocationPolicy::continue_set) {
    auto current = TG_TRY(cat.current_media_set(pool_name));
    if (current) return std::move(*current);
  }
  return cat.start_media_set(pool_name);
}

Result<AllocationOutcome> choose_cartridge(catalog::Catalog& cat, const std::string& pool_name,
                                           const std::string& media_set, const std::vector<std::string>& in_library,
                                           const std::set<std::string>& exclude) {
  (void)TG_TRY(cat.pool(pool_name));
  auto ms = TG_TRY(cat.media_set(media_set));
  if (ms.pool != pool_name)
    return make_error(Errc::invalid_argument,
                      "media set " + media_set + " belongs to pool '" + ms.pool + "', not '" + pool_name + "'");
  (void)TG_TRY(cat.apply_retention());

  std::vector<Cartridge> present;
  std::uint32_t unknown = 0;
  for (const auto& barcode : in_library) {
    if (exclude.count(barcode)) continue;
    auto c = TG_TRY(cat.find_cartridge(barcode));
    if (!c) {
      ++unknown;  // never seen by an inventory: content not known
      continue;
    }
    // Hard refusals, whatever the catalog state says.
    if (c->worm || is_cleaning_barcode(barcode)) continue;
    if (c->state == CartridgeState::unknown) ++unknown;
    present.push_back(std::move(*c));
  }

  auto pick = [&](AllocationAction action, const Cartridge& c, std::uint32_t seq) -> Result<AllocationOutcome> {
    return AllocationOutcome{.allocation = Allocation{.barcode = c.barcode, .action = action,
                                                      .media_set = media_set, .sequence = seq}};
  };

  // 1. Appendable cartridge of this media set: the highest sequence.
  const Cartridge* best = nullptr;
  for (const auto& c : present)
    if (c.state == CartridgeState::appendable && c.media_set == media_set && (!best || c.sequence > best->sequence))
      best = &c;
  if (best) return pick(AllocationAction::append, *best, best->sequence);

  // 2. Free cartridges: blank, or labelled into this pool without a set.
  //    Pool members first (the operator labelled them for this pool), oldest
  //    label first; then blanks by barcode.
  std::vector<const Cartridge*> free;
  for (const auto& c : present) {
    bool pool_member = c.state == CartridgeState::appendable && c.pool == pool_name && !c.media_set;
    if (pool_member || c.state == CartridgeState::blank) free.push_back(&c);
  }
  std::stable_sort(free.begin(), free.end(), [&](const Cartridge* a, const Cartridge* b) {
    bool am = a->state != CartridgeState::blank, bm = b->state != CartridgeState::blank;
    if (am != bm) return am;
    if (a->label_time != b->label_time) return a->label_time.value_or(0) < b->label_time.value_or(0);
    return a->barcode < b->barcode;
  });
  if (!free.empty()) return pick(AllocationAction::assign, *free.front(), TG_TRY(cat.next_sequence(media_set)));

  // 3. Expired cartridges of this pool, least recently written first.
  const Cartridge* oldest = nullptr;
  for (const auto& c : present)
    if (c.state == CartridgeState::expired && c.pool == pool_name &&
        (!oldest || c.last_written.value_or(0) < oldest->last_written.value_or(0)))
      oldest = &c;
  if (oldest) return pick(AllocationAction::reuse_expired, *oldest, TG_TRY(cat.next_sequence(media_set)));

  // 4. The operator has to act.
  std::string msg = "pool '" + pool_name + "' has no writable cartridge in the library: insert a blank cartridge "
                    "into a mail slot and run 'import'";
  if (unknown > 0)
    msg += ", or run 'inventory --read-labels' (" + std::to_string(unknown) +
           " cartridge(s) in the library have content the catalog does not know yet)";
  return AllocationOutcome{.operator_request = msg};
}

}  // namespace tg::firmware::pools
