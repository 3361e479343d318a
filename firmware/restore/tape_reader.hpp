#pragma once
// What restore, verify, rebuild and dump need of a loaded cartridge: read
// one block, LOCATE, SPACE, READ POSITION. DriveTapeReader forwards to a
// drivers::TapeDrive; tests give an in-memory tape. Keeping the seam this
// narrow keeps the tape-format logic testable without a drive (pbs-tape's
// blocked reader does the same).
#include <cstdint>
#include <span>
#include <string>

#include "drivers/tape_drive.hpp"
#include "hal/result.hpp"

namespace tg::firmware::restore {

// A block as read_block() returns it: the outcome and the block's bytes.
struct BlockRead {
  drivers::ReadStatus status;
  std::span<const std::uint8_t> bytes;   // status.length bytes
};

class TapeReader {
 public:
  virtual ~TapeReader() = default;
  // One block (variable mode) into buf; filemark and end of data are
  // outcomes, not errors (drivers::ReadStatus).
  virtual Result<drivers::ReadStatus> read(std::span<std::uint8_t> buf) = 0;
  // The same, but the bytes may stay where the reader already holds them
  // (ReadAheadReader's ring slot) instead of being copied into buf; they
  // are valid until the next call on this reader. buf.size() still bounds
  // the block: a longer one reads as truncated, as read() would.
  virtual Result<BlockRead> read_block(std::span<std::uint8_t> buf) {
    auto r = TG_TRY(read(buf));
    return BlockRead{r, buf.first(r.length)};
  }
  virtual Status locate(std::uint64_t logical_object) = 0;
  virtual Result<drivers::SpaceStatus> space(drivers::SpaceCode code, std::int32_t count) = 0;
  virtual Result<std::uint64_t> position() = 0;
  virtual Status rewind() = 0;
  // For messages: "drive0" or "memory tape".
  virtual std::string name() const = 0;
};

class DriveTapeReader final : public TapeReader {
 public:
  explicit DriveTapeReader(drivers::TapeDrive& drive) : drive_(drive) {}
  Result<drivers::ReadStatus> read(std::span<std::uint8_t> buf) override { return drive_.read(buf); }
  Status locate(std::uint64_t block) override { return drive_.locate(block); }
  Result<drivers::SpaceStatus> space(drivers::SpaceCode code, std::int32_t count) override {
    return drive_.space(code, count);
  }
  Result<std::uint64_t> position() override { return drive_.position(); }
  Status rewind() override { return drive_.rewind(); }
  std::string name() const override { return drive_.name(); }

 private:
  drivers::TapeDrive& drive_;
};

}  // namespace tg::firmware::restore
