#include <catch2/catch.hpp>

#include "drivers/iscsi/connect_error.hpp"

using tg::Errc;
using namespace tg::drivers::iscsi;

// The texts below are what libiscsi 1.19 sets (lib/socket.c, lib/login.c).

TEST_CASE("connection refused is recognised from the socket errno", "[iscsi][connect]") {
  const char* text =
      "Failed to connect to iSCSI socket. iscsi_service: socket error Connection refused(111) while connecting.";
  auto d = diagnose_connect_error(text);
  CHECK(d.kind == ConnectFailure::refused);
  REQUIRE(d.os_errno);
  CHECK(*d.os_errno == 111);
  auto e = connect_error(d, "iscsi://127.0.0.1:9", false, text);
  CHECK(e.code == Errc::transport_error);
  CHECK(e.message.find("connection refused") != std::string::npos);
  CHECK(e.message.find("iscsi://127.0.0.1:9") == 0);
}

TEST_CASE("login status classes map to distinct errors", "[iscsi][connect]") {
  auto nf = diagnose_connect_error("Failed to log in to target. Status: Target not found(515)");
  CHECK(nf.kind == ConnectFailure::target_not_found);
  CHECK(connect_error(nf, "x", false, "").code == Errc::not_found);
  CHECK(connect_error(nf, "x", false, "").message.find("target not found") != std::string::npos);

  auto auth = diagnose_connect_error("Failed to log in to target. Status: Authentication failure(513)");
  CHECK(auth.kind == ConnectFailure::auth_failed);
  CHECK(connect_error(auth, "x", true, "").message.find("rejected the CHAP") != std::string::npos);
  CHECK(connect_error(auth, "x", false, "").message.find("requires CHAP") != std::string::npos);

  auto authz = diagnose_connect_error("Failed to log in to target. Status: Authorization failure(514)");
  CHECK(authz.kind == ConnectFailure::authorization);

  auto busy = diagnose_connect_error("Failed to log in to target. Status: Out of resources(770)");
  CHECK(busy.kind == ConnectFailure::target_error);
  CHECK(connect_error(busy, "x", false, "").message.find("0x0302") != std::string::npos);
}

TEST_CASE("unknown texts are passed on, other errnos classified", "[iscsi][connect]") {
  auto u = diagnose_connect_error("something odd happened");
  CHECK(u.kind == ConnectFailure::other);
  CHECK(connect_error(u, "x", false, "something odd happened").message.find("something odd") != std::string::npos);
  CHECK(diagnose_connect_error("iscsi_service: socket error No route to host(113) while connecting.").kind ==
        ConnectFailure::unreachable);
  CHECK(diagnose_connect_error("iscsi_service: socket error Connection timed out(110) while connecting.").kind ==
        ConnectFailure::timed_out);
  CHECK(diagnose_connect_error("Status: (").kind == ConnectFailure::other);
  CHECK(diagnose_connect_error("").kind == ConnectFailure::other);
}
