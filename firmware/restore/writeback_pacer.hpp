#pragma once
// When a restored file's bytes go to disk. A restore must fsync every file
// before its rename, and a file left to the kernel is dirty in the page
// cache until that fsync: the job's thread then waits for the whole file's
// writeback while the read-ahead ring fills and the drive stops (a 256 MiB
// file is ~0.3 s of disk at 800 MB/s, per file). Started window by window
// as it is written (sync_file_range SYNC_FILE_RANGE_WRITE), the writeback
// runs while the next bytes are read, parsed and hashed, and the fsync at
// the end finds only the last windows still in flight.
//
// The pacer also waits for the window `in_flight` windows behind the one it
// starts, so a file never has more than that much unwritten in the page
// cache: a disk slower than the tape then slows the restore a little at a
// time, the way the kernel's dirty throttling would, instead of at a
// many-gigabyte fsync, and memory stays bounded.
//
// This only moves when the data is written, never whether: the fsync before
// the rename remains what makes a file durable (restored_file.hpp).
#include <cstdint>

namespace tg::firmware::restore {

// 8 MiB windows, 4 in flight: 32 write(2)s of a 256 KiB block per call,
// and at most 32 MiB per file in the page cache not yet on its way to disk.
inline constexpr std::uint64_t kWritebackWindowBytes = 8u << 20;
inline constexpr std::uint64_t kWritebackWindowsInFlight = 4;

struct ByteRange {
  std::uint64_t offset = 0, length = 0;
  bool empty() const { return length == 0; }
};

// What to do once the file holds `written` bytes: start writeback of
// `start`, then wait until `wait` is on disk (either may be empty).
struct WritebackStep {
  ByteRange start, wait;
};

// The pure decision, apart from the system calls (RestoredFile makes them).
class WritebackPacer {
 public:
  explicit WritebackPacer(std::uint64_t window = kWritebackWindowBytes,
                          std::uint64_t in_flight = kWritebackWindowsInFlight);
  // Bytes [0, written) are in the file; written only grows.
  WritebackStep after_write(std::uint64_t written);
  std::uint64_t started() const { return started_; }   // bytes whose writeback was started
  std::uint64_t waited() const { return waited_; }     // bytes known to be on disk

 private:
  std::uint64_t window_, limit_;
  std::uint64_t started_ = 0, waited_ = 0;
};

}  // namespace tg::firmware::restore
