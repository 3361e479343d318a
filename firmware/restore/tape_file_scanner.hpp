#pragma once
// Reads one tape file from its first block to its filemark and lists its tar
// members with their positions (header offset, first/end block) and a
// SHA-256 of each member's data as read. Catalog rebuild uses it when a
// job's catalog copy is missing or damaged; tests use it to check what a
// writer put on tape. Members whose path starts with `capture_prefix` (the
// job catalog copy) are also kept in memory, up to a bound.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "firmware/format/tar_reader.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/restore/tape_reader.hpp"
#include "hal/result.hpp"

namespace tg::firmware::restore {

struct ScannedMember {
  format::TarEntry entry;          // path, size, pax keywords, continuation
  std::uint64_t header_offset = 0; // byte offset in the tape file of its first header record
  std::uint64_t first_block = 0;   // block within the tape file holding that record
  std::uint64_t end_block = 0;     // first block after its last data byte in this tape file
  std::uint64_t file_offset = 0;   // offset of this piece in the original file
  std::uint64_t length = 0;        // data bytes of it in this tape file
  bool complete = false;           // all of the member's data is in this tape file
  std::string data_sha256;         // of the bytes in this tape file
  std::string captured;            // content, for members under capture_prefix
  bool whole_file() const { return complete && file_offset == 0 && !entry.continuation; }
};

struct ScannedTapeFile {
  std::uint32_t file_number = 0;
  std::uint64_t first_block = 0;   // logical block of its first block
  std::uint64_t blocks = 0;        // data blocks read
  std::uint32_t block_size = 0;    // length of its first block
  std::vector<ScannedMember> members;
  format::TarFinish end;
  bool end_of_data = false;        // EOD came instead of a filemark (or right away)
  std::optional<Error> error;      // read or parse failure; members before it are kept
};

struct ScanOptions {
  std::string capture_prefix = "tapegate-catalog/";
  std::size_t capture_limit = format::kMaxCatalogCopyBytes;
};

// Reads from the current position, which must be the first block of tape
// file `file_number` at logical block `first_block`. Leaves the tape after
// the filemark that ends it. An immediate end of data gives a result with
// end_of_data set and no members.
Result<ScannedTapeFile> scan_tape_file(TapeReader& tape, std::span<std::uint8_t> buffer, std::uint32_t file_number,
                                       std::uint64_t first_block, const ScanOptions& options = {},
                                       JobContext* ctx = nullptr);

}  // namespace tg::firmware::restore
