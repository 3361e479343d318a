// The simulated changer: element status (paging, truncation, tags, drive
// identifiers), moves and their errors, mail slots, state across restarts.
#include <atomic>
#include <thread>

#include "sim_fixture.hpp"

using namespace tg;
using namespace tg::test;

namespace {

struct Descriptor {
  std::uint8_t type;
  std::uint16_t address;
  std::uint8_t flags;
  std::optional<std::uint16_t> source;
  std::string tag;
  std::string id;
};

// Walks an element status report by its own length fields.
std::vector<Descriptor> parse(const Reply& r) {
  std::vector<Descriptor> out;
  const auto& d = r.data;
  std::size_t off = 8;
  while (off + 8 <= d.size()) {
    const std::uint8_t type = d[off];
    const bool pvol = d[off + 1] & 0x80;
    const std::size_t dlen = get_be16(d, off + 2);
    const std::size_t bytes = get_be24(d, off + 5);
    std::size_t p = off + 8;
    for (; p + dlen <= off + 8 + bytes && p + dlen <= d.size(); p += dlen) {
      Descriptor x{type, get_be16(d, p), d[p + 2], std::nullopt, "", ""};
      if (d[p + 9] & 0x80) x.source = get_be16(d, p + 10);
      std::size_t q = p + 12;
      if (pvol) {
        x.tag.assign(d.begin() + static_cast<std::ptrdiff_t>(q), d.begin() + static_cast<std::ptrdiff_t>(q + 32));
        while (!x.tag.empty() && (x.tag.back() == ' ' || x.tag.back() == '\0')) x.tag.pop_back();
        q += 36;
      }
      if (dlen > q - p) x.id.assign(d.begin() + static_cast<std::ptrdiff_t>(q + 4), d.begin() + static_cast<std::ptrdiff_t>(q + 4 + d[q + 3]));
      out.push_back(x);
    }
    off = off + 8 + bytes;
  }
  return out;
}

}  // namespace

TEST_CASE("MODE SENSE page 0x1D gives the element address assignment", "[sim][smc]") {
  SimFixture f;
  f.open();
  Reply r = run(f.changer(), {0x1A, 0x08, 0x1D, 0, 255, 0}, 255);
  REQUIRE(r.good());
  REQUIRE(r.data.size() == 4 + 20);
  const auto* p = &r.data[4];
  CHECK(p[0] == 0x1D);
  CHECK(p[1] == 0x12);
  std::span<const std::uint8_t> s(p, 20);
  CHECK(get_be16(s, 2) == 1);     // picker
  CHECK(get_be16(s, 4) == 1);
  CHECK(get_be16(s, 6) == 1000);  // slots
  CHECK(get_be16(s, 8) == 24);
  CHECK(get_be16(s, 10) == 10);   // mail slots
  CHECK(get_be16(s, 12) == 2);
  CHECK(get_be16(s, 14) == 500);  // drives
  CHECK(get_be16(s, 16) == 2);
}

TEST_CASE("READ ELEMENT STATUS of everything, with volume tags and drive identifiers", "[sim][smc]") {
  SimFixture f;
  auto& lib = f.open();
  Reply r = run(f.changer(), cdb_res(0, 0, 0xFFFF, 0xFFFF, true, true), 0xFFFF);
  REQUIRE(r.good());
  CHECK(get_be16(r.data, 0) == 1);                 // first element reported
  CHECK(get_be16(r.data, 2) == 1 + 2 + 2 + 24);    // elements
  CHECK(get_be24(r.data, 5) == r.data.size() - 8); // report bytes available
  auto all = parse(r);
  REQUIRE(all.size() == 29);
  CHECK(all[0].type == 1);
  CHECK(all[1].type == 3);
  CHECK(all[1].address == 10);
  CHECK((all[1].flags & 0x30) == 0x30);  // INENAB, EXENAB
  CHECK(all[3].type == 4);
  CHECK(all[3].address == 500);
  CHECK(all[3].id == lib.drive_serial(0));
  CHECK(all[4].id == lib.drive_serial(1));
  CHECK(all[5].type == 2);
  CHECK(all[5].address == 1000);
  CHECK((all[5].flags & 0x01) == 1);  // FULL
  CHECK(all[5].tag == "TG0001L9");
  CHECK(all[12].tag == "TG0008L9");
  CHECK((all[13].flags & 0x01) == 0);
  CHECK(all[13].tag.empty());
}

