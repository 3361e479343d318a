#include "firmware/service/control_socket.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "firmware/console/command_line.hpp"
#include "firmware/console/dispatch.hpp"
#include "hal/storage_paths.hpp"

namespace tg::firmware::service {
namespace {

Error sys_error(Errc c, const std::string& what) { return Error(c, what + ": " + std::strerror(errno)); }

Result<sockaddr_un> address_for(const std::filesystem::path& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const std::string s = path.string();
  if (s.size() >= sizeof a.sun_path)
    return Error(Errc::invalid_argument, "socket path " + s + " is too long (" + std::to_string(sizeof a.sun_path - 1) + " bytes at most)");
  std::memcpy(a.sun_path, s.c_str(), s.size() + 1);
  return a;
}

bool send_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{.fd = fd, .events = POLLOUT, .revents = 0};
        if (::poll(&p, 1, 5000) <= 0) return false;
        continue;
      }
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string frame(const char* kind, const std::string& payload) {
  return std::string(kind) + " " + std::to_string(payload.size()) + "\n" + payload;
}

// One connected client, seen by the commands it runs.
class SocketSession final : public console::Interaction {
 public:
  SocketSession(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}
  bool interactive() const override { return false; }
  bool confirm(const std::string&) override { return false; }
  void stream(const std::string& text, bool progress) override {
    if (!gone_ && !send_all(fd_, frame(progress ? "err" : "out", text))) gone_ = true;
  }
  bool stop_requested() override {
    if (stop_.load() || gone_) return true;
    // A client that hung up reads as end-of-file; pending request bytes
    // (pipelined) are left in place.
    char c;
    ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) gone_ = true;
    return gone_;
  }
  bool gone() const { return gone_; }
  void answer(const console::Outcome& o) {
    if (gone_) return;
    if (!send_all(fd_, frame("out", o.output) + "exit " + std::to_string(o.exit_status) + "\n")) gone_ = true;
  }

 private:
  int fd_;
  const std::atomic<bool>& stop_;
  bool gone_ = false;
};

}  // namespace

ControlSocketServer::ControlSocketServer(int fd, int wake_fd, std::filesystem::path path,
                                         const console::CommandTable& table, console::Appliance& app,
                                         ControlSocketOptions options)
    : fd_(fd),
      wake_fd_(wake_fd),
      path_(std::move(path)),
      table_(table),
      app_(app),
      options_(options),
      sessions_(options.max_clients, [this] { wake(); }) {}

Result<std::unique_ptr<ControlSocketServer>> ControlSocketServer::listen(const std::filesystem::path& path,
                                                                         const console::CommandTable& table,
                                                                         console::Appliance& app,
                                                                         ControlSocketOptions options) {
  auto addr = TG_TRY(address_for(path));
  std::error_code ec;
  if (path.has_parent_path()) {
    // Whoever can reach the socket can run every command: its directory is
    // the owner's only.
    TG_CHECK(hal::create_private_directories(path.parent_path()));
  }
  // Is a service already answering there? Then this is a second instance.
  if (std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool live = probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (probe >= 0) ::close(probe);
    if (live) return Error(Errc::busy, "a tapegate service is already listening on " + path.string());
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode))
      return Error(Errc::invalid_argument, path.string() + " exists and is not a socket; refusing to replace it");
    ::unlink(path.c_str());
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return sys_error(Errc::io_error, "socket");
  // Owner-only from the start: Linux creates the socket file with the
  // socket inode's mode (less umask), so fchmod before bind leaves no window
  // in which another user could connect.
  ::fchmod(fd, 0600);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    auto e = sys_error(Errc::io_error, "cannot bind control socket " + path.string());
    ::close(fd);
    return e;
  }
  ::chmod(path.c_str(), 0600);
  if (::listen(fd, 16) != 0) {
    auto e = sys_error(Errc::io_error, "listen on " + path.string());
    ::close(fd);
    ::unlink(path.c_str());
    return e;
  }
  int wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    auto e = sys_error(Errc::io_error, "eventfd");
    ::close(fd);
    ::unlink(path.c_str());
    return e;
  }
  return std::unique_ptr<ControlSocketServer>(new ControlSocketServer(fd, wake_fd, path, table, app, options));
}

