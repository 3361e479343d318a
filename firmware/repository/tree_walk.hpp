#pragma once
// A walk of a directory tree that never follows a symbolic link (every
// entry is seen as lstat(2) sees it; directories are opened with openat
// and O_NOFOLLOW beneath the one already open) and never stops silently:
// a directory that cannot be opened or listed, or an entry that cannot be
// stat'ed, is reported by name and the walk goes on with the rest. A
// repository scan that ended at the first unreadable directory would call
// a partial backup complete.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "hal/result.hpp"

namespace tg::firmware::repository {

// One entry beneath the root.
struct TreeEntry {
  std::string path;        // relative to the root, '/' separated
  std::string_view name;   // its last component
  struct stat st {};       // lstat(2) of it: a symlink is a symlink
};

enum class Descend : bool { no, yes };

class TreeVisitor {
 public:
  virtual ~TreeVisitor() = default;
  // Every entry but the root, parents before children, names of a
  // directory in byte order. For a directory, whether to walk into it.
  virtual Descend visit(const TreeEntry& entry) = 0;
  // An entry whose type is unknown (stat failed), or a directory whose
  // content is unknown (open or listing failed); reason ends with
  // strerror's text.
  virtual void unreadable(const std::string& path, const std::string& reason) = 0;
};

// Errors are about the root only: Errc::not_found if it does not exist,
// Errc::invalid_argument if it is not a directory, Errc::io_error if it
// cannot be opened (a listing that fails part-way is reported as
// unreadable "."). The root itself may be a symlink (the operator named
// it); nothing beneath it is followed.
Status walk_tree(const std::filesystem::path& root, TreeVisitor& visitor);

}  // namespace tg::firmware::repository