TEST_CASE("READ ELEMENT STATUS with a small allocation: truncated, counts still full", "[sim][smc]") {
  SimFixture f;
  f.open();
  Reply full = run(f.changer(), cdb_res(2, 1000, 24, 0xFFFF), 0xFFFF);
  REQUIRE(full.good());
  CHECK(full.data.size() == 8 + 8 + 24 * 48);
  Reply small = run(f.changer(), cdb_res(2, 1000, 24, 100), 100);
  REQUIRE(small.good());
  CHECK(small.data.size() == 100);
  CHECK(get_be16(small.data, 2) == 24);
  CHECK(get_be24(small.data, 5) == 8 + 24 * 48);
  CHECK(std::equal(small.data.begin(), small.data.end(), full.data.begin()));
  Reply header_only = run(f.changer(), cdb_res(2, 1000, 24, 8), 8);
  CHECK(get_be24(header_only.data, 5) == 8 + 24 * 48);

  // Paging by starting address and count.
  Reply page = run(f.changer(), cdb_res(2, 1005, 3, 0xFFFF), 0xFFFF);
  auto els = parse(page);
  REQUIRE(els.size() == 3);
  CHECK(els[0].address == 1005);
  CHECK(els[2].address == 1007);
  CHECK(els[2].tag == "TG0008L9");
  // Past the last element of that type.
  CHECK(run(f.changer(), cdb_res(2, 2000, 3, 0xFFFF), 0xFFFF).asc() == 0x21);
  // Element type 5 does not exist.
  CHECK(run(f.changer(), cdb_res(5, 0, 3, 0xFFFF), 0xFFFF).asc() == 0x24);
  // Without VOLTAG the descriptors are 12 bytes.
  Reply bare = run(f.changer(), cdb_res(2, 1000, 2, 0xFFFF, false), 0xFFFF);
  CHECK(get_be16(bare.data, 8 + 2) == 12);
  CHECK((bare.data[8 + 1] & 0x80) == 0);
}

TEST_CASE("MOVE MEDIUM: slot to drive and back, source recorded", "[sim][smc]") {
  SimFixture f;
  auto& lib = f.open();
  f.load(1, 1003);
  CHECK(lib.barcode_at(501) == "TG0004L9");
  CHECK(!lib.barcode_at(1003));
  auto els = parse(run(f.changer(), cdb_res(4, 0, 10, 0xFFFF), 0xFFFF));
  REQUIRE(els.size() == 2);
  CHECK((els[1].flags & 1) == 1);
  CHECK(els[1].source == 1003);
  CHECK(els[1].tag == "TG0004L9");
  REQUIRE(run(f.changer(), cdb_move(1, 501, 1010)).good());
  CHECK(run(f.drive(1), cdb_tur()).asc() == 0x3A);
  CHECK(lib.barcode_at(1010) == "TG0004L9");
}

TEST_CASE("MOVE MEDIUM errors: empty source, full destination, bad addresses", "[sim][smc]") {
  SimFixture f;
  f.open();
  Reply empty = run(f.changer(), cdb_move(0, 1020, 1021));
  CHECK(empty.key() == 0x5);
  CHECK(empty.asc() == 0x3B);
  CHECK(empty.ascq() == 0x0E);
  Reply full = run(f.changer(), cdb_move(0, 1000, 1001));
  CHECK(full.asc() == 0x3B);
  CHECK(full.ascq() == 0x0D);
  Reply bad = run(f.changer(), cdb_move(0, 999, 1020));
  CHECK(bad.asc() == 0x21);
  CHECK(bad.ascq() == 0x01);
  CHECK(bad.field_byte() == 4);
  CHECK(run(f.changer(), cdb_move(0, 1000, 4000)).field_byte() == 6);
  CHECK(run(f.changer(), cdb_move(7, 1000, 1020)).field_byte() == 2);
  CHECK(run(f.changer(), cdb_move(0, 1000, 1)).asc() == 0x21);  // the picker is no destination
  std::vector<std::uint8_t> inv = cdb_move(0, 1000, 1020);
  inv[10] = 1;
  CHECK(run(f.changer(), inv).field_bit() == 0);
}

