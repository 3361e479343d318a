// The member header carries the file's mode and numeric owner: checked
// with our reader and with GNU tar (the reader a site without Tapegate
// has). Members whose callers set nothing keep the bytes they always had.
#include <catch2/catch.hpp>

#include <cstring>

#include "firmware/format/pax_header.hpp"
#include "firmware/format/sha256.hpp"
#include "firmware/format/tar_reader.hpp"
#include "firmware/format/tar_fixture.hpp"

using namespace tg;
using namespace tg::firmware::format;

namespace {

const std::vector<std::uint8_t> kData = {'d', 'a', 't', 'a'};

MemberMeta meta_with(std::uint32_t mode, std::uint32_t uid, std::uint32_t gid, const std::string& hash) {
  return MemberMeta{.path = "vm/disk.img",
                    .size = kData.size(),
                    .mtime = 1'700'000'000,
                    .sha256_hex = hash,
                    .repository = "repo",
                    .job = "job-uuid",
                    .group = "",
                    .kind = "other",
                    .mode = mode,
                    .uid = uid,
                    .gid = gid};
}

std::vector<std::uint8_t> archive_of(const MemberMeta& m) {
  auto a = encode_single_member_archive(m, kData, 10240);
  REQUIRE(a.ok());
  return *a;
}

struct Captured final : TarEvents {
  std::vector<TarEntry> entries;
  Status on_entry(const TarEntry& e) override {
    entries.push_back(e);
    return {};
  }
  Status on_data(std::span<const std::uint8_t>) override { return {}; }
  Status on_entry_end() override { return {}; }
};

TarEntry read_back(const std::vector<std::uint8_t>& archive) {
  Captured c;
  TarReader r;
  REQUIRE(r.feed(archive, c).ok());
  REQUIRE(c.entries.size() == 1);
  return c.entries[0];
}

// `tar -tv --numeric-owner` of the archive: "-rw------- 1234/2345 4 ...".
std::string gnu_listing(const std::vector<std::uint8_t>& archive) {
  test::ScratchDir d("pax-header");
  test::write_file(d.path / "a.tar", archive);
  REQUIRE(test::run_in(d.path, "tar -tv --numeric-owner -f a.tar > list.txt 2>&1") == 0);
  auto out = test::read_file(d.path / "list.txt");
  return {out.begin(), out.end()};
}

// The ustar header record: after the x header and its one record of records.
const std::uint8_t* ustar_of(const std::vector<std::uint8_t>& archive) { return archive.data() + 2 * 512; }
std::string field(const std::uint8_t* h, std::size_t off, std::size_t len) {
  return std::string(reinterpret_cast<const char*>(h + off), strnlen(reinterpret_cast<const char*>(h + off), len));
}

}  // namespace

TEST_CASE("a member's header carries the file's mode, uid and gid") {
  const std::string hash = sha256_hex(kData);
  auto archive = archive_of(meta_with(0600, 1234, 2345, hash));
  TarEntry e = read_back(archive);
  CHECK(e.mode == 0600);
  CHECK(e.uid == 1234);
  CHECK(e.gid == 2345);
  CHECK(e.mtime == 1'700'000'000);
  // Names stay empty: GNU tar would map a name to a local id first.
  CHECK(e.uname.empty());
  CHECK(e.gname.empty());
  CHECK(e.keyword("uid") == nullptr);
  CHECK(gnu_listing(archive).rfind("-rw------- 1234/2345 ", 0) == 0);

  auto setuid = archive_of(meta_with(04755, 1234, 1234, hash));
  CHECK(read_back(setuid).mode == 04755);
  CHECK(gnu_listing(setuid).rfind("-rwsr-xr-x 1234/1234 ", 0) == 0);
  // Only permission bits go on tape.
  CHECK(read_back(archive_of(meta_with(0100640, 1, 1, hash))).mode == 0640);
}

TEST_CASE("ids too large for the ustar field travel in pax uid/gid records") {
  const std::string hash = sha256_hex(kData);
  auto archive = archive_of(meta_with(0640, 3'000'000, 07777777, hash));
  TarEntry e = read_back(archive);
  CHECK(e.uid == 3'000'000);
  CHECK(e.gid == 07777777);
  REQUIRE(e.keyword("uid"));
  CHECK(*e.keyword("uid") == "3000000");
  CHECK(e.keyword("gid") == nullptr);   // 2097151 still fits the field
  CHECK(field(ustar_of(archive), 108, 8) == "0000000");
  CHECK(field(ustar_of(archive), 116, 8) == "7777777");
  CHECK(gnu_listing(archive).rfind("-rw-r----- 3000000/2097151 ", 0) == 0);
}

TEST_CASE("callers that set no mode or owner write the header bytes they always did") {
  const std::string hash = sha256_hex(kData);
  MemberMeta m = meta_with(0644, 0, 0, hash);
  MemberMeta defaults{.path = m.path,
                      .size = m.size,
                      .mtime = m.mtime,
                      .sha256_hex = m.sha256_hex,
                      .repository = m.repository,
                      .job = m.job,
                      .group = m.group,
                      .kind = m.kind};
  auto archive = archive_of(defaults);
  CHECK(archive == archive_of(m));
  const std::uint8_t* h = ustar_of(archive);
  CHECK(field(h, 100, 8) == "0000644");
  CHECK(field(h, 108, 8) == "0000000");
  CHECK(field(h, 116, 8) == "0000000");
  CHECK(field(h, 265, 32) == "root");
  CHECK(field(h, 297, 32) == "root");
}
