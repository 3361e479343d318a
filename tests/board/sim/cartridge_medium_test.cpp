// The file-backed cartridge: objects, end of data, truncation, persistence.
#include <fcntl.h>
#include <unistd.h>

#include "board/sim/cartridge_medium.hpp"
#include "sim_fixture.hpp"

using namespace tg;
using namespace tg::test;
using tg::sim::CartridgeMedium;

TEST_CASE("blocks and filemarks are recorded in order and read back", "[sim][cartridge]") {
  TempDir d;
  auto m = CartridgeMedium::open(d.path / "TG0001L9");
  REQUIRE(m.ok());
  auto& c = **m;
  CHECK(c.object_count() == 0);
  auto a = pattern(1000, 1), b = pattern(70000, 2);
  REQUIRE(c.append_block(a).ok());
  REQUIRE(c.append_filemark().ok());
  REQUIRE(c.append_block(b).ok());
  CHECK(c.object_count() == 3);
  CHECK(c.bytes_used() == 71000);
  CHECK(c.object(1).filemark);
  CHECK(c.filemarks_before(1) == 0);
  CHECK(c.filemarks_before(2) == 1);
  std::vector<std::uint8_t> buf(70000);
  auto n = c.read_block(2, buf);
  REQUIRE(n.ok());
  CHECK(*n == 70000);
  CHECK(buf == b);
  // A short buffer gets the head of the block.
  std::vector<std::uint8_t> head(10);
  REQUIRE(c.read_block(0, head).ok());
  CHECK(std::equal(head.begin(), head.end(), a.begin()));
}

TEST_CASE("writing at a position forgets everything after it, in the files too", "[sim][cartridge]") {
  TempDir d;
  {
    auto m = CartridgeMedium::open(d.path / "X");
    REQUIRE(m.ok());
    for (int i = 0; i < 5; ++i) REQUIRE((*m)->append_block(pattern(4096, static_cast<std::uint8_t>(i))).ok());
    REQUIRE((*m)->truncate(2).ok());
    REQUIRE((*m)->append_block(pattern(100, 9)).ok());
    CHECK((*m)->object_count() == 3);
    CHECK((*m)->bytes_used() == 8192 + 100);
  }
  CHECK(std::filesystem::file_size(d.path / "X.data") == 8192 + 100);
  CHECK(std::filesystem::file_size(d.path / "X.index") == 16 + 3 * 16);
  auto again = CartridgeMedium::open(d.path / "X");
  REQUIRE(again.ok());
  CHECK((*again)->object_count() == 3);
  std::vector<std::uint8_t> buf(100);
  REQUIRE((*again)->read_block(2, buf).ok());
  CHECK(buf == pattern(100, 9));
}

TEST_CASE("a torn tail after a crash is cut off at open", "[sim][cartridge]") {
  TempDir d;
  {
    auto m = CartridgeMedium::open(d.path / "T");
    REQUIRE(m.ok());
    REQUIRE((*m)->append_block(pattern(512, 1)).ok());
    REQUIRE((*m)->append_block(pattern(512, 2)).ok());
  }
  SECTION("data written without its index record") {
    {
      std::FILE* f = std::fopen((d.path / "T.data").c_str(), "ab");
      std::fputs("partial block", f);
      std::fclose(f);
    }
    auto m = CartridgeMedium::open(d.path / "T");
    REQUIRE(m.ok());
    CHECK((*m)->object_count() == 2);
    CHECK(std::filesystem::file_size(d.path / "T.data") == 1024);
  }
  SECTION("an index record whose data never reached the file") {
    std::filesystem::resize_file(d.path / "T.data", 700);
    auto m = CartridgeMedium::open(d.path / "T");
    REQUIRE(m.ok());
    CHECK((*m)->object_count() == 1);
    CHECK(std::filesystem::file_size(d.path / "T.index") == 32);
  }
  SECTION("half a record") {
    std::filesystem::resize_file(d.path / "T.index", 16 + 16 + 7);
    auto m = CartridgeMedium::open(d.path / "T");
    REQUIRE(m.ok());
    CHECK((*m)->object_count() == 1);
  }
}

TEST_CASE("an index that is not ours is refused, not overwritten", "[sim][cartridge]") {
  TempDir d;
  {
    std::FILE* f = std::fopen((d.path / "G.index").c_str(), "wb");
    std::fputs("garbage garbage garbage", f);
    std::fclose(f);
  }
  auto m = CartridgeMedium::open(d.path / "G");
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code == Errc::parse_error);
}

TEST_CASE("corrupt_block flips bytes of that block only", "[sim][cartridge]") {
  TempDir d;
  auto m = CartridgeMedium::open(d.path / "C");
  REQUIRE(m.ok());
  REQUIRE((*m)->append_block(pattern(4096, 1)).ok());
  REQUIRE((*m)->append_block(pattern(4096, 2)).ok());
  REQUIRE((*m)->append_filemark().ok());
  REQUIRE((*m)->corrupt_block(1).ok());
  CHECK_FALSE((*m)->corrupt_block(2).ok());  // a filemark has no bytes
  std::vector<std::uint8_t> b0(4096), b1(4096);
  REQUIRE((*m)->read_block(0, b0).ok());
  REQUIRE((*m)->read_block(1, b1).ok());
  CHECK(b0 == pattern(4096, 1));
  CHECK(b1 != pattern(4096, 2));
}