TEST_CASE("mail slots: operator import sets IMPEXP and a unit attention, export takes it out", "[sim][smc]") {
  SimFixture f;
  auto& lib = f.open();
  REQUIRE(lib.operator_insert(10, "NEW001L9").ok());
  Reply ua = run(f.changer(), cdb_tur());
  CHECK(ua.key() == 0x6);
  CHECK(ua.asc() == 0x28);
  CHECK(ua.ascq() == 0x01);
  auto els = parse(run(f.changer(), cdb_res(3, 0, 10, 0xFFFF), 0xFFFF));
  REQUIRE(els.size() == 2);
  CHECK((els[0].flags & 0x03) == 0x03);  // FULL + IMPEXP
  CHECK(els[0].tag == "NEW001L9");
  REQUIRE(run(f.changer(), cdb_move(0, 10, 1020)).good());
  // A robot-placed cartridge in a mail slot has IMPEXP clear.
  REQUIRE(run(f.changer(), cdb_move(0, 1000, 11)).good());
  els = parse(run(f.changer(), cdb_res(3, 0, 10, 0xFFFF), 0xFFFF));
  CHECK((els[1].flags & 0x03) == 0x01);
  CHECK(els[1].source == 1000);
  auto out = lib.operator_remove(11);
  REQUIRE(out.ok());
  CHECK(*out == "TG0001L9");
  CHECK(lib.operator_remove(11).error().code == Errc::element_empty);
  CHECK(lib.operator_insert(1001, "X").error().code == Errc::invalid_argument);
  CHECK(lib.operator_insert(10, "TG0002L9").error().code == Errc::busy);  // already in slot 1001

  SECTION("PREVENT locks the mail slots") {
    REQUIRE(run(f.changer(), cdb_tur()).key() == 0x6);
    REQUIRE(run(f.changer(), {0x1E, 0, 0, 0, 1, 0}).good());
    CHECK(lib.operator_insert(10, "LOCK01L9").error().code == Errc::busy);
  }
  SECTION("the exported cartridge stays out across a restart; the imported one stays in") {
    f.open();
    CHECK(f.lib->barcode_at(1020) == "NEW001L9");
    for (const auto& e : f.lib->elements()) CHECK(e.barcode != "TG0001L9");
  }
}

TEST_CASE("the element map survives a restart, cartridges in drives included", "[sim][smc][persist]") {
  SimFixture f;
  f.open();
  f.load(0, 1002);
  REQUIRE(run(f.changer(), cdb_move(0, 1005, 1023)).good());
  f.open();
  CHECK(f.lib->barcode_at(500) == "TG0003L9");
  CHECK(f.lib->barcode_at(1023) == "TG0006L9");
  CHECK(!f.lib->barcode_at(1005));
  CHECK(run(f.drive(0), cdb_tur()).good());
  auto els = parse(run(f.changer(), cdb_res(4, 500, 1, 0xFFFF), 0xFFFF));
  CHECK(els[0].source == 1002);
  // The state file is replaced atomically; no temporary is left behind.
  CHECK(std::filesystem::exists(f.dir.path / "board" / "library.state"));
  CHECK(!std::filesystem::exists(f.dir.path / "board" / "library.state.tmp"));
}

TEST_CASE("INITIALIZE ELEMENT STATUS and POSITION TO ELEMENT", "[sim][smc]") {
  SimFixture f;
  f.open();
  CHECK(run(f.changer(), {0x07, 0, 0, 0, 0, 0}).good());
  CHECK(run(f.changer(), {0x37, 0x01, 0x03, 0xE8, 0, 0, 0, 5, 0, 0}).good());
  CHECK(run(f.changer(), {0x37, 0x01, 0x07, 0xD0, 0, 0, 0, 5, 0, 0}).asc() == 0x21);
  CHECK(run(f.changer(), {0x2B, 0, 0, 0, 0x01, 0xF4, 0, 0, 0, 0}).good());
  CHECK(run(f.changer(), {0x2B, 0, 0, 0, 0x01, 0xF0, 0, 0, 0, 0}).asc() == 0x21);
}

TEST_CASE("a library with a layout that does not fit is refused", "[sim][smc]") {
  SimFixture f;
  f.config.first_mailslot = 1010;  // inside the slots
  hal::ManualClock clock;
  auto r = sim::SimLibrary::open(f.config, f.dir.path / "board", clock);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("overlaps") != std::string::npos);
  f.config.first_mailslot = 10;
  f.config.cartridge_count = 30;
  auto r2 = sim::SimLibrary::open(f.config, f.dir.path / "board2", clock);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().message.find("no free slot") != std::string::npos);
}

TEST_CASE("drives and the changer work concurrently from their own threads", "[sim][smc][threads]") {
  SimFixture f;
  f.open();
  f.load(0, 1000);
  f.load(1, 1001);
  std::atomic<int> failures{0};
  auto writer = [&](std::size_t i) {
    for (int k = 0; k < 200; ++k)
      if (!run(f.drive(i), cdb_write6(4096), 0, pattern(4096, static_cast<std::uint8_t>(k))).good()) ++failures;
  };
  std::thread a(writer, 0), b(writer, 1);
  for (int k = 0; k < 50; ++k) {
    if (!run(f.changer(), cdb_move(0, 1002, 1020)).good()) ++failures;
    if (!run(f.changer(), cdb_res(0, 0, 0xFFFF, 0xFFFF, true, true), 0xFFFF).good()) ++failures;
    if (!run(f.changer(), cdb_move(0, 1020, 1002)).good()) ++failures;
  }
  a.join();
  b.join();
  CHECK(failures == 0);
  CHECK(f.lib->drive_stats(0).bytes_written == 200 * 4096);
  CHECK(f.lib->drive_stats(1).bytes_written == 200 * 4096);
}