ControlSocketServer::~ControlSocketServer() { stop(); }

void ControlSocketServer::start() { acceptor_ = std::thread([this] { accept_loop(); }); }

void ControlSocketServer::wake() {
  const std::uint64_t one = 1;
  // Cannot fail but by overflowing the counter, which still leaves it readable.
  (void)!::write(wake_fd_, &one, sizeof one);
}

void ControlSocketServer::stop() {
  stop_ = true;
  if (wake_fd_ >= 0) wake();
  if (acceptor_.joinable()) acceptor_.join();
  sessions_.stop_all();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(path_.c_str());
  }
  if (wake_fd_ >= 0) {
    ::close(wake_fd_);
    wake_fd_ = -1;
  }
}

void ControlSocketServer::accept_loop() {
  while (!stop_.load()) {
    pollfd p[2] = {{.fd = fd_, .events = POLLIN, .revents = 0}, {.fd = wake_fd_, .events = POLLIN, .revents = 0}};
    if (::poll(p, 2, -1) < 0) continue;  // EINTR
    if (p[1].revents != 0) {
      std::uint64_t n;
      (void)!::read(wake_fd_, &n, sizeof n);
    }
    // A client that left is joined now, not at stop(): threads and address
    // space stay flat however many clients come and go.
    sessions_.reap();
    if (stop_.load()) break;
    if ((p[0].revents & POLLIN) == 0) continue;
    int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c >= 0) admit(c);
  }
}

void ControlSocketServer::admit(int c) {
  auto how = sessions_.admit(c, [this](ClientSessions::Session& s) { serve_client(s); });
  const std::string limit = std::to_string(options_.max_clients);
  switch (how) {
    case ClientSessions::Admission::admitted:
      return;
    case ClientSessions::Admission::evicted_idle:
      if (app_.log)
        app_.log->add(LogLevel::notice, "control socket",
                      "the client idle longest was disconnected to admit a new one (" + limit + " clients at most)");
      return;
    case ClientSessions::Admission::refused_busy:
    case ClientSessions::Admission::refused_threads:
      break;
  }
  const std::string why = how == ClientSessions::Admission::refused_busy
                              ? "every console client (" + limit + ") is running a command"
                              : "no thread could be started for a new console client";
  // One non-blocking send: the message fits any socket buffer, and a client
  // that does not read must not hold up the acceptor.
  const std::string answer = frame("out", "error: " + why + "; try again later (busy)\n") + "exit 1\n";
  (void)!::send(c, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(c);
  if (app_.log) app_.log->add(LogLevel::warning, "control socket", "client refused: " + why);
}

void ControlSocketServer::serve_client(ClientSessions::Session& s) {
  using Clock = std::chrono::steady_clock;
  const int fd = s.fd();
  SocketSession session(fd, stop_);
  std::string buf;
  auto idle_deadline = Clock::now() + options_.idle_timeout;
  bool discarding = false;  // inside an over-long line: skip to its end
  // An answer: the session is busy while it is written, idle after.
  auto answer = [&](const console::Outcome& o) -> bool {
    if (!s.begin_command()) return false;
    session.answer(o);
    s.end_command();
    idle_deadline = Clock::now() + options_.idle_timeout;
    return true;
  };
  while (!stop_.load() && !session.gone()) {
    auto nl = buf.find('\n');
    if (nl == std::string::npos) {
      if (buf.size() > console::kMaxLineBytes) {
        if (!discarding) {
          if (!answer({console::kExitUsage, "error: request longer than " + std::to_string(console::kMaxLineBytes) +
                                                " bytes rejected (invalid argument)\n"}))
            return;
          if (app_.log) app_.log->add(LogLevel::warning, "control socket", "over-long request rejected");
        }
        discarding = true;
        buf.clear();
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(idle_deadline - Clock::now());
      if (left.count() <= 0) {
        if (app_.log) app_.log->add(LogLevel::info, "control socket", "idle client disconnected");
        return;
      }
      // No periodic wake-ups: stop() and an eviction shut the connection
      // down, which ends this poll.
      pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
      int r = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000)));
      if (r < 0 && errno != EINTR) return;
      if (r <= 0) continue;
      char tmp[4096];
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n == 0) return;
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return;
      }
      buf.append(tmp, static_cast<std::size_t>(n));
      continue;
    }
    std::string line = buf.substr(0, nl);
    buf.erase(0, nl + 1);
    if (discarding) {
      discarding = false;  // the tail of the over-long line
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!s.begin_command()) return;  // evicted meanwhile: the request is not run
    auto outcome = console::execute_line(table_, app_, session, line);
    if (outcome.exit_status == console::kExitUsage && app_.log && !console::check_line_bytes(line).ok())
      app_.log->add(LogLevel::warning, "control socket", "malformed request rejected");
    session.answer(outcome);
    s.end_command();
    idle_deadline = Clock::now() + options_.idle_timeout;
  }
}

