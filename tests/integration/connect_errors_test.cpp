// Wrong port, wrong IQN, wrong LUN, wrong password: each gives its own
// clear error, and no error ever shows the CHAP password.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <array>
#include <fstream>

#include "drivers/iscsi/chap_secret.hpp"
#include "drivers/iscsi/discovery.hpp"
#include "drivers/iscsi/iscsi_transport.hpp"
#include "drivers/iscsi/lun_inventory.hpp"
#include "vtl_fixture.hpp"

using tg::Errc;
using namespace tg::drivers::iscsi;
using tg::test::Vtl;

namespace {
tg::Result<std::unique_ptr<IscsiTransport>> open_text(const std::string& text) {
  auto url = parse_iscsi_url(text);
  if (!url) return std::move(url).error();
  return IscsiTransport::open(*url, Vtl::transport_options());
}
}  // namespace

TEST_CASE("wrong port: connection refused", "[integration][iscsi]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1});
  // The library's own port + 1 is almost surely closed; make sure.
  int port = vtl.port() == 65535 ? vtl.port() - 1 : vtl.port() + 1;
  auto r = open_text("iscsi://127.0.0.1:" + std::to_string(port) + "/" + vtl.iqn() + "/1");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::transport_error);
  CHECK_THAT(r.error().message, Catch::Contains("connection refused"));
  CHECK_THAT(r.error().message, Catch::Contains("127.0.0.1:" + std::to_string(port)));
}

TEST_CASE("wrong IQN: target not found", "[integration][iscsi]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1});
  auto r = open_text(vtl.portal() + "/iqn.2026-11.org.tapegate:no-such-target/1");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::not_found);
  CHECK_THAT(r.error().message, Catch::Contains("target not found"));
  CHECK_THAT(r.error().message, Catch::Contains("no-such-target"));
}

TEST_CASE("wrong LUN: not present, with the LUNs the target has", "[integration][iscsi]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1});
  auto r = open_text(vtl.lun_url(9));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::not_found);
  CHECK_THAT(r.error().message, Catch::Contains("LUN 9 is not present"));
  // tgt: LUN 0 controller, 1 drive, 2 changer.
  CHECK_THAT(r.error().message, Catch::Contains("0, 1, 2"));
  // The right LUNs open, and know their device type.
  auto drive = open_text(vtl.lun_url(1));
  TG_REQUIRE_OK(drive);
  CHECK((*drive)->peripheral_type() == peripheral::tape);
  auto changer = open_text(vtl.lun_url(vtl.changer_lun()));
  TG_REQUIRE_OK(changer);
  CHECK((*changer)->peripheral_type() == peripheral::changer);
}

TEST_CASE("CHAP: wrong password, missing password and the right one", "[integration][iscsi]") {
  const std::string password = "tape-secret-4711";
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1, .chap_user = "tgbackup",
           .chap_password = password});
  const std::string rest = vtl.target_url().substr(std::string("iscsi://").size()) + "/1";

  auto wrong = open_text("iscsi://tgbackup%not-the-password@" + rest);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == Errc::transport_error);
  CHECK_THAT(wrong.error().message, Catch::Contains("authentication failed"));
  CHECK_THAT(wrong.error().message, !Catch::Contains("not-the-password"));

  auto none = open_text(vtl.lun_url(1));
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.error().message, Catch::Contains("authentication failed"));
  CHECK_THAT(none.error().message, Catch::Contains("requires CHAP"));

  auto right = open_text("iscsi://tgbackup%" + password + "@" + rest);
  TG_REQUIRE_OK(right);
  CHECK_THAT((*right)->describe(), !Catch::Contains(password));
  CHECK_THAT((*right)->describe(), !Catch::Contains("tgbackup"));
}

