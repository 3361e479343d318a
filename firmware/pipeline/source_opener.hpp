#pragma once
// The opener thread: opens the backup files a few members ahead of the
// framer, so that a directory of small files does not serialise on
// open/stat and their first bytes are already on their way from the disk
// (POSIX_FADV_WILLNEED) when the framer reads them; large files are read
// sequentially (POSIX_FADV_SEQUENTIAL: the kernel's read-ahead doubles).
//
// It refuses what the scan did not see: a symbolic link swapped in (opened
// with O_NOFOLLOW), a FIFO or device (O_NONBLOCK, so opening never hangs,
// then anything but a regular file is refused), another file at the same
// path (device and inode differ). A file that only grew or was touched
// since the scan is copied as it is now: size and mtime come from fstat.
#include <cstdint>
#include <thread>

#include "firmware/pipeline/member_table.hpp"

namespace tg::firmware::pipeline {

struct OpenerStats {
  std::uint64_t opened = 0, refused = 0;
};

class SourceOpener {
 public:
  // ahead: members opened ahead of the framer (open files at once);
  // prefetch_bytes: how much of each file to ask the kernel for at once.
  SourceOpener(MemberTable& table, std::size_t ahead = 16, std::uint64_t prefetch_bytes = 2u << 20);
  ~SourceOpener();  // joins, closes what the framer never took
  void start();
  void join();
  OpenerStats stats() const { return stats_; }  // after join()

 private:
  void run();
  void open_one(Member& m);

  MemberTable& table_;
  std::size_t ahead_;
  std::uint64_t prefetch_;
  std::thread thread_;
  std::size_t opened_to_ = 0;
  OpenerStats stats_;
};

}  // namespace tg::firmware::pipeline
