// The tar reader against archives made by GNU tar 1.34 (an independent
// writer): pax and GNU formats, long names, multi-volume continuations,
// any chunking of the input, and garbage.
#include <catch2/catch.hpp>

#include <map>

#include "firmware/format/tar_reader.hpp"
#include "tar_fixture.hpp"

using namespace tg::firmware::format;
using tg::test::ScratchDir;

namespace {

struct Collected {
  TarEntry entry;
  std::vector<std::uint8_t> data;
  bool ended = false;
};

class Collector : public TarEvents {
 public:
  std::vector<Collected> members;
  tg::Status on_entry(const TarEntry& e) override {
    members.push_back({e, {}, false});
    return {};
  }
  tg::Status on_data(std::span<const std::uint8_t> b) override {
    if (members.empty()) return tg::make_error(tg::Errc::internal, "data before any entry");
    members.back().data.insert(members.back().data.end(), b.begin(), b.end());
    return {};
  }
  tg::Status on_entry_end() override {
    members.back().ended = true;
    return {};
  }
  const Collected* find(const std::string& path) const {
    for (auto& m : members)
      if (m.entry.path == path) return &m;
    return nullptr;
  }
};

// Feeds `bytes` in chunks of `chunk` bytes (the tape block size).
tg::Status feed_all(TarReader& r, const std::vector<std::uint8_t>& bytes, std::size_t chunk, TarEvents& ev) {
  for (std::size_t pos = 0; pos < bytes.size(); pos += chunk) {
    auto n = std::min(chunk, bytes.size() - pos);
    auto s = r.feed(std::span<const std::uint8_t>(bytes).subspan(pos, n), ev);
    if (!s) return s;
  }
  return {};
}

std::string long_name() {
  std::string n = "vm-101";
  for (int i = 0; i < 6; ++i) n += "/a-rather-long-directory-name-" + std::to_string(i);
  return n + "/disk-0.img";
}

}  // namespace

TEST_CASE("pax archive from GNU tar: every member and byte, any chunking") {
  ScratchDir dir("tarr");
  auto src = dir.path / "src";
  auto big = tg::test::pseudo_random_bytes(300'001, 1);
  auto odd = tg::test::pseudo_random_bytes(513, 2);
  tg::test::write_file(src / "big.bin", big);
  tg::test::write_file(src / "odd.bin", odd);
  tg::test::write_file(src / "empty", {});
  tg::test::write_file(src / long_name(), odd);
  REQUIRE(tg::test::run_in(src, "ln -s big.bin link && tar -c --format=pax -f ../a.tar big.bin odd.bin empty link vm-101") == 0);
  auto archive = tg::test::read_file(dir.path / "a.tar");

  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{512}, std::size_t{513}, std::size_t{10240}, archive.size()}) {
    CAPTURE(chunk);
    TarReader r;
    Collector c;
    REQUIRE(feed_all(r, archive, chunk, c).ok());
    CHECK(r.finish().end == TarEnd::end_of_archive);
    REQUIRE(c.find("big.bin"));
    CHECK(c.find("big.bin")->data == big);
    CHECK(c.find("big.bin")->ended);
    CHECK(c.find("odd.bin")->data == odd);
    REQUIRE(c.find("empty"));
    CHECK(c.find("empty")->data.empty());
    CHECK(c.find("empty")->ended);
    REQUIRE(c.find("link"));
    CHECK(c.find("link")->entry.typeflag == '2');
    CHECK(c.find("link")->entry.linkpath == "big.bin");
    REQUIRE(c.find(long_name()));                 // > 100 chars: pax 'path'
    CHECK(c.find(long_name())->data == odd);
    REQUIRE(c.find("vm-101/"));
    CHECK(c.find("vm-101/")->entry.typeflag == '5');
    // Offsets are record-aligned and increase.
    std::uint64_t last = 0;
    for (auto& m : c.members) {
      CHECK(m.entry.header_offset % kTarRecord == 0);
      CHECK(m.entry.preamble_offset <= m.entry.header_offset);
      CHECK(m.entry.preamble_offset >= last);
      last = m.entry.header_offset;
    }
  }
}

TEST_CASE("GNU format long names ('L') and base-256 sizes") {
  ScratchDir dir("targ");
  auto src = dir.path / "src";
  auto data = tg::test::pseudo_random_bytes(1000, 3);
  tg::test::write_file(src / long_name(), data);
  REQUIRE(tg::test::run_in(src, "tar -c --format=gnu -f ../g.tar vm-101") == 0);
  TarReader r;
  Collector c;
  REQUIRE(feed_all(r, tg::test::read_file(dir.path / "g.tar"), 4096, c).ok());
  REQUIRE(c.find(long_name()));
  CHECK(c.find(long_name())->data == data);

  std::uint8_t b256[12] = {0x80, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0x01};  // 2^32 + 1
  CHECK(*parse_tar_number(b256) == (std::uint64_t{2} << 32) + 1);
  std::uint8_t neg[12] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  CHECK_FALSE(parse_tar_number(neg).ok());
  const char* oct = "  0000644 \0";
  CHECK(*parse_tar_number({reinterpret_cast<const std::uint8_t*>(oct), 11}) == 0644);
  const char* bad = "0000x44\0";
  auto e = parse_tar_number({reinterpret_cast<const std::uint8_t*>(bad), 8});
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message.find("octal") != std::string::npos);
}

