#pragma once
// Where the pipeline's tape blocks go: a tape drive in the product, an
// in-memory tape in tests. Outcomes follow drivers::TapeDrive: early
// warning is a status (the block is on tape), VOLUME OVERFLOW and MEDIUM
// ERROR are errors (Errc::volume_overflow: the block is NOT on tape).
#include <cstdint>
#include <span>

#include "drivers/tape_drive.hpp"
#include "hal/result.hpp"

namespace tg::firmware::pipeline {

class BlockSink {
 public:
  virtual ~BlockSink() = default;
  virtual Result<drivers::WriteStatus> write_block(std::span<const std::uint8_t> block) = 0;
  // count 0 = flush the drive's buffer (IMMED=0): returns once it is on tape.
  virtual Result<drivers::WriteStatus> write_filemarks(std::uint32_t count) = 0;
  // IMMED=1: the filemarks join the drive's buffer and the tape keeps
  // moving; nothing before them is known to be on tape until the next
  // sync. A sink without a buffer has nothing to defer.
  virtual Result<drivers::WriteStatus> write_filemarks_buffered(std::uint32_t count) { return write_filemarks(count); }
};

class TapeDriveSink final : public BlockSink {
 public:
  explicit TapeDriveSink(drivers::TapeDrive& drive) : drive_(drive) {}
  Result<drivers::WriteStatus> write_block(std::span<const std::uint8_t> block) override {
    return drive_.write(block);
  }
  Result<drivers::WriteStatus> write_filemarks(std::uint32_t count) override {
    return drive_.write_filemarks(count);
  }
  Result<drivers::WriteStatus> write_filemarks_buffered(std::uint32_t count) override {
    return drive_.write_filemarks_buffered(count);
  }
  drivers::TapeDrive& drive() { return drive_; }

 private:
  drivers::TapeDrive& drive_;
};

}  // namespace tg::firmware::pipeline
