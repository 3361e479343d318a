#pragma once
// `dump <barcode> <tape-file-number>`: the raw bytes of one tape file,
// written to a file descriptor (stdout for the console), so an operator can
// list and extract it with GNU tar on any machine (docs/restore.md):
//   tapegate dump TP0001L9 1 | tar -tvf -
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "firmware/job/job_context.hpp"
#include "firmware/restore/cartridge_source.hpp"
#include "firmware/restore/tape_reader.hpp"
#include "hal/result.hpp"

namespace tg::firmware::restore {

struct DumpStats {
  std::uint64_t blocks = 0;
  std::uint64_t bytes = 0;
  std::uint64_t first_block = 0;     // logical block where the tape file starts
};

// Positions at tape file `file_number` of the loaded cartridge -- LOCATE to
// `first_block` when the catalog knows it, else rewind and SPACE
// file_number filemarks -- then copies every block up to the filemark to
// `fd`. not_found when the cartridge has fewer tape files.
Result<DumpStats> dump_tape_file(TapeReader& tape, std::uint32_t file_number, std::optional<std::uint64_t> first_block,
                                 int fd, std::span<std::uint8_t> buffer, JobContext* ctx = nullptr);

// Loads the cartridge through `source` (asking the operator when it is not
// in the library), dumps, and releases it.
Result<DumpStats> dump_cartridge_file(CartridgeSource& source, const std::string& barcode, std::uint32_t file_number,
                                      std::optional<std::uint64_t> first_block, int fd, JobContext& ctx,
                                      std::size_t max_block_bytes = 8u << 20);

}  // namespace tg::firmware::restore
