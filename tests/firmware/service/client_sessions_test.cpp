// ClientSessions on socket pairs: who is admitted, who is evicted, when
// threads are joined. Waits are bounded (eventually), never measured.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <vector>

#include "firmware/console/test_support.hpp"
#include "firmware/service/client_sessions.hpp"

using namespace tg;
using tg::firmware::service::ClientSessions;
using Admission = ClientSessions::Admission;

namespace {

// A client end and the session's end of one connection.
struct Pair {
  Pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.data()) == 0); }
  ~Pair() {
    ::close(fds[0]);
    if (!taken) ::close(fds[1]);
  }
  int client() const { return fds[0]; }
  int session() {
    taken = true;
    return fds[1];
  }
  void send(char c) const { REQUIRE(::write(fds[0], &c, 1) == 1); }
  // True when the session's end was shut down or closed (bounded wait).
  bool hung_up() const {
    pollfd p{.fd = fds[0], .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, 20'000) <= 0) return false;
    char c;
    return ::read(fds[0], &c, 1) == 0;
  }
  std::array<int, 2> fds{-1, -1};
  bool taken = false;
};

// The session's side: 'b' runs a command that lasts until `release`;
// end-of-file ends the session.
struct Server {
  explicit Server(std::size_t limit) : sessions(limit, [this] { ++finished; }) {}
  ~Server() {
    release = true;
    sessions.stop_all();
  }
  Admission admit(Pair& p) {
    int fd = p.session();
    auto how = sessions.admit(fd, [this](ClientSessions::Session& s) {
      char c;
      while (::read(s.fd(), &c, 1) == 1) {
        if (!s.begin_command()) return;
        ++running;
        while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        --running;
        s.end_command();
      }
    });
    if (how == Admission::refused_busy || how == Admission::refused_threads) p.taken = false;
    return how;
  }
  std::atomic<int> finished{0}, running{0};
  std::atomic<bool> release{false};
  ClientSessions sessions;
};

}  // namespace

TEST_CASE("client sessions: a session's thread is joined once its client leaves", "[service]") {
  Server srv(4);
  for (int i = 0; i < 3; ++i) {
    Pair p;
    REQUIRE(srv.admit(p) == Admission::admitted);
  }  // each client hangs up here
  REQUIRE(test::eventually([&] { return srv.finished.load() == 3; }));
  CHECK(srv.sessions.threads() == 3);  // ended, not yet joined
  srv.sessions.reap();
  CHECK(srv.sessions.threads() == 0);
}

TEST_CASE("client sessions: at the limit the longest-idle session makes room, a busy one never does", "[service]") {
  Server srv(2);
  Pair busy, idle, newcomer, late;
  REQUIRE(srv.admit(busy) == Admission::admitted);
  busy.send('b');
  REQUIRE(test::eventually([&] { return srv.running.load() == 1; }));
  REQUIRE(srv.admit(idle) == Admission::admitted);

  // The idle session makes room; the busy one keeps running.
  CHECK(srv.admit(newcomer) == Admission::evicted_idle);
  CHECK(idle.hung_up());
  CHECK(srv.sessions.threads() == 2);  // evicted threads are joined at once

  // Both places running a command: a new client is refused, its fd left alone.
  newcomer.send('b');
  REQUIRE(test::eventually([&] { return srv.running.load() == 2; }));
  CHECK(srv.admit(late) == Admission::refused_busy);
  CHECK_FALSE(late.taken);

  // Both idle again: one of them makes room.
  srv.release = true;
  REQUIRE(test::eventually([&] { return srv.running.load() == 0; }));
  Pair after;
  CHECK(srv.admit(after) == Admission::evicted_idle);
}

TEST_CASE("client sessions: the limit counts sessions, not clients that came and went", "[service]") {
  Server srv(1);
  std::vector<Admission> seen;
  for (int i = 0; i < 50; ++i) {
    Pair p;
    seen.push_back(srv.admit(p));
    srv.sessions.reap();
  }
  for (auto how : seen) CHECK((how == Admission::admitted || how == Admission::evicted_idle));
  REQUIRE(test::eventually([&] { return srv.finished.load() == 50; }));
  srv.sessions.reap();
  CHECK(srv.sessions.threads() == 0);
}
