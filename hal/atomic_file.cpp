#include "hal/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tg::hal {

Status write_file_atomic(const std::filesystem::path& path, const std::string& content, bool durable) {
  const auto tmp = std::filesystem::path(path.string() + ".tmp");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error(Errc::io_error, "cannot create " + tmp.string() + ": " + std::strerror(errno));
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto e = Error(Errc::io_error, "cannot write " + tmp.string() + ": " + std::strerror(errno));
      ::close(fd);
      return e;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0) {
    auto e = Error(Errc::io_error, "cannot sync " + tmp.string() + ": " + std::strerror(errno));
    ::close(fd);
    return e;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = Error(Errc::io_error, "cannot rename " + tmp.string() + " to " + path.string() + ": " + std::strerror(errno));
    ::unlink(tmp.c_str());
    return e;
  }
  if (!durable) return {};
  // The rename itself is durable only once the directory is.
  auto dir = path.parent_path();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Error(Errc::io_error, "cannot open " + dir.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(dfd);
  const int err = errno;
  ::close(dfd);
  if (rc != 0) return Error(Errc::io_error, "cannot sync " + dir.string() + ": " + std::strerror(err));
  return {};
}

Result<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return Error(Errc::not_found, path.string() + " does not exist");
    return Error(Errc::io_error, "cannot read " + path.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace tg::hal
