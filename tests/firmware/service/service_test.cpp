// Service mode end to end: the serial console on a real pseudo-terminal and
// the control socket, against the simulated board.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "firmware/console/bench.hpp"
#include "firmware/service/service.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::console;

namespace {

// The far end of a line: reads whatever arrives, bounded by a deadline.
class LineEnd {
 public:
  explicit LineEnd(int fd) : fd_(fd) {}
  void send(const std::string& bytes) {
    REQUIRE(::write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
  // Waits until `text` has appeared after the read mark; moves the mark past it.
  bool expect(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto end = std::chrono::steady_clock::now() + limit;
    for (;;) {
      if (auto p = seen_.find(text, mark_); p != std::string::npos) {
        mark_ = p + text.size();
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return false;
      seen_.append(buf, static_cast<std::size_t>(n));
    }
  }
  const std::string& seen() const { return seen_; }
  std::string since_mark() const { return seen_.substr(mark_); }

 private:
  int fd_;
  std::string seen_;
  std::size_t mark_ = 0;
};

// A job that holds until cancelled or continued: deterministic, no timers.
Status add_hold_command(CommandTable& t) {
  return t.add({.name = "test hold", .usage = "test hold", .summary = "a job that waits for the operator",
                .handler = [](CommandContext& c) -> Result<Reply> {
                  return c.run_job("hold", "test", [](JobContext& ctx) -> Result<Reply> {
                    ProgressSnapshot p;
                    p.phase.set("holding");
                    p.bytes_done = 4096;
                    p.bytes_total = 8192;
                    p.cartridge.set("TG0001L9");
                    ctx.progress(p);
                    if (!ctx.wait_for_operator("say when", std::chrono::minutes(10)))
                      return Error(Errc::cancelled, "hold cancelled");
                    Reply r;
                    r.note("released");
                    return r;
                  });
                },
                .needs_library = false});
}

}  // namespace

TEST_CASE("serial console on a pseudo-terminal: typing, editing, history, garbage", "[console][service]") {
  test::Bench b;
  int master = -1, slave = -1;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  std::string slave_path = ::ttyname(slave);
  service::Service svc(b.app, b.table, {.serial = slave_path, .socket = {}});
  std::string boot;
  REQUIRE(svc.start([&](const std::string& s) { boot += s; }).ok());
  CHECK(boot.find("tapegate ") == 0);
  CHECK(boot.find("board: " + b.board->name()) != std::string::npos);
  CHECK(boot.find("result:") != std::string::npos);  // the self-test ran
  CHECK(boot.find("serial console: " + slave_path) != std::string::npos);

  LineEnd line(master);
  REQUIRE(line.expect("serial console"));
  REQUIRE(line.expect("tapegate> "));

  line.send("versoin\x7f\x7f\x7fion\r");  // backspace over a typo
  REQUIRE(line.expect("tape format:"));
  REQUIRE(line.expect("tapegate> "));

  line.send("erase everything\x15inventory\r");  // ctrl-U kills the line
  REQUIRE(line.expect("Storage slots"));
  REQUIRE(line.expect("tapegate> "));
  CHECK(line.seen().find("unknown command 'erase") == std::string::npos);

  line.send("\x1b[A\r");  // up arrow: inventory again
  REQUIRE(line.expect("Storage slots"));
  REQUIRE(line.expect("tapegate> "));

  line.send(std::string("\x00\x02\xff\xfe\x1b[99z", 9));  // line noise
  line.send("status\r");
  REQUIRE(line.expect("[console: ignored 5 byte(s)"));
  REQUIRE(line.expect("Drives"));
  REQUIRE(line.expect("tapegate> "));

  const std::string d0 = b.board->library().drives.at(0).drive->name();
  line.send("drive erase " + d0 + "\x03");  // ctrl-C drops the line
  REQUIRE(line.expect("^C"));
  line.send("drive erase " + d0 + "\r");  // destructive: asks first
  REQUIRE(line.expect("Type 'yes'"));
  line.send("no\r");
  REQUIRE(line.expect("not confirmed"));
  REQUIRE(line.expect("tapegate> "));

  line.send("frobnicate\r");
  REQUIRE(line.expect("unknown command 'frobnicate'"));
  line.send(std::string(1100, 'x') + "\r");  // longer than a typed line may be
  REQUIRE(line.expect("line too long"));
  line.send("version\r");
  REQUIRE(line.expect("tape format:"));

  svc.stop();
  ::close(slave);
  ::close(master);
}

TEST_CASE("control socket: owner-only, commands, garbage, a job watched from a second client", "[console][service]") {
  test::Bench b;
  REQUIRE(add_hold_command(b.table).ok());
  auto sock = b.tmp.path() / "run" / "tapegate.sock";
  service::Service svc(b.app, b.table, {.socket = sock});
  std::string boot;
  REQUIRE(svc.start([&](const std::string& s) { boot += s; }).ok());

  struct stat st{};
  REQUIRE(::stat(sock.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0600);

  auto inv = service::call_control_socket(sock, "inventory");
  REQUIRE(inv.ok());
  CHECK(inv->exit_status == 0);
  CHECK(inv->out.find("Storage slots") != std::string::npos);
  auto json = service::call_control_socket(sock, "version --json");
  REQUIRE(json.ok());
  CHECK(json->out.find("{\"ok\":true,\"tapegate\":") == 0);
  auto unknown = service::call_control_socket(sock, "frobnicate");
  REQUIRE(unknown.ok());
  CHECK(unknown->exit_status == kExitUsage);
  auto destructive = service::call_control_socket(sock, "drive erase " + b.board->library().drives.at(0).drive->name());
  REQUIRE(destructive.ok());
  CHECK(destructive->exit_status != 0);
  CHECK(destructive->out.find("--force") != std::string::npos);

  SECTION("garbage and over-long requests are answered, and the connection goes on") {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strcpy(a.sun_path, sock.c_str());
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    LineEnd conn(fd);
    conn.send(std::string("\x01\x02\xff garbage\n", 12));
    REQUIRE(conn.expect("control byte 0x01"));
    REQUIRE(conn.expect("exit 2\n"));
    conn.send(std::string(6000, 'A') + "\n");
    REQUIRE(conn.expect("4096"));
    REQUIRE(conn.expect("exit 2\n"));
    conn.send("version\n");
    REQUIRE(conn.expect("tape format:"));
    REQUIRE(conn.expect("exit 0\n"));
    ::close(fd);
    auto after = service::call_control_socket(sock, "version");
    REQUIRE(after.ok());
    CHECK(after->exit_status == 0);
  }

  SECTION("a job started by one client is watched by another and cancelled by a third") {
    auto started = service::call_control_socket(sock, "test hold");
    REQUIRE(started.ok());
    REQUIRE(started->exit_status == 0);
    auto jobs = b.jobs->list();
    REQUIRE(jobs.size() == 1);
    const std::string id = std::to_string(jobs[0].id);
    CHECK(started->out.find("started job " + id) != std::string::npos);

    std::atomic<bool> progress_seen{false};
    Result<service::RemoteAnswer> watched = Error(Errc::internal, "not run");
    std::thread watcher([&] {
      watched = service::call_control_socket(sock, "job watch " + id, [&](bool out, const std::string& text) {
        if (!out && text.find("say when") != std::string::npos) progress_seen = true;
      });
    });
    REQUIRE(test::eventually([&] { return progress_seen.load(); }));
    auto list = service::call_control_socket(sock, "job list");
    REQUIRE(list.ok());
    CHECK(list->out.find("waiting for operator") != std::string::npos);
    auto cancel = service::call_control_socket(sock, "job cancel " + id);
    REQUIRE(cancel.ok());
    CHECK(cancel->exit_status == 0);
    watcher.join();
    REQUIRE(watched.ok());
    CHECK(watched->exit_status == kExitFailed);
    CHECK(watched->out.find("cancelled") != std::string::npos);
    auto status = service::call_control_socket(sock, "job status " + id + " --json");
    REQUIRE(status.ok());
    CHECK(status->out.find("\"state\":\"cancelled\"") != std::string::npos);
  }

  SECTION("the job outlives the client that started it") {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strcpy(a.sun_path, sock.c_str());
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    LineEnd conn(fd);
    conn.send("test hold\n");
    REQUIRE(conn.expect("exit 0\n"));
    ::close(fd);
    auto jobs = b.jobs->list();
    REQUIRE(jobs.size() == 1);
    const std::string id = std::to_string(jobs[0].id);
    REQUIRE(test::eventually([&] { return b.jobs->get(jobs[0].id)->state == service::JobState::waiting_for_operator; }));
    auto cont = service::call_control_socket(sock, "job continue " + id);
    REQUIRE(cont.ok());
    CHECK(cont->exit_status == 0);
    REQUIRE(test::eventually([&] { return b.jobs->get(jobs[0].id)->state == service::JobState::succeeded; }));
  }

  svc.stop();
  CHECK_FALSE(std::filesystem::exists(sock));
}

TEST_CASE("a second service on the same socket is refused", "[console][service]") {
  test::Bench b;
  auto sock = b.tmp.path() / "run" / "tapegate.sock";
  service::Service one(b.app, b.table, {.socket = sock});
  REQUIRE(one.start([](const std::string&) {}).ok());
  auto again = service::ControlSocketServer::listen(sock, b.table, b.app);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == Errc::busy);
  one.stop();
}
