#pragma once
// One file being restored: written under a temporary name next to its
// final place, hashed as the bytes arrive, fsync'd, and renamed to its
// name only when the SHA-256 matches the catalog's. An existing file is
// never replaced unless the caller allows it, and the check is the rename
// itself (RENAME_NOREPLACE), so nothing created meanwhile is lost either.
//
// A full target file system (ENOSPC, or EDQUOT for a quota) is told apart
// from other write failures: the partial copy is removed at once, the error
// names the file and says the disk is full, and disk_full() lets the caller
// stop the restore instead of failing every later file the same way.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "firmware/format/sha256.hpp"
#include "hal/result.hpp"

namespace tg::firmware::restore {

// A catalog path is relative, '/'-separated, without "." / ".." / empty
// components: anything else could write outside the target directory.
Status check_relative_path(const std::string& path);

// Test seam: the write(2) every RestoredFile writes its bytes with. Tests
// install one that fails with ENOSPC at a chosen byte, to fill the target
// disk in the middle of a file where no small file system can be mounted.
// nullptr puts write(2) back; returns the function it replaces.
using WriteFunction = ssize_t (*)(int fd, const void* buf, std::size_t count);
WriteFunction set_write_function_for_tests(WriteFunction f);

struct RestoredFileSpec {
  std::filesystem::path target_root;   // --to
  std::string path;                    // relative to target_root
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string sha256;                  // expected, lowercase hex
  bool overwrite = false;
};

class RestoredFile {
 public:
  // Checks the path and the refusal to overwrite, creates parent
  // directories and opens the temporary file.
  // disk_full (optional) is set when creating failed because the target
  // file system is full.
  static Result<RestoredFile> create(const RestoredFileSpec& spec, bool* disk_full = nullptr);
  RestoredFile(RestoredFile&& o) noexcept;
  RestoredFile& operator=(RestoredFile&& o) noexcept;
  RestoredFile(const RestoredFile&) = delete;
  ~RestoredFile();   // removes the temporary file unless committed

  // Bytes at file_offset; the offset must continue where the last write
  // ended (pieces come in file order) so the hash runs in one pass.
  Status write(std::uint64_t file_offset, std::span<const std::uint8_t> bytes);
  std::uint64_t written() const { return written_; }
  // Size and hash check, fsync, mtime, rename, fsync of the directory.
  Status commit();
  // Drops the temporary file.
  void abandon();
  // The last write() or commit() failed because the target file system is
  // full; the temporary file is already gone.
  bool disk_full() const { return disk_full_; }

  const std::filesystem::path& final_path() const { return final_; }
  const std::filesystem::path& temp_path() const { return temp_; }

 private:
  RestoredFile() = default;
  RestoredFileSpec spec_;
  std::filesystem::path final_, temp_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
  bool disk_full_ = false;
  std::unique_ptr<format::Sha256> hash_;
  Error full_disk_error(const char* what);
};

}  // namespace tg::firmware::restore
