#pragma once
// A repository is a directory tree of backup files written by a hypervisor
// or backup product. The scan finds them, groups them per VM / chain and
// orders each chain so a chain's files are contiguous on tape and a full
// comes before the incrementals that need it:
//   Proxmox vzdump  vzdump-{qemu,lxc}-<vmid>-<YYYY_MM_DD-HH_MM_SS>.{vma,tar}[.zst|.lzo|.gz]
//                   (+ its .log and .notes) -> group "qemu-<vmid>" / "lxc-<vmid>"
//   Veeam           .vbk full, .vib incremental, .vrb reverse incremental, .vbm
//                   metadata, grouped per folder and VM name prefix
//                   ("<job><vm>D<YYYY-MM-DD>T<HHMMSS>_xxxx.vbk") -> "veeam:<folder>/<prefix>"
//   anything else   ungrouped, in path order
// Files still being written (.tmp, .part, .partial, .lock, .inprogress,
// vzdump's .dat) and hidden files are skipped and reported, as are
// symlinks and special files: a backup of a half-written image is worse
// than none. A symlink is never followed (nor reported under its target's
// name). A directory that cannot be read, or an entry that cannot be
// stat'ed, is not skipped but unreadable: the scan goes on and the backup
// is incomplete.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hal/result.hpp"

namespace tg::firmware::repository {

enum class FileKind : std::uint8_t { full, incremental, reverse_incremental, metadata, other };
const char* file_kind_name(FileKind k);  // "full", "incremental", "reverse", "metadata", "other"

struct BackupFileEntry {
  std::filesystem::path absolute;
  std::string path;            // relative to the repository root, '/' separated
  std::uint64_t size = 0;
  std::int64_t mtime = 0;      // UNIX seconds (st_mtim.tv_sec)
  std::string group;           // chain key, "" for ungrouped files
  FileKind kind = FileKind::other;
  std::string stamp;           // sortable time stamp from the name ("" if none)
  // What lstat(2) said when the scan saw the file (always a regular file).
  // The copy opens the file without following links and compares its
  // fstat with these, so a file swapped or changed since the scan is
  // noticed; mode/uid/gid go into the member's header.
  std::uint64_t device = 0;    // st_dev
  std::uint64_t inode = 0;     // st_ino
  std::int64_t mtime_ns = 0;   // st_mtim as nanoseconds since the epoch
  std::int64_t ctime_ns = 0;   // st_ctim as nanoseconds since the epoch
  std::uint32_t mode = 0;      // permission bits (st_mode & 07777)
  std::uint32_t uid = 0, gid = 0;
};

struct SkippedFile {
  std::string path;
  std::string reason;          // "still being written (.tmp)", "symbolic link", ...
};

// An entry the scan could not read: a directory that could not be opened
// or listed (what is in it is unknown), or an entry that could not be
// stat'ed. Unlike a skipped file, it makes the backup incomplete.
struct UnreadableEntry {
  std::string path;            // relative to the root ("." for the root's own listing)
  std::string reason;          // "cannot open the directory: Permission denied; ..."
};

struct RepositoryScan {
  std::filesystem::path root;
  std::vector<BackupFileEntry> files;   // in tape order: groups by key, each chain in order; then ungrouped
  std::vector<SkippedFile> skipped;
  std::vector<UnreadableEntry> unreadable;
  std::uint64_t total_bytes = 0;
  std::size_t group_count = 0;
};

// Classifies one file name (no directory walk). Exposed for tests.
BackupFileEntry classify_backup_file(const std::string& relative_path);
// Why a name must not be backed up now, or "" if it may.
std::string skip_reason(const std::string& file_name);

// Errc::not_found if root does not exist, Errc::invalid_argument if it is
// not a directory, Errc::io_error if the root cannot be opened. Anything
// unreadable beneath the root is in `unreadable`, never an early end.
Result<RepositoryScan> scan_repository(const std::filesystem::path& root);

}  // namespace tg::firmware::repository
