#include "firmware/restore/target_directory.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace tg::firmware::restore {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

bool is_disk_full(int err) { return err == ENOSPC || err == EDQUOT; }

// Cleared once the kernel (or a seccomp filter) says it has no openat2.
std::atomic<bool> g_openat2_usable{true};

// The whole walk in one call: no symlink anywhere, nothing outside dirfd.
// -1 when it cannot be used or fails for any reason; the caller then walks
// component by component, which creates what is missing and names what is
// in the way.
int openat2_beneath(int dirfd, const std::string& relative) {
#ifdef SYS_openat2
  if (!g_openat2_usable.load(std::memory_order_relaxed)) return -1;
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  long fd = ::syscall(SYS_openat2, dirfd, relative.c_str(), &how, sizeof how);
  if (fd < 0 && (errno == ENOSYS || errno == EPERM)) g_openat2_usable.store(false, std::memory_order_relaxed);
  return fd < 0 ? -1 : static_cast<int>(fd);
#else
  (void)dirfd;
  (void)relative;
  return -1;
#endif
}

std::vector<std::string> components(const std::string& relative) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < relative.size()) {
    std::size_t end = relative.find('/', start);
    if (end == std::string::npos) end = relative.size();
    if (end > start) out.push_back(relative.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<hal::UniqueFd> duplicate(int fd) {
  int d = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (d < 0) return make_error(Errc::io_error, std::string("cannot duplicate a directory descriptor: ") + std::strerror(errno));
  return hal::UniqueFd(d);
}

// mkdir -p with 0755 (less the umask): the root is the operator's choice
// of place, made the way any tool would make it.
Status create_root(const std::filesystem::path& root) {
  std::filesystem::path p;
  for (const auto& part : root) {
    p /= part;
    if (::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST)
      return make_error(Errc::io_error, "cannot create target directory " + p.string() + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace

mode_t current_umask() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Umask:", 0) != 0) continue;
    try {
      return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8)) & 0777;
    } catch (...) {
      break;
    }
  }
  return 022;
}

Result<std::unique_ptr<TargetDirectory>> TargetDirectory::open(const std::filesystem::path& root) {
  TG_CHECK(create_root(root));
  std::unique_ptr<TargetDirectory> t(new TargetDirectory());
  t->root_ = root;
  // The root may be a symlink the operator chose: no O_NOFOLLOW here.
  t->root_fd_.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!t->root_fd_.valid())
    return make_error(Errc::io_error, "cannot open target directory " + root.string() + ": " + std::strerror(errno));
  t->final_dir_mode_ = 0755 & ~current_umask();
  return t;
}

Result<hal::UniqueFd> TargetDirectory::open_parent(const std::string& path, bool create, bool* disk_full) {
  auto slash = path.rfind('/');
  return open_directory(slash == std::string::npos ? std::string() : path.substr(0, slash), create, disk_full);
}

Result<hal::UniqueFd> TargetDirectory::open_directory(const std::string& relative, bool create, bool* disk_full) {
  if (relative.empty()) return duplicate(root_fd_.get());
  if (int fd = openat2_beneath(root_fd_.get(), relative); fd >= 0) return hal::UniqueFd(fd);
  return walk(relative, create, disk_full);
}

Result<hal::UniqueFd> TargetDirectory::walk(const std::string& relative, bool create, bool* disk_full) {
  hal::UniqueFd dir = TG_TRY(duplicate(root_fd_.get()));
  std::string so_far;
  for (const auto& name : components(relative)) {
    so_far += (so_far.empty() ? "" : "/") + name;
    int fd = ::openat(dir.get(), name.c_str(), kDirFlags);
    if (fd < 0 && errno == ENOENT && create) {
      // 0700 until finish(); EEXIST: made meanwhile (by another file of
      // this restore or someone else), open what is there now.
      if (::mkdirat(dir.get(), name.c_str(), 0700) == 0) {
        created_.push_back(so_far);
        // The new entry must survive a crash as the files in it will.
        (void)::fsync(dir.get());
      } else if (errno != EEXIST) {
        if (disk_full && is_disk_full(errno)) *disk_full = true;
        return make_error(Errc::io_error, "cannot create " + full_path(so_far).string() + ": " + std::strerror(errno));
      }
      fd = ::openat(dir.get(), name.c_str(), kDirFlags);
    }
    if (fd < 0) {
      const int err = errno;
      struct stat st {};
      if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode))
          return make_error(Errc::invalid_argument, full_path(so_far).string() + " is a symbolic link: not followed");
        if (!S_ISDIR(st.st_mode))
          return make_error(Errc::invalid_argument, full_path(so_far).string() + " is not a directory");
      }
      if (err == ENOENT) return make_error(Errc::not_found, full_path(so_far).string() + " does not exist");
      return make_error(Errc::io_error, "cannot open " + full_path(so_far).string() + ": " + std::strerror(err));
    }
    dir.reset(fd);
  }
  return dir;
}

Result<bool> TargetDirectory::exists(const std::string& path) {
  auto dir = open_parent(path, false);
  if (!dir) {
    if (dir.error().code == Errc::not_found) return false;
    return std::move(dir).error();
  }
  auto slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  struct stat st {};
  if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return true;
  if (errno == ENOENT) return false;
  return make_error(Errc::io_error, "cannot look at " + full_path(path).string() + ": " + std::strerror(errno));
}

std::vector<TargetDirectory::DirectoryFailure> TargetDirectory::finish() {
  std::vector<DirectoryFailure> failures;
  // Reopened the same way as while restoring: a created directory that was
  // replaced by a symlink since is reported, not followed.
  for (const auto& rel : created_) {
    auto dir = open_directory(rel, false, nullptr);
    if (!dir) {
      failures.push_back({rel, std::move(dir).error().message});
      continue;
    }
    if (::fchmod(dir->get(), final_dir_mode_) != 0)
      failures.push_back({rel, "cannot set the mode of " + full_path(rel).string() + ": " + std::strerror(errno)});
  }
  created_.clear();
  return failures;
}

}  // namespace tg::firmware::restore
