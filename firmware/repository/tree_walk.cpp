#include "firmware/repository/tree_walk.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "hal/unique_fd.hpp"

namespace tg::firmware::repository {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};
using DirStream = std::unique_ptr<DIR, DirCloser>;

std::string errno_text(int err) { return std::strerror(err); }

// Takes the descriptor over (closedir closes it). On failure the
// descriptor is closed here and errno is kept.
DirStream stream_of(hal::UniqueFd fd) {
  DIR* d = ::fdopendir(fd.get());
  if (d) fd.release();
  return DirStream(d);
}

// Every name in the directory but "." and "..", in byte order so the walk
// (and what it reports) does not depend on the file system's hash order.
// On failure errno says why: readdir returns nullptr at the end and on an
// error alike, only errno tells them apart.
bool list_names(DIR* d, std::vector<std::string>& names) {
  for (;;) {
    errno = 0;
    const dirent* e = ::readdir(d);
    if (!e) return errno == 0;
    std::string_view n(e->d_name);
    if (n == "." || n == "..") continue;
    names.emplace_back(n);
  }
}

std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "/" + name;
}

void walk_directory(DIR* d, const std::string& prefix, TreeVisitor& visitor) {
  std::vector<std::string> names;
  const bool listed = list_names(d, names);
  const int list_errno = errno;
  std::sort(names.begin(), names.end());
  const int dfd = ::dirfd(d);
  for (const auto& name : names) {
    TreeEntry e;
    e.path = join(prefix, name);
    e.name = name;
    if (::fstatat(dfd, name.c_str(), &e.st, AT_SYMLINK_NOFOLLOW) != 0) {
      visitor.unreadable(e.path, "cannot stat it: " + errno_text(errno));
      continue;
    }
    if (visitor.visit(e) == Descend::no || !S_ISDIR(e.st.st_mode)) continue;
    // O_NOFOLLOW: if the directory was replaced by a symlink since the
    // fstatat, this fails (ELOOP) instead of leaving the tree.
    hal::UniqueFd fd(::openat(dfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
      visitor.unreadable(e.path, "cannot open the directory: " + errno_text(errno) + "; nothing in it is backed up");
      continue;
    }
    DirStream sub = stream_of(std::move(fd));
    if (!sub) {
      visitor.unreadable(e.path, "cannot read the directory: " + errno_text(errno) + "; nothing in it is backed up");
      continue;
    }
    walk_directory(sub.get(), e.path, visitor);
  }
  // Reported after what was listed: the entries read before the error
  // are still walked.
  if (!listed) {
    visitor.unreadable(prefix.empty() ? "." : prefix,
                       "cannot list the directory: " + errno_text(list_errno) + "; some of its entries may be missing");
  }
}

}  // namespace

Status walk_tree(const std::filesystem::path& root, TreeVisitor& visitor) {
  hal::UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT) return make_error(Errc::not_found, "repository '" + root.string() + "' does not exist");
    if (err == ENOTDIR)
      return make_error(Errc::invalid_argument, "repository '" + root.string() + "' is not a directory");
    return make_error(Errc::io_error, "cannot read repository '" + root.string() + "': " + errno_text(err));
  }
  DirStream d = stream_of(std::move(fd));
  if (!d) return make_error(Errc::io_error, "cannot read repository '" + root.string() + "': " + errno_text(errno));
  walk_directory(d.get(), "", visitor);
  return {};
}

}  // namespace tg::firmware::repository
