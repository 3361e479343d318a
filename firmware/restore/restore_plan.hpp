#pragma once
// What to read for a restore or verify, and in which order: every file
// with its pieces (from the catalog), then the work grouped by cartridge in
// media-set sequence order and by position on each cartridge, so each
// cartridge is loaded once, the tape only winds forward, and a file's pieces
// arrive in file-offset order (a spanned file continues on the next
// cartridge of its set).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "firmware/catalog/catalog.hpp"
#include "firmware/restore/piece_streamer.hpp"
#include "hal/result.hpp"

namespace tg::firmware::restore {

struct PlannedFile {
  catalog::BackupFile file;
  std::vector<catalog::PieceLocation> pieces;   // file-offset order
};

struct CartridgeWork {
  std::string barcode;
  std::string media_set;
  std::uint32_t sequence = 0;
  std::uint32_t block_size = 0;               // from the label (0 = unknown)
  std::vector<PieceTask> tasks;               // owner = index into RestorePlan::files
  std::uint64_t bytes = 0;
};

struct RestorePlan {
  std::string description;                    // "job 12 (nightly)", "group qemu-100", ...
  std::vector<std::string> notes;             // what the operator should know about the choice
  std::vector<PlannedFile> files;
  // Files the selection named that cannot be restored (no complete
  // committed copy): reported as failures with this reason.
  std::vector<std::pair<std::string, std::string>> unavailable;
  // Copies left out: for a restore, other copies of a planned path (an
  // interrupted job's, an older job's); for a verify, uncommitted copies.
  std::uint64_t superseded = 0;
  std::map<std::string, std::uint32_t> block_sizes;   // barcode -> label block size
  std::uint64_t total_bytes() const;
};

// Groups the pieces by cartridge and sorts them: cartridges by (media set,
// sequence, barcode), pieces by (tape file, header offset). Checks that each
// file's pieces cover it without gap or overlap; a file that does not is
// moved to `unavailable`.
std::vector<CartridgeWork> order_work(RestorePlan& plan);

// What `restore <what>` / `verify <what>` names.
enum class SelectionKind : std::uint8_t { file, group, job, media_set, cartridge };
const char* selection_kind_name(SelectionKind k);

struct Selection {
  SelectionKind kind = SelectionKind::file;
  std::string value;                          // path, group key, job id/name, media set id, barcode
  std::optional<std::string> repository;      // for file and group
  std::string named_as;                       // the operator's word when it was resolved to an id
};

// Guesses the kind from the catalog when the operator gave a bare word:
// a job id (digits) or job name, a media set id, a cartridge barcode, a
// group key of a repository, else a file path. not_found if nothing matches.
Result<Selection> resolve_selection(catalog::Catalog& cat, const std::string& what,
                                    const std::optional<std::string>& repository);

// Builds the plan: for a file its newest complete copy; for a group the
// newest full backup of the chain plus the incrementals after it (the
// newest copy of each path); for a job, media set or cartridge every file
// it holds (a cartridge's files include their pieces on other cartridges).
// restore: one copy per path (the committed copy of the newest job), since
// every copy would land on the same target name. verify: every committed
// copy, because each is a promise of the catalog; copies a job never
// committed are left out (counted in `superseded`), not failed.
enum class PlanPurpose : std::uint8_t { restore, verify };
Result<RestorePlan> plan_restore(catalog::Catalog& cat, const Selection& sel,
                                 PlanPurpose purpose = PlanPurpose::restore);

// A plan from files already chosen (pieces looked up in the catalog).
Result<RestorePlan> plan_for_files(catalog::Catalog& cat, std::vector<catalog::BackupFile> files,
                                   PlanPurpose purpose = PlanPurpose::restore);

}  // namespace tg::firmware::restore
