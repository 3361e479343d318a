// open_board(): specs to wired boards.
#include <sys/stat.h>

#include <cstdio>

#include "board/board.hpp"
#include "board/sim/sim_library.hpp"
#include "board/sim/sim_fixture.hpp"

using namespace tg;
using namespace tg::test;

TEST_CASE("a sim: board wires a changer and drives with their element addresses", "[board][open]") {
  TempDir d;
  auto b = board::open_board("sim:drives=3,slots=10,mailslots=1,cartridges=4,cartridge-mb=8", d.path);
  REQUIRE(b.ok());
  auto& lib = (*b)->library();
  REQUIRE(lib.changer != nullptr);
  REQUIRE(lib.drives.size() == 3);
  CHECK(lib.drives[0].element_address == 500);
  CHECK(lib.drives[2].element_address == 502);
  CHECK(lib.drives[1].drive->name() == "drive1");
  CHECK(lib.transports.size() == 4);
  CHECK((*b)->paths().root == d.path);
  REQUIRE((*b)->simulated_library() != nullptr);
  CHECK((*b)->simulated_library()->barcode_at(1003) == "TG0004L9");
  CHECK(std::filesystem::exists(d.path / "board" / "cartridges" / "TG0001L9.meta"));
}

TEST_CASE("the default board file opens", "[board][open]") {
  TempDir d;
  auto b = board::open_board(std::string(TAPEGATE_SOURCE_DIR) + "/board/sim.xml", d.path);
  REQUIRE(b.ok());
  CHECK((*b)->name() == "sim-default");
  CHECK((*b)->library().drives.size() == 2);
  CHECK((*b)->options().block_size == 1048576);
  CHECK((*b)->simulated_library()->barcode_at(1023) == "CLN001L1");
}

TEST_CASE("board specs that cannot be opened say why", "[board][open]") {
  TempDir d;
  auto bad = board::open_board("sim:frobnicate=1", d.path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "sim spec: unknown key 'frobnicate'");
  auto nofile = board::open_board((d.path / "missing.xml").string(), d.path);
  REQUIRE_FALSE(nofile.ok());
  CHECK(nofile.error().code == Errc::not_found);
  auto what = board::open_board("tape-library-please", d.path);
  REQUIRE_FALSE(what.ok());
  CHECK(what.error().code == Errc::invalid_argument);
  {
    std::FILE* f = std::fopen((d.path / "usb.xml").c_str(), "w");
    std::fputs("<board>\n<changer transport=\"usb:0x1234:0x5678\"/>\n</board>\n", f);
    std::fclose(f);
  }
  auto usb = board::open_board((d.path / "usb.xml").string(), d.path / "state");
  REQUIRE_FALSE(usb.ok());
  CHECK(usb.error().message.find("usb.xml:2: changer") != std::string::npos);
}

TEST_CASE("an iscsi board whose secret file others may read is refused before connecting, naming the file", "[board][open]") {
  TempDir d;
  const auto secret = d.path / "chap";
  {
    std::FILE* f = std::fopen(secret.c_str(), "w");
    std::fputs("TOPSECRET\n", f);
    std::fclose(f);
  }
  REQUIRE(::chmod(secret.c_str(), 0644) == 0);
  // Port 1 on loopback answers nothing: an error about the file shows the
  // secret was read (and refused) before any connection.
  const std::string spec = "iscsi://tgbackup@127.0.0.1:1/iqn.2026-11.t:x?secret-file=" + secret.string();
  auto b = board::open_board(spec, d.path / "state");
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().message.find(secret.string()) != std::string::npos);
  CHECK(b.error().message.find("mode 0644") != std::string::npos);
  CHECK(b.error().message.find("TOPSECRET") == std::string::npos);

  auto unset = board::open_board("iscsi://tgbackup@127.0.0.1:1/iqn.2026-11.t:x?secret-env=TG_TEST_UNSET_CHAP_VAR",
                                 d.path / "state");
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.error().message.find("TG_TEST_UNSET_CHAP_VAR") != std::string::npos);
}

TEST_CASE("whether a board spec is simulated is read without opening the board", "[board][open]") {
  TempDir d;
  auto simulated = [](const std::string& spec) {
    auto r = board::is_simulated_board(spec);
    REQUIRE(r.ok());
    return *r;
  };
  CHECK(simulated("sim:drives=1,slots=4"));
  CHECK(simulated("sim"));
  CHECK_FALSE(simulated("iscsi://127.0.0.1:1/iqn.2026-11.t:x"));
  CHECK(simulated(std::string(TAPEGATE_SOURCE_DIR) + "/board/sim.xml"));
  {
    std::FILE* f = std::fopen((d.path / "devices.xml").c_str(), "w");
    std::fputs("<board>\n<changer transport=\"sg:/dev/sg1\"/>\n<drive element=\"256\" transport=\"sg:/dev/sg2\"/>\n</board>\n", f);
    std::fclose(f);
  }
  CHECK_FALSE(simulated((d.path / "devices.xml").string()));
  CHECK(std::filesystem::directory_iterator(d.path)->path().filename() == "devices.xml");  // no state created
  auto nofile = board::is_simulated_board((d.path / "missing.xml").string());
  REQUIRE_FALSE(nofile.ok());
  CHECK(nofile.error().code == Errc::not_found);
  auto what = board::is_simulated_board("tape-library-please");
  REQUIRE_FALSE(what.ok());
  CHECK(what.error().code == Errc::invalid_argument);
}
