#pragma once
// One file being restored: written under a temporary name next to its
// final place, hashed as the bytes arrive, fsync'd, and renamed to its
// name only when the SHA-256 matches the catalog's. Its writeback is
// started while it is written (writeback_pacer.hpp), so that fsync finds
// little left to wait for. An existing file is
// never replaced unless the caller allows it, and the check is the rename
// itself (RENAME_NOREPLACE), so nothing created meanwhile is lost either.
//
// The file is created and renamed relative to its directory's descriptor,
// which TargetDirectory opened beneath --to without following a symlink:
// a link planted in the path is never written through.
//
// Mode and owner come from the member's tape header (FileAttributes): the
// temporary file is created 0600, gets its owner (only when restoring
// owners, i.e. as root) and then its mode before the rename, so it never
// appears under its name with other permissions than its own. Without
// attributes (the catalog alone says nothing about them) it is 0644 less
// the umask, as before.
//
// A full target file system (ENOSPC, or EDQUOT for a quota) is told apart
// from other write failures: the partial copy is removed at once, the error
// names the file and says the disk is full, and disk_full() lets the caller
// stop the restore instead of failing every later file the same way.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "firmware/format/sha256.hpp"
#include "firmware/restore/target_directory.hpp"
#include "firmware/restore/writeback_pacer.hpp"
#include "hal/result.hpp"
#include "hal/unique_fd.hpp"

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

// Test seam: told of every step that puts a restored file's bytes and name
// on disk, in the order they happen, with the byte range where one applies
// (0, 0 for the others). nullptr stops it; returns the observer it replaces.
enum class DurabilityStep { writeback_started, writeback_waited, file_synced, renamed, directory_synced };
using DurabilityObserver = void (*)(DurabilityStep step, std::uint64_t offset, std::uint64_t length);
DurabilityObserver set_durability_observer_for_tests(DurabilityObserver f);

// What a member's header says about the file besides its bytes.
struct FileAttributes {
  std::uint32_t mode = 0644;           // permission bits as on tape (07777 are looked at)
  std::uint64_t uid = 0, gid = 0;
};

// The mode a restored file gets: the permission bits, without set-user-ID
// and set-group-ID unless its owner is restored too (a setuid file handed
// to the restoring user, root, would be a setuid-root file nobody made).
mode_t restored_mode(std::uint32_t mode, bool owner_restored);

struct RestoredFileSpec {
  TargetDirectory* target = nullptr;   // --to; outlives the file
  std::string path;                    // relative to the target
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string sha256;                  // expected, lowercase hex
  bool overwrite = false;
  std::optional<FileAttributes> attributes;   // from the tape header; nullopt: 0644 less the umask
  bool restore_owner = false;          // chown to attributes' uid/gid (needs root)
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
  // Size and hash check, owner and mode, mtime, fsync, rename, fsync of
  // the directory.
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
  std::filesystem::path final_, temp_;   // full paths, for messages
  std::string name_, temp_name_;         // in dir_
  hal::UniqueFd dir_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
  bool disk_full_ = false;
  std::unique_ptr<format::Sha256> hash_;
  WritebackPacer pacer_;
  bool pacing_ = true;                   // off where the file system has no sync_file_range
  Error full_disk_error(const char* what);
  Status apply_attributes();
  Status pace_writeback();
  Status sync_range(ByteRange range, unsigned flags, DurabilityStep step);
};

}  // namespace tg::firmware::restore
