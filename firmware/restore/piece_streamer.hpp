#pragma once
// Reads the catalog's pieces from one loaded cartridge and hands their bytes
// to a PieceHandler, in tape order. It positions with LOCATE to the block
// holding a piece's first header (docs/tape-format.md, "Catalog record of a
// piece") and reads forward through the tar stream; when the next wanted
// piece lies a short way ahead in the same tape file it keeps reading rather
// than LOCATE again (a LOCATE costs seconds on a real drive, reading a few
// blocks costs milliseconds). It never reads a tape file from its start to
// find something.
//
// Failures are per piece: an unreadable block, a header that is not where
// the catalog says, a member of another name, a tape file that ends early.
// Each names cartridge, tape file and block; the streamer then goes on with
// the next piece (with a fresh LOCATE, because after an error the position
// is not trusted).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "firmware/format/tar_reader.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/restore/tape_reader.hpp"
#include "hal/result.hpp"

namespace tg::firmware::restore {

// One piece to read: where it is and what it must be.
struct PieceTask {
  std::size_t owner = 0;               // the handler's index (file being assembled)
  std::string path;                    // backup file path (original member name)
  std::uint32_t file_number = 0;       // tape file number on the cartridge
  std::uint64_t tape_file_first_block = 0;
  std::uint64_t first_block = 0;       // block within the tape file of the first header
  std::uint64_t header_offset = 0;     // byte offset of the first header in the tape file
  std::uint64_t offset = 0;            // byte offset of the piece within the file
  std::uint64_t length = 0;            // bytes of the file in this piece
  std::uint32_t volume_index = 0;      // 0 original member, n >= 1 continuation
};

class PieceHandler {
 public:
  virtual ~PieceHandler() = default;
  // False when the owner already failed: its remaining pieces are skipped.
  virtual bool wanted(std::size_t owner) = 0;
  // The member's header was read: what the tape says about the file.
  virtual Status begin_piece(const PieceTask& task, const format::TarEntry& entry) = 0;
  // Bytes of the file at file_offset, in order. An error fails the owner.
  virtual Status data(std::size_t owner, std::uint64_t file_offset, std::span<const std::uint8_t> bytes) = 0;
  virtual void piece_done(const PieceTask& task) = 0;
  virtual void piece_failed(const PieceTask& task, const Error& error) = 0;
};

struct StreamerOptions {
  // Keep reading instead of LOCATE when the next piece starts at most this
  // far ahead in the same tape file.
  std::uint64_t max_read_through = 64ull << 20;
};

struct StreamerStats {
  std::uint64_t locates = 0;
  std::uint64_t blocks_read = 0;
  std::uint64_t bytes_read = 0;        // tape bytes, including headers and skipped members
  std::uint64_t piece_bytes = 0;       // bytes delivered to the handler
};

class PieceStreamer {
 public:
  // block_buffer: allocated once by the caller, at least the cartridge's
  // block size; a larger block on tape is reported, never truncated silently.
  // Blocks come through TapeReader::read_block: from a ReadAheadReader they
  // are parsed where the tape thread put them, and the buffer only bounds them.
  PieceStreamer(std::span<std::uint8_t> block_buffer, StreamerOptions options = {});

  // tasks: pieces on this cartridge, sorted by (file_number, header_offset).
  // Returns an error only when the job must stop (cancelled); everything
  // else is reported per piece through the handler.
  Status run(TapeReader& tape, const std::string& barcode, std::span<const PieceTask> tasks,
             PieceHandler& handler, JobContext* ctx = nullptr);

  const StreamerStats& stats() const { return stats_; }

 private:
  std::span<std::uint8_t> buffer_;
  StreamerOptions options_;
  StreamerStats stats_;
};

// Sorts tasks into the order PieceStreamer::run wants.
void sort_for_tape(std::vector<PieceTask>& tasks);

}  // namespace tg::firmware::restore
