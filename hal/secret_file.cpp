#include "hal/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tg::hal {
namespace {

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

Result<std::string> read_secret_file(const std::filesystem::path& file, std::string_view what, std::size_t max_bytes) {
  const std::string name = std::string(what) + " " + file.string();
  // O_NONBLOCK: a FIFO put in its place must not hang the open; the type is
  // checked on the opened file itself, so nothing can swap it in between.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return Error(errno == ENOENT ? Errc::not_found : Errc::io_error, name + ": " + std::strerror(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    auto e = Error(Errc::io_error, name + ": " + std::strerror(errno));
    ::close(fd);
    return e;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error(Errc::invalid_argument, name + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Error(Errc::invalid_argument, name + " has mode " + octal_mode(st.st_mode) +
                                             ": group and others must have no access (chmod 600 " + file.string() +
                                             ")");
  }
  // Room for the longest secret, its "\r\n", and one byte more to tell a
  // longer file.
  std::string secret(max_bytes + 3, '\0');
  std::size_t got = 0;
  while (got < secret.size()) {
    const ssize_t n = ::read(fd, secret.data() + got, secret.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto e = Error(Errc::io_error, name + ": " + std::strerror(errno));
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  secret.resize(got);
  // Editors end the line: one trailing "\n" or "\r\n" is not part of it.
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (got == max_bytes + 3 || secret.size() > max_bytes)
    return Error(Errc::invalid_argument, name + " is longer than " + std::to_string(max_bytes) + " bytes");
  if (secret.empty()) return Error(Errc::invalid_argument, name + " is empty");
  if (secret.find('\n') != std::string::npos || secret.find('\0') != std::string::npos)
    return Error(Errc::invalid_argument, name + " holds more than one line (the secret is its only line)");
  return secret;
}

}  // namespace tg::hal
