// READ/WRITE ATTRIBUTE: the cartridge memory of a simulated cartridge.
#include <map>

#include "sim_fixture.hpp"

using namespace tg;
using namespace tg::test;

namespace {

std::vector<std::uint8_t> cdb_read_attr(std::uint8_t sa, std::uint16_t first, std::uint32_t alloc) {
  std::vector<std::uint8_t> c(16, 0);
  c[0] = 0x8C;
  c[1] = sa;
  put_be16(c, 8, first);
  put_be32(c, 10, alloc);
  return c;
}

std::map<std::uint16_t, std::vector<std::uint8_t>> attributes(const Reply& r) {
  std::map<std::uint16_t, std::vector<std::uint8_t>> m;
  const std::size_t end = 4 + get_be32(r.data, 0);
  for (std::size_t o = 4; o + 5 <= end && o + 5 <= r.data.size();) {
    const std::uint16_t len = get_be16(r.data, o + 3);
    m[get_be16(r.data, o)].assign(r.data.begin() + static_cast<std::ptrdiff_t>(o + 5),
                                  r.data.begin() + static_cast<std::ptrdiff_t>(o + 5 + len));
    o += 5 + len;
  }
  return m;
}

}  // namespace

TEST_CASE("READ ATTRIBUTE reports capacity, load count, serial and barcode", "[sim][mam]") {
  SimFixture f;
  f.open();
  CHECK(run(f.drive(), cdb_read_attr(0, 0, 1024), 1024).asc() == 0x3A);
  f.load();
  Reply r = run(f.drive(), cdb_read_attr(0, 0, 4096), 4096);
  REQUIRE(r.good());
  auto m = attributes(r);
  CHECK(get_be64(m.at(0x0001), 0) == 4);  // 4 MiB cartridge
  CHECK(get_be64(m.at(0x0000), 0) == 4);
  CHECK(get_be64(m.at(0x0003), 0) == 1);  // loaded once
  CHECK(std::string(m.at(0x0806).begin(), m.at(0x0806).end()).rfind("TG0001L9 ", 0) == 0);
  CHECK(std::string(m.at(0x0401).begin(), m.at(0x0401).end()).rfind("TGMTG0001L9", 0) == 0);
  CHECK(m.at(0x0405) == std::vector<std::uint8_t>{0x60});

  SECTION("first attribute id and truncation keep the full length") {
    Reply part = run(f.drive(), cdb_read_attr(0, 0x0400, 12), 12);
    REQUIRE(part.good());
    CHECK(part.data.size() == 12);
    CHECK(get_be16(part.data, 4) == 0x0400);
    CHECK(get_be32(part.data, 0) > 8);
  }
  SECTION("the attribute list") {
    Reply list = run(f.drive(), cdb_read_attr(1, 0, 256), 256);
    REQUIRE(list.good());
    CHECK(get_be16(list.data, 4) == 0x0000);
  }
  SECTION("an unknown service action") { CHECK(run(f.drive(), cdb_read_attr(0x1F, 0, 256), 256).field_byte() == 1); }
}

TEST_CASE("WRITE ATTRIBUTE stores host attributes with the cartridge, device ones are read only", "[sim][mam]") {
  SimFixture f;
  f.open();
  f.load();
  std::vector<std::uint8_t> list{0, 0, 0, 0};
  const std::string pool = "weekly";
  list.insert(list.end(), {0x08, 0x08, 0x02, 0x00, static_cast<std::uint8_t>(pool.size())});
  list.insert(list.end(), pool.begin(), pool.end());
  put_be32(list, 0, static_cast<std::uint32_t>(list.size() - 4));
  std::vector<std::uint8_t> c(16, 0);
  c[0] = 0x8D;
  put_be32(c, 10, static_cast<std::uint32_t>(list.size()));
  REQUIRE(run(f.drive(), c, 0, list).good());

  // Load count is device-owned.
  std::vector<std::uint8_t> ro{0, 0, 0, 13, 0x00, 0x03, 0x00, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 9};
  std::vector<std::uint8_t> c2 = c;
  put_be32(c2, 10, static_cast<std::uint32_t>(ro.size()));
  Reply e = run(f.drive(), c2, 0, ro);
  CHECK(e.asc() == 0x26);
  CHECK(e.field_byte() == 4);

  // Unload to a slot, restart, load again: the pool name is still there.
  REQUIRE(run(f.changer(), cdb_move(0, 500, 1000)).good());
  f.open();
  f.load();
  Reply r = run(f.drive(), cdb_read_attr(0, 0x0808, 1024), 1024);
  auto m = attributes(r);
  CHECK(std::string(m.at(0x0808).begin(), m.at(0x0808).end()) == "weekly");
  CHECK(get_be64(attributes(run(f.drive(), cdb_read_attr(0, 0, 4096), 4096)).at(0x0003), 0) == 2);
}
