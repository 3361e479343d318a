#pragma once
// Preparing a loaded cartridge for writing: label checks, labelling,
// positioning (the moves themselves are firmware/library's).
// Every step names the barcode, slot and drive in its errors.
#include <cstdint>
#include <optional>
#include <string>

#include "drivers/library.hpp"
#include "firmware/catalog/catalog.hpp"
#include "firmware/format/volume_label.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "firmware/pools/cartridge_allocator.hpp"
#include "hal/result.hpp"

namespace tg::firmware::pools {

// Reads block 0 of the loaded cartridge (rewinds first) and classifies it.
Result<format::MediumClassification> read_medium_label(drivers::TapeDrive& drive);

struct LabelWrite {
  std::string barcode;
  std::string pool;
  std::string media_set;        // "" = labelled into the pool, not in a set yet
  std::uint32_t sequence = 0;   // 0 when media_set is ""
  std::uint32_t block_size = 0; // of data files, recorded in the label
  std::string host;
  // true: the label's filemark is a sync (IMMED=0), durable when recorded.
  // false: buffered (IMMED=1), for a job whose writing follows at once: its
  // first data sync makes the label durable and saves a stop of the tape
  // (docs/tape-format.md, "Tape files and syncs").
  bool sync = true;
};

// Rewinds, writes the label as tape file 0 and its filemark, then records
// it in the catalog (record_label + tape file 0). The cartridge's former
// content is forgotten by the catalog. Does not check what was on it.
Status write_label(catalog::Catalog& cat, drivers::TapeDrive& drive, const LabelWrite& label);

// The `label <barcode> --pool P [--force]` command: load into a free drive,
// check what is on it, refuse (Errc::foreign_medium / data_protect) when it
// holds another pool's data, live data of this pool, a foreign format, or
// is WORM — unless force (never for WORM with data) — write the label,
// record it, unload it home.
struct LabelRequest {
  std::string barcode;
  std::string pool;
  bool force = false;
  std::uint32_t block_size = 0;
  std::string host;
  std::string owner = "console label";
};
struct LabelOutcome {
  format::MediumContent previous = format::MediumContent::blank;
  std::string previous_detail;  // "pool weekly, media set ..., sequence 2" / foreign reason
};
Result<LabelOutcome> label_cartridge(catalog::Catalog& cat, library::DriveReservations& drives, const LabelRequest& req);

// Loads an allocated cartridge into the leased drive and makes it ready to
// receive the next data tape file:
//   append         -> label read back and checked against the catalog
//                     (barcode, media set, sequence), then SPACE to end of data;
//                     a drive that cannot report its position there is
//                     positioned by the catalog's tape files instead, checked
//                     on tape (append_position.hpp)
//   assign/reuse   -> the label with media set + sequence is written
//                     (refusing if block 0 turns out foreign or another pool's)
// Returns the tape file number the next data file gets and the drive's
// logical block position there.
struct MountedForWrite {
  std::uint32_t next_file_number = 1;
  std::uint64_t position = 0;
};
Result<MountedForWrite> mount_for_write(catalog::Catalog& cat, library::DriveLease& lease, const Allocation& alloc,
                                        std::uint32_t block_size, const std::string& host);

// `inventory --read-labels`: for every cartridge in a storage slot whose
// content the catalog does not know (unknown state or new barcode; all when
// `all`), load it into a free drive, read block 0, record blank / ours
// (pool, media set, sequence) / foreign, unload it home. Cleaning cartridges
// are recorded as such and never loaded.
struct ReadLabelResult {
  std::string barcode;
  std::optional<format::MediumContent> content;  // empty when it could not be read
  std::string detail;                             // label summary, foreign reason or error
};
Result<std::vector<ReadLabelResult>> read_labels(catalog::Catalog& cat, library::DriveReservations& drives, bool all = false);

}  // namespace tg::firmware::pools
