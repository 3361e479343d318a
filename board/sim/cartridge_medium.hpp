#pragma once
// What is recorded on a simulated cartridge: a sequence of logical objects
// (blocks and filemarks) followed by end of data. Kept as two files:
//   <barcode>.data   the block bytes, back to back
//   <barcode>.index  a 16-byte header, then one 16-byte record per object
//                    (data offset, length, flags), all big-endian
// Appends write the data then the record, with no per-block fsync; writing
// at object P first truncates both files after P, as a real tape forgets
// everything beyond the point where writing starts. On open, a torn tail
// (a record without its data, data without a record) is cut off.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "hal/result.hpp"

namespace tg::sim {

struct TapeObject {
  std::uint64_t offset = 0;  // in the data file
  std::uint32_t length = 0;  // 0 for a filemark
  bool filemark = false;
};

class CartridgeMedium {
 public:
  // Opens (creating when absent) the medium files for `stem` (a path
  // without extension).
  static Result<std::unique_ptr<CartridgeMedium>> open(const std::filesystem::path& stem);
  ~CartridgeMedium();
  CartridgeMedium(const CartridgeMedium&) = delete;
  CartridgeMedium& operator=(const CartridgeMedium&) = delete;

  std::uint64_t object_count() const { return objects_.size(); }  // = end-of-data position
  const TapeObject& object(std::uint64_t i) const { return objects_[i]; }
  std::uint64_t bytes_used() const;          // data bytes up to end of data
  std::uint64_t filemarks_before(std::uint64_t position) const;

  // Forget every object at and after `position` (it becomes end of data).
  Status truncate(std::uint64_t position);
  Status append_block(std::span<const std::uint8_t> data);
  Status append_filemark();
  // Reads up to out.size() bytes of block i; returns the bytes copied.
  Result<std::size_t> read_block(std::uint64_t i, std::span<std::uint8_t> out) const;
  // Flush both files to stable storage (the drive's buffer reaching tape).
  Status sync();
  // Invert up to 16 bytes in the middle of block i, in the data file.
  Status corrupt_block(std::uint64_t i);

 private:
  CartridgeMedium(std::filesystem::path stem, int data_fd, int index_fd)
      : stem_(std::move(stem)), data_fd_(data_fd), index_fd_(index_fd) {}
  Status load();
  Status append_record(const TapeObject& o);

  std::filesystem::path stem_;
  int data_fd_ = -1, index_fd_ = -1;
  std::vector<TapeObject> objects_;
  std::vector<std::uint64_t> filemark_positions_;  // ascending, for logical file numbers
};

}  // namespace tg::sim
