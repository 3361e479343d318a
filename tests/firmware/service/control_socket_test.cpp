// The control socket under many clients: threads joined as clients leave,
// idle clients make room for new ones, a silent client is disconnected.
// No timing assertions: waits are bounded (eventually), never measured.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "firmware/console/test_support.hpp"
#include "firmware/console/command_context.hpp"
#include "firmware/service/control_socket.hpp"

using namespace tg;
using namespace tg::firmware;

namespace {

// A command table of two commands that need no board: `ping` answers at
// once, `hold` runs until the test releases it (a client busy with a command).
struct HoldGate {
  std::atomic<int> entered{0};  // sessions inside `hold`
  std::atomic<bool> released{false};
};

console::CommandTable small_table(HoldGate& gate) {
  console::CommandTable t;
  REQUIRE(t.add({.name = "ping",
                 .usage = "ping",
                 .summary = "answers pong",
                 .handler = [](console::CommandContext&) -> Result<console::Reply> {
                   console::Reply r;
                   r.note("pong");
                   return r;
                 },
                 .needs_library = false})
              .ok());
  REQUIRE(t.add({.name = "hold",
                 .usage = "hold",
                 .summary = "runs until the test releases it",
                 .handler = [&gate](console::CommandContext&) -> Result<console::Reply> {
                   ++gate.entered;
                   while (!gate.released.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
                   console::Reply r;
                   r.note("released");
                   return r;
                 },
                 .needs_library = false})
              .ok());
  return t;
}

// A raw client connection, kept open between requests.
class Connection {
 public:
  explicit Connection(const std::filesystem::path& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strcpy(a.sun_path, path.c_str());
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(const std::string& line) {
    REQUIRE(::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size()));
  }
  // Everything up to and including "exit N\n", or what came before the
  // service closed the connection (bounded wait).
  std::string read_answer() {
    std::string got;
    while (got.find("exit ") == std::string::npos || got.back() != '\n') {
      if (!read_some(got)) break;
    }
    return got;
  }
  // True when the service has closed this connection.
  bool closed_by_service() {
    std::string ignored;
    while (read_some(ignored)) {
    }
    return eof_;
  }

 private:
  bool read_some(std::string& into) {
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, 20'000) <= 0) return false;
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    into.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_;
  bool eof_ = false;
};

std::size_t count_lines(const char* file) {
  std::ifstream in(file);
  std::size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

std::size_t tasks_of_this_process() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

std::size_t address_space_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string l; std::getline(in, l);)
    if (l.rfind("VmSize:", 0) == 0) return std::stoul(l.substr(7));
  return 0;
}

struct SocketBench {
  explicit SocketBench(service::ControlSocketOptions options = {}) : table(small_table(gate)) {
    auto s = service::ControlSocketServer::listen(tmp.path() / "run" / "tapegate.sock", table, app, options);
    REQUIRE(s.ok());
    server = std::move(*s);
    server->start();
  }
  ~SocketBench() { gate.released = true; }
  Result<service::RemoteAnswer> call(const std::string& line) {
    return service::call_control_socket(server->path(), line);
  }
  test::TempDir tmp;
  HoldGate gate;
  console::Appliance app;
  console::CommandTable table;
  std::unique_ptr<service::ControlSocketServer> server;
};

bool answered_ok(const Result<service::RemoteAnswer>& a) {
  return a.ok() && a->exit_status == 0 && a->out.find("pong") != std::string::npos;
}

}  // namespace

TEST_CASE("control socket soak: thousands of sequential clients leave threads and address space flat", "[service][soak]") {
  SocketBench b;
  // Warm up: the allocator's arena and the stack cache of the first client
  // threads are part of the steady state.
  for (int i = 0; i < 50; ++i) REQUIRE(answered_ok(b.call("ping")));
  REQUIRE(test::eventually([&] { return b.server->client_threads() == 0; }));
  const std::size_t tasks = tasks_of_this_process();
  const std::size_t maps = count_lines("/proc/self/maps");
  const std::size_t vm_kib = address_space_kib();

  // TG_SOAK_CONNECTIONS raises the count for a longer run by hand (issue 14
  // asks for 100,000); the default keeps the test quick.
  long count = 5000;
  if (const char* env = std::getenv("TG_SOAK_CONNECTIONS")) count = std::strtol(env, nullptr, 10);
  long failed = 0;
  for (long i = 0; i < count; ++i)
    if (!answered_ok(b.call("ping"))) ++failed;
  CHECK(failed == 0);

  // Every client thread is joined once its client has left...
  REQUIRE(test::eventually([&] { return b.server->client_threads() == 0; }));
  // (A joined thread's task leaves /proc a moment after the join returns.)
  CHECK(test::eventually([&] { return tasks_of_this_process() <= tasks; }));
  // ...so its stack and guard page are gone: a kept thread costs 2 mappings
  // and ~8 MiB of address space (5,000 of them: 10,000 mappings, 40 GiB).
  CHECK(count_lines("/proc/self/maps") <= maps + 16);
  // The address space may still grow by a few malloc arenas (64 MiB each,
  // reserved when a client's thread overlaps the previous one's; glibc
  // reuses them after), never by a stack per client.
  CHECK(address_space_kib() <= vm_kib + 1024 * 1024);
  CHECK(answered_ok(b.call("ping")));
}

TEST_CASE("control socket: at the limit a new client takes the place of the longest-idle one", "[service]") {
  SocketBench b({.max_clients = 3});
  // Three clients that connect and say nothing, accepted in this order.
  Connection first(b.server->path()), second(b.server->path()), third(b.server->path());
  REQUIRE(test::eventually([&] { return b.server->client_threads() == 3; }));

  auto newcomer = b.call("ping");
  CHECK(answered_ok(newcomer));
  CHECK(first.closed_by_service());
  second.send("ping\n");
  CHECK(second.read_answer().find("pong") != std::string::npos);
  third.send("ping\n");
  CHECK(third.read_answer().find("pong") != std::string::npos);
}

TEST_CASE("control socket: a client running a command is never evicted, and busy is said only when all are", "[service]") {
  SocketBench b({.max_clients = 2});
  Connection busy(b.server->path());
  busy.send("hold\n");
  REQUIRE(test::eventually([&] { return b.gate.entered.load() == 1; }));
  Connection idle(b.server->path());
  REQUIRE(test::eventually([&] { return b.server->client_threads() == 2; }));

  // The idle one makes room; the busy one keeps running.
  CHECK(answered_ok(b.call("ping")));
  CHECK(idle.closed_by_service());
  REQUIRE(test::eventually([&] { return b.server->client_threads() == 1; }));

  // Both places running a command: a third client is told the service is busy.
  Connection holder(b.server->path());
  holder.send("hold\n");
  REQUIRE(test::eventually([&] { return b.gate.entered.load() == 2; }));
  auto refused = b.call("ping");
  REQUIRE(refused.ok());
  CHECK(refused->exit_status == 1);
  CHECK(refused->out.find("busy") != std::string::npos);

  b.gate.released = true;
  CHECK(busy.read_answer().find("released") != std::string::npos);
  CHECK(holder.read_answer().find("released") != std::string::npos);
  // Both are idle again: the next client is served.
  CHECK(test::eventually([&] { return answered_ok(b.call("ping")); }));
}

TEST_CASE("control socket: a client silent past the idle timeout is disconnected", "[service]") {
  SocketBench b({.max_clients = 8, .idle_timeout = std::chrono::milliseconds(20)});
  Connection silent(b.server->path());
  CHECK(silent.closed_by_service());
  CHECK(test::eventually([&] { return b.server->client_threads() == 0; }));
  CHECK(answered_ok(b.call("ping")));
}
