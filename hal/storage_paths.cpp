#include "hal/storage_paths.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <system_error>

namespace tg::hal {

Status StoragePaths::ensure() const {
  for (const auto& p : {root, board(), jobs(), log(), run()}) {
    std::error_code ec;
    std::filesystem::create_directories(p, ec);
    if (ec) return Error(Errc::io_error, "cannot create state directory " + p.string() + ": " + ec.message());
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
