#pragma once
// The directory a restore writes into (`--to DIR`) and everything beneath
// it, reached without following a symbolic link. A catalog path "sub/x"
// must land in DIR/sub/x even when someone made DIR/sub a link to
// /elsewhere: following it would write (or, with --overwrite, replace) a
// file outside DIR. So every directory below DIR is opened relative to
// the one above it, one component at a time, with O_NOFOLLOW (openat2's
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS does the whole walk in one call
// where the kernel has it); a symlink in the way fails that file by name.
// Files are then created and renamed relative to the directory descriptor
// this returns, so nothing is looked up by path again.
//
// Directories the restore creates are 0700 while it runs (nobody else
// walks into a tree half restored) and get their final mode from finish():
// 0755 less the process umask, as mkdir would have made them; a
// directory's own mode is not on tape. Directories that existed are
// never changed.
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hal/result.hpp"
#include "hal/unique_fd.hpp"

namespace tg::firmware::restore {

class TargetDirectory {
 public:
  // Opens `root`, creating it and missing parents (0755 less the umask)
  // first. The root itself may be a symlink: the operator named it.
  static Result<std::unique_ptr<TargetDirectory>> open(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }
  // root/relative, for messages.
  std::filesystem::path full_path(const std::string& relative) const { return root_ / relative; }

  // The directory holding `path` (a catalog path that passed
  // check_relative_path), opened beneath the root without following a
  // symlink; with `create`, missing directories are made (0700 until
  // finish()). Errors: Errc::invalid_argument "<root>/sub is a symbolic
  // link: not followed" (or "... is not a directory"); Errc::not_found
  // when a directory is missing and !create; Errc::io_error otherwise, with
  // *disk_full set (if given) when the file system is full.
  Result<hal::UniqueFd> open_parent(const std::string& path, bool create, bool* disk_full = nullptr);

  // Whether `path` exists (as lstat sees it: a symlink at the end exists)
  // beneath the root. A symlink in the way of its directory is the same
  // error as from open_parent.
  Result<bool> exists(const std::string& path);

  // Gives every directory this restore created its final mode. Called once,
  // at the end of the restore (also after a failure or a cancel); reports
  // each directory it could not change and goes on with the others.
  struct DirectoryFailure {
    std::string path;     // relative to the root
    std::string reason;
  };
  std::vector<DirectoryFailure> finish();

  // The mode finish() gives created directories: 0755 less the umask.
  mode_t final_directory_mode() const { return final_dir_mode_; }

 private:
  TargetDirectory() = default;
  // Opens the directory `relative` ("" for the root) component by component.
  Result<hal::UniqueFd> open_directory(const std::string& relative, bool create, bool* disk_full);
  Result<hal::UniqueFd> walk(const std::string& relative, bool create, bool* disk_full);

  std::filesystem::path root_;
  hal::UniqueFd root_fd_;
  mode_t final_dir_mode_ = 0755;
  std::vector<std::string> created_;   // relative paths, parents before children
};

// The process umask, read without changing it (umask(2) can only read it by
// setting it, a race with every other thread creating files): from
// /proc/self/status, 022 where that does not say.
mode_t current_umask();

}  // namespace tg::firmware::restore