Result<RemoteAnswer> call_control_socket(const std::filesystem::path& path, const std::string& line,
                                         const std::function<void(bool, const std::string&)>& on_frame) {
  auto addr = TG_TRY(address_for(path));
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return sys_error(Errc::io_error, "socket");
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    auto e = sys_error(errno == ENOENT || errno == ECONNREFUSED ? Errc::connection_lost : Errc::io_error,
                       "no tapegate service at " + path.string());
    ::close(fd);
    return e;
  }
  RemoteAnswer ans;
  // A service that refuses a client ("busy") answers and closes before
  // reading the request, so the send may fail while that answer waits to
  // be read: read it either way.
  const bool sent = send_all(fd, line + "\n");
  std::string buf;
  auto need = [&](std::size_t n) -> bool {
    while (buf.size() < n) {
      char tmp[4096];
      ssize_t r = ::recv(fd, tmp, sizeof tmp, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      buf.append(tmp, static_cast<std::size_t>(r));
    }
    return true;
  };
  for (;;) {
    std::size_t nl;
    while ((nl = buf.find('\n')) == std::string::npos) {
      if (buf.size() > 64 || !need(buf.size() + 1)) {
        ::close(fd);
        return Error(Errc::connection_lost,
                     "the service at " + path.string() + (sent ? " ended the answer early" : " closed the connection"));
      }
    }
    std::string head = buf.substr(0, nl);
    buf.erase(0, nl + 1);
    auto sp = head.find(' ');
    std::string kind = head.substr(0, sp);
    std::string num = sp == std::string::npos ? "" : head.substr(sp + 1);
    if (num.empty() || num.size() > 10 || num.find_first_not_of("0123456789") != std::string::npos) {
      ::close(fd);
      return Error(Errc::parse_error, "unexpected answer from the service: '" + head.substr(0, 40) + "'");
    }
    std::size_t n = std::stoul(num);
    if (kind == "exit") {
      ans.exit_status = static_cast<int>(n);
      ::close(fd);
      return ans;
    }
    if ((kind != "out" && kind != "err") || !need(n)) {
      ::close(fd);
      return Error(Errc::parse_error, "unexpected answer from the service: '" + head.substr(0, 40) + "'");
    }
    std::string payload = buf.substr(0, n);
    buf.erase(0, n);
    (kind == "out" ? ans.out : ans.err) += payload;
    if (on_frame) on_frame(kind == "out", payload);
  }
}

}  // namespace tg::firmware::service