TEST_CASE("CHAP: the password from a secret file or variable the URL names logs in", "[integration][iscsi]") {
  const std::string password = "tape-secret-4712";
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1, .chap_user = "tgbackup",
           .chap_password = password});
  const std::string rest = vtl.target_url().substr(std::string("iscsi://").size()) + "/1";
  // What the board does (board/iscsi_board.cpp): parse, then read the secret.
  auto open_resolved = [](const std::string& text, EnvLookup env) -> tg::Result<std::unique_ptr<IscsiTransport>> {
    auto url = parse_iscsi_url(text);
    if (!url) return std::move(url).error();
    TG_CHECK(resolve_secret(*url, env));
    return IscsiTransport::open(*url, Vtl::transport_options());
  };
  const std::string file = vtl.dir() + "/chap-secret";
  {
    std::ofstream(file) << password << "\n";
  }
  REQUIRE(::chmod(file.c_str(), 0600) == 0);
  auto by_file = open_resolved("iscsi://tgbackup@" + rest + "?secret-file=" + file, nullptr);
  TG_REQUIRE_OK(by_file);
  CHECK_THAT((*by_file)->describe(), !Catch::Contains(password));

  static std::string env_value;
  env_value = password;
  auto by_env = open_resolved("iscsi://tgbackup@" + rest + "?secret-env=TG_TEST_CHAP",
                              [](const char* name) -> const char* {
                                return std::string(name) == "TG_TEST_CHAP" ? env_value.c_str() : nullptr;
                              });
  TG_REQUIRE_OK(by_env);

  // Readable by others: refused before any login, naming the file.
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  auto open_file = open_resolved("iscsi://tgbackup@" + rest + "?secret-file=" + file, nullptr);
  REQUIRE_FALSE(open_file.ok());
  CHECK_THAT(open_file.error().message, Catch::Contains(file) && Catch::Contains("0644"));
  CHECK_THAT(open_file.error().message, !Catch::Contains(password));
}

TEST_CASE("CRC32C header digests are negotiated when asked for", "[integration][iscsi]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1});
  auto url = parse_iscsi_url(vtl.lun_url(1));
  TG_REQUIRE_OK(url);
  auto o = Vtl::transport_options();
  o.session.header_digest = true;
  auto t = IscsiTransport::open(*url, o);
  TG_REQUIRE_OK(t);
  const std::array<std::uint8_t, 6> tur{};
  auto r = (*t)->execute({.cdb = tur});
  TG_REQUIRE_OK(r);
}

TEST_CASE("a command the target does not answer times out, then the link recovers",
          "[integration][iscsi][timeout]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1});
  auto t = tg::test::open_lun(vtl, 1);
  const pid_t pid = vtl.env_int("VTL_PID");
  const std::array<std::uint8_t, 6> tur{};
  {
    // tgtd stopped (not killed): the TCP connection stays up, nothing answers.
    tg::test::StoppedProcess frozen(pid);
    auto r = t->execute({.cdb = tur, .timeout = std::chrono::milliseconds(300)});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::timeout);
    CHECK_THAT(r.error().message, Catch::Contains("did not complete within 0.3 s"));
    CHECK_FALSE(t->connected());
  }
  // Target running again: the next command logs in again first.
  auto again = t->execute({.cdb = tur});
  TG_REQUIRE_OK(again);
  CHECK(t->take_position_lost());
}

TEST_CASE("CHAP: discovery with a wrong password reports the failed login, never the password",
          "[integration][iscsi][discovery]") {
  const std::string password = "tape-secret-4712";
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1, .chap_user = "tgbackup",
           .chap_password = password});
  const std::string target = vtl.target_url();
  const std::string host_port = target.substr(8, target.find('/', 8) - 8);
  DiscoveryOptions options;
  options.session = Vtl::transport_options().session;
  auto found = discover_portal("iscsi://tgbackup%not-the-password@" + host_port, options);
  // Either the portal refuses the discovery session or it lists the target
  // and its login fails: both must be visible (the console's `discover`
  // exits 1 on a target error), and neither may show the password.
  if (!found.ok()) {
    CHECK_THAT(found.error().message, !Catch::Contains("not-the-password"));
    return;
  }
  REQUIRE_FALSE(found->empty());
  bool failed = false;
  for (const auto& t : *found) {
    if (!t.error.empty()) failed = true;
    CHECK_THAT(t.error, !Catch::Contains("not-the-password"));
    CHECK(t.luns.empty());
  }
  CHECK(failed);
}
