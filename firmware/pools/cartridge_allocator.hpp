#pragma once
// Which cartridge a backup job writes next, decided from the catalog and the
// barcodes present in the library (pure logic; cartridge_mount.hpp loads it).
//
// Order (field lessons: prefer what is in the library, ask the operator only
// when nothing is):
//   1. an appendable cartridge of the job's media set in the library
//      (the highest sequence first: earlier ones are normally full)
//   2. a free cartridge in the library: blank, or labelled into this pool
//      but not yet in a media set (oldest label first)
//   3. an expired cartridge of this pool in the library (retention passed,
//      oldest write first)
//   4. none: an operator request naming the pool and what to do.
// Never: bad, foreign, unknown (not read yet), cleaning (CLN prefix), WORM,
// another pool's, or anything in `exclude` (cartridges this job gave up on).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "firmware/catalog/catalog.hpp"
#include "hal/result.hpp"

namespace tg::firmware::pools {

enum class AllocationAction : std::uint8_t {
  append,          // already in the media set: verify its label, space to end of data
  assign,          // blank or free in the pool: write a label with media set + sequence
  reuse_expired,   // expired: overwrite with a new label (its old content is lost)
};
const char* allocation_action_name(AllocationAction a);

struct Allocation {
  std::string barcode;
  AllocationAction action = AllocationAction::append;
  std::string media_set;
  std::uint32_t sequence = 0;   // the cartridge's sequence in the set (new one for assign/reuse)
};

struct AllocationOutcome {
  std::optional<Allocation> allocation;
  // Set when allocation is empty: what the operator must do, e.g. "pool
  // 'weekly' has no writable cartridge in the library: insert a blank
  // cartridge into a mail slot and run 'import'".
  std::string operator_request;
  bool needs_operator() const { return !allocation.has_value(); }
};

// True for barcodes of cleaning cartridges (LTO convention: "CLN" prefix).
bool is_cleaning_barcode(const std::string& barcode);

// The media set a new backup job of `pool` writes into: a new one for
// new_set_per_job pools, else the current open one (started if none).
Result<catalog::MediaSet> media_set_for_job(catalog::Catalog& cat, const std::string& pool);

// Runs retention first (Catalog::apply_retention), then chooses.
// in_library: barcodes in storage slots and drives (not mail slots: those
// need an 'import' first).
Result<AllocationOutcome> choose_cartridge(catalog::Catalog& cat, const std::string& pool,
                                           const std::string& media_set,
                                           const std::vector<std::string>& in_library,
                                           const std::set<std::string>& exclude = {});

}  // namespace tg::firmware::pools
