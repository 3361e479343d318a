#include "hal/storage_paths.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace tg::hal {

Status create_private_directories(const std::filesystem::path& dir) {
  if (dir.empty()) return {};
  // Parents first, each created 0700 (mkdir's mode is only ever narrowed by
  // the umask, never widened), so no directory on the way is open to others.
  std::filesystem::path p;
  for (const auto& part : dir.lexically_normal()) {
    p /= part;
    if (part.empty() || part == p.root_path()) continue;
    if (::mkdir(p.c_str(), 0700) == 0) {
      ::chmod(p.c_str(), 0700);  // a umask such as 0277 would have taken the owner's own bits
      continue;
    }
    const int err = errno;
    struct stat st {};
    if (err == EEXIST && ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    return Error(Errc::io_error, "cannot create directory " + p.string() + ": " + std::generic_category().message(err));
  }
  return {};
}

Status StoragePaths::ensure() const {
  for (const auto& p : {root, board(), jobs(), log(), run()}) {
    if (auto st = create_private_directories(p); !st)
      return Error(Errc::io_error, "cannot create state directory " + p.string() + ": " + st.error().message);
    ::chmod(p.c_str(), 0700);
  }
  return {};
}

std::filesystem::path default_state_root() {
  if (const char* s = std::getenv("TAPEGATE_STATE"); s && *s) return s;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::filesystem::path(x) / "tapegate";
  if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".local/state/tapegate";
  return "/var/lib/tapegate";
}

}  // namespace tg::hal