TEST_CASE("GNU multi-volume: volume 1 ends inside data, volume 2 continues it") {
  ScratchDir dir("tarm");
  auto big = tg::test::pseudo_random_bytes(3'000'000, 4);
  auto small = tg::test::pseudo_random_bytes(100, 5);
  tg::test::write_file(dir.path / "big.bin", big);
  tg::test::write_file(dir.path / "small.txt", small);
  REQUIRE(tg::test::run_in(dir.path, "tar -c -M -L 1000 --format=pax -f v1.tar -f v2.tar -f v3.tar big.bin small.txt") == 0);

  std::vector<std::uint8_t> joined;
  std::uint64_t expect_offset = 0;
  for (const char* vol : {"v1.tar", "v2.tar", "v3.tar"}) {
    CAPTURE(vol);
    TarReader r;
    Collector c;
    REQUIRE(feed_all(r, tg::test::read_file(dir.path / vol), 10240, c).ok());
    REQUIRE(!c.members.empty());
    auto& first = c.members.front();
    CHECK(first.entry.original_path() == "big.bin");
    CHECK(first.entry.file_offset() == expect_offset);
    if (expect_offset > 0) {
      REQUIRE(first.entry.continuation);
      CHECK(first.entry.path.rfind("./GNUFileParts/", 0) == 0);
      CHECK(first.entry.continuation->size == big.size() - expect_offset);
    }
    joined.insert(joined.end(), first.data.begin(), first.data.end());
    expect_offset += first.data.size();
    auto fin = r.finish();
    if (std::string(vol) == "v3.tar") {
      CHECK(fin.end == TarEnd::end_of_archive);
      REQUIRE(c.find("small.txt"));
      CHECK(c.find("small.txt")->data == small);
      CHECK_FALSE(c.find("small.txt")->entry.continuation);   // applies to one member only
    } else {
      CHECK(fin.end == TarEnd::inside_data);
      CHECK(fin.member == first.entry.path);
      CHECK(fin.data_done == first.data.size());
    }
  }
  CHECK(joined == big);
}

TEST_CASE("garbage and truncation are named, never crash") {
  SECTION("random bytes are not a header") {
    auto junk = tg::test::pseudo_random_bytes(4096, 6);
    TarReader r;
    Collector c;
    auto s = r.feed(junk, c);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == tg::Errc::parse_error);
    CHECK(s.error().message.find("byte 512") != std::string::npos);
    CHECK(s.error().message.find("checksum") != std::string::npos);
  }
  ScratchDir dir("tarx");
  tg::test::write_file(dir.path / "f", tg::test::pseudo_random_bytes(5000, 7));
  REQUIRE(tg::test::run_in(dir.path, "tar -c --format=pax -f a.tar f") == 0);
  auto archive = tg::test::read_file(dir.path / "a.tar");

  SECTION("truncated inside the header preamble") {
    TarReader r;
    Collector c;
    REQUIRE(r.feed(std::span(archive).first(700), c).ok());
    CHECK(r.finish().end == TarEnd::inside_header);
  }
  SECTION("truncated inside data") {
    TarReader r;
    Collector c;
    REQUIRE(r.feed(std::span(archive).first(1536 + 1000), c).ok());
    auto f = r.finish();
    CHECK(f.end == TarEnd::inside_data);
    CHECK(f.member == "f");
    CHECK(f.data_done == 1000);
  }
  SECTION("one flipped byte in a header fails its checksum") {
    auto bad = archive;
    bad[1024 + 10] ^= 0x01;   // the ustar header of f (after the 'x' header and payload)
    TarReader r;
    Collector c;
    auto s = r.feed(bad, c);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find("checksum mismatch") != std::string::npos);
  }
  SECTION("every single-byte corruption of the headers: error or clean parse") {
    for (std::size_t i = 0; i < 1536; ++i) {
      auto bad = archive;
      bad[i] = static_cast<std::uint8_t>(bad[i] + 0x41);
      TarReader r;
      Collector c;
      (void)r.feed(bad, c);
      (void)r.finish();
    }
  }
  SECTION("oversized pax payload is refused") {
    TarReader r(TarReaderLimits{.max_pax_payload = 16});
    Collector c;
    auto s = r.feed(archive, c);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find("exceeds the limit") != std::string::npos);
  }
}

TEST_CASE("pax records: lengths are validated") {
  auto ok = parse_pax_records("30 TAPEGATE.sha256=0123456789\n11 size=42\n");
  REQUIRE(ok.ok());
  CHECK(ok->at("TAPEGATE.sha256") == "0123456789");
  CHECK(ok->at("size") == "42");
  CHECK_FALSE(parse_pax_records("12 size=42\n").ok());      // length off by one
  CHECK_FALSE(parse_pax_records("99 size=42\n").ok());      // past the payload
  CHECK_FALSE(parse_pax_records("x size=42\n").ok());       // no length
  CHECK_FALSE(parse_pax_records("8 =abc\n").ok());          // empty keyword
  CHECK_FALSE(parse_pax_records("3 \n").ok());
  CHECK(parse_pax_records(std::string("11 size=42\n\0\0\0", 14)).ok());   // NUL padding
}
