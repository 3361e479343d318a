#pragma once
// `catalog rebuild`: a catalog from the cartridges alone (a fresh appliance,
// or a catalog lost with its disk). Two passes over the library:
//
//  1. For each cartridge: read the volume label (tape file 0), then walk the
//     tape files by reading one block of each and SPACE one filemark past the
//     rest. A tape file whose first member is a job catalog copy
//     (tapegate-catalog/<job uuid>.txt, the last tape file of every job) is
//     read whole, its hash checked, and imported.
//  2. Data tape files that no imported copy describes (the copy is missing,
//     damaged, or on a cartridge not in the library) are scanned header by
//     header, read ahead through a ring as restore reads: every member's
//     position, pax records (path, size, mtime, SHA-256, job, group, kind)
//     and a hash of its data as read. Members
//     whose data does not match their header hash were changed during backup
//     and are not copies (tape-format.md); spanned files are joined from
//     their pieces across the set's cartridges. The result goes through the
//     same import as a catalog copy, one job at a time.
//
// With ask_for_missing, cartridges of a media set that the imported copies
// name but that are not in the library are requested from the operator by
// barcode and read too.
#include <cstdint>
#include <string>
#include <vector>

#include "firmware/catalog/catalog.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/restore/cartridge_source.hpp"
#include "firmware/restore/read_ahead_reader.hpp"
#include "hal/result.hpp"

namespace tg::firmware::restore {

struct RebuildOptions {
  std::size_t max_block_bytes = 4u << 20;   // read buffer, allocated once
  // Read-ahead ring for the header scan (pass 2); 0: block by block.
  std::size_t read_ahead_bytes = kDefaultReadAheadBytes;
  bool ask_for_missing = false;
  std::vector<std::string> only;             // restrict to these barcodes (empty: every cartridge in the library)
};

struct RebuildReport {
  std::vector<std::string> cartridges_read;
  std::vector<std::string> foreign;          // "TP0009L9: not a Tapegate label (...)"
  std::uint64_t catalog_copies_imported = 0, catalog_copies_present = 0, catalog_copies_damaged = 0;
  std::uint64_t tape_files_scanned = 0;      // pass 2
  std::uint64_t jobs_from_scan = 0, files_from_scan = 0;
  std::uint64_t members_rejected = 0;        // hash mismatch or incomplete
  std::vector<std::string> problems;         // each names cartridge and tape file
  std::string summary() const;
};

// Errors only when the whole rebuild cannot go on (no drive, cancelled).
Result<RebuildReport> rebuild_catalog(catalog::Catalog& cat, CartridgeSource& source, JobContext& ctx,
                                      const RebuildOptions& options = {});

}  // namespace tg::firmware::restore
