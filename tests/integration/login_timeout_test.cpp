// A portal that accepts TCP but never answers the login: the transport
// gives up at its login deadline with Errc::timeout instead of hanging.
// (Loopback only; the listener is this test's own socket.) Labelled
// integration because libiscsi 1.19 leaks its 24-byte connect task when a
// context is destroyed with the login still pending, which LeakSanitizer
// in the unit-test stage would flag.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drivers/iscsi/iscsi_transport.hpp"

using namespace tg::drivers::iscsi;

namespace {
struct SilentListener {
  int fd = -1;
  int port = 0;
  SilentListener() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(fd, 4) == 0);  // the kernel completes handshakes; nobody reads
    socklen_t len = sizeof a;
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
  ~SilentListener() { close(fd); }
};
}  // namespace

TEST_CASE("a portal that never answers the login times out", "[iscsi][timeout]") {
  SilentListener silent;
  auto url = parse_iscsi_url("iscsi://127.0.0.1:" + std::to_string(silent.port) + "/iqn.2026-11.t:silent/1");
  REQUIRE(url.ok());
  IscsiTransportOptions o;
  o.session.login_timeout = std::chrono::milliseconds(200);
  auto t = IscsiTransport::open(*url, o);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code == tg::Errc::timeout);
  CHECK_THAT(t.error().message, Catch::Contains("no login response within 0.2 s"));
}
