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
// than none.
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
  std::int64_t mtime = 0;      // UNIX seconds
  std::string group;           // chain key, "" for ungrouped files
  FileKind kind = FileKind::other;
  std::string stamp;           // sortable time stamp from the name ("" if none)
};

struct SkippedFile {
  std::string path;
  std::string reason;          // "still being written (.tmp)", "symbolic link", ...
};

struct RepositoryScan {
  std::filesystem::path root;
  std::vector<BackupFileEntry> files;   // in tape order: groups by key, each chain in order; then ungrouped
  std::vector<SkippedFile> skipped;
  std::uint64_t total_bytes = 0;
  std::size_t group_count = 0;
};

// Classifies one file name (no directory walk). Exposed for tests.
BackupFileEntry classify_backup_file(const std::string& relative_path);
// Why a name must not be backed up now, or "" if it may.
std::string skip_reason(const std::string& file_name);

// Errc::not_found if root does not exist, Errc::invalid_argument if it is
// not a directory, Errc::io_error for an unreadable directory (with the path).
Result<RepositoryScan> scan_repository(const std::filesystem::path& root);

}  // namespace tg::firmware::repository
