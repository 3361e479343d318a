// termios backend of hal::SerialPort.
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hal/serial/serial_port.hpp"

namespace tg::hal {
namespace {

Error sys_error(Errc code, const std::string& what) {
  return Error(code, what + ": " + std::strerror(errno));
}

speed_t speed_for(std::uint32_t baud) {
  switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: return 0;
  }
}

class TermiosSerialPort final : public SerialPort {
 public:
  TermiosSerialPort(int in_fd, int out_fd, bool owns, std::string desc, const termios& saved)
      : in_(in_fd), out_(out_fd), owns_(owns), desc_(std::move(desc)), saved_(saved) {}
  ~TermiosSerialPort() override {
    ::tcsetattr(in_, TCSANOW, &saved_);
    if (owns_) {
      ::close(in_);
      if (out_ != in_) ::close(out_);
    }
  }

  Result<std::size_t> read(std::span<std::uint8_t> buf, std::chrono::milliseconds timeout) override {
    if (buf.empty()) return std::size_t{0};
    pollfd p{.fd = in_, .events = POLLIN, .revents = 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r < 0) {
      if (errno == EINTR) return std::size_t{0};
      return sys_error(Errc::io_error, "poll on " + desc_);
    }
    if (r == 0) return std::size_t{0};
    if ((p.revents & POLLIN) == 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
      return Error(Errc::connection_lost, desc_ + ": line hung up");
    ssize_t n = ::read(in_, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) return std::size_t{0};
      // A pty master closing shows up as EIO on the slave side.
      if (errno == EIO) return Error(Errc::connection_lost, desc_ + ": line hung up");
      return sys_error(Errc::io_error, "read from " + desc_);
    }
    if (n == 0) return Error(Errc::connection_lost, desc_ + ": end of input");
    return static_cast<std::size_t>(n);
  }

  Status write(std::span<const std::uint8_t> data) override {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(out_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) {
          pollfd p{.fd = out_, .events = POLLOUT, .revents = 0};
          ::poll(&p, 1, 1000);
          continue;
        }
        if (errno == EIO || errno == EPIPE) return Error(Errc::connection_lost, desc_ + ": line hung up");
        return sys_error(Errc::io_error, "write to " + desc_);
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

  const std::string& description() const override { return desc_; }

 private:
  int in_, out_;
  bool owns_;
  std::string desc_;
  termios saved_;
};

// Raw mode by hand rather than cfmakeraw() so every choice is visible:
// no input translation (CR stays CR: the line editor accepts CR and LF), no
// software flow control (ctrl-S/ctrl-Q are just bytes), no signals from
// ctrl-C (the console cancels the line instead of dying), OPOST kept so
// "\n" leaves as CR LF on a real terminal.
void make_raw(termios& t) {
  t.c_iflag &= ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF);
  t.c_oflag |= OPOST | ONLCR;
  t.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB);
  t.c_cflag |= CS8 | CREAD | CLOCAL;
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
}

}  // namespace

Result<std::pair<std::string, SerialSettings>> parse_serial_spec(const std::string& spec) {
  SerialSettings s;
  std::string path = spec;
  if (auto comma = spec.find(','); comma != std::string::npos) {
    path = spec.substr(0, comma);
    std::string b = spec.substr(comma + 1);
    if (b.empty() || b.size() > 7 || b.find_first_not_of("0123456789") != std::string::npos)
      return Error(Errc::invalid_argument, "serial speed '" + b + "' is not a number (e.g. /dev/ttyS0,115200)");
    s.baud = static_cast<std::uint32_t>(std::stoul(b));
    if (speed_for(s.baud) == 0)
      return Error(Errc::invalid_argument, "serial speed " + b + " is not a standard rate (9600, 19200, 38400, 57600, 115200, ...)");
  }
  if (path.empty()) return Error(Errc::invalid_argument, "serial device path is empty");
  return std::make_pair(path, s);
}

Result<std::unique_ptr<SerialPort>> open_serial_port(const std::string& path, const SerialSettings& settings) {
  speed_t sp = speed_for(settings.baud);
  if (sp == 0) return Error(Errc::invalid_argument, "serial speed " + std::to_string(settings.baud) + " is not a standard rate");
  // O_NOCTTY: a console line must never become our controlling terminal
  // (a hang-up on it would otherwise send SIGHUP to the service).
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return sys_error(errno == ENOENT ? Errc::not_found : Errc::io_error, "cannot open serial line " + path);
  if (!::isatty(fd)) {
    ::close(fd);
    return Error(Errc::invalid_argument, path + " is not a terminal device");
  }
  termios saved{};
  if (::tcgetattr(fd, &saved) != 0) {
    auto e = sys_error(Errc::io_error, "tcgetattr " + path);
    ::close(fd);
    return e;
  }
  termios t = saved;
  make_raw(t);
  ::cfsetispeed(&t, sp);
  ::cfsetospeed(&t, sp);
  if (::tcsetattr(fd, TCSANOW, &t) != 0) {
    auto e = sys_error(Errc::io_error, "tcsetattr " + path);
    ::close(fd);
    return e;
  }
  std::string desc = path + " at " + std::to_string(settings.baud) + " baud";
  return std::unique_ptr<SerialPort>(new TermiosSerialPort(fd, fd, true, std::move(desc), saved));
}

Result<std::unique_ptr<SerialPort>> adopt_terminal(int in_fd, int out_fd, std::string description) {
  termios saved{};
  if (::tcgetattr(in_fd, &saved) != 0) return sys_error(Errc::invalid_argument, description + " is not a terminal");
  termios t = saved;
  make_raw(t);
  if (::tcsetattr(in_fd, TCSANOW, &t) != 0) return sys_error(Errc::io_error, "tcsetattr " + description);
  return std::unique_ptr<SerialPort>(new TermiosSerialPort(in_fd, out_fd, false, std::move(description), saved));
}

}  // namespace tg::hal
