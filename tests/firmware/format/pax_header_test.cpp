// The member header carries the file's mode and numeric owner: checked
// with our reader and with GNU tar (the reader a site without Tapegate
// has). Members whose callers set nothing keep the bytes they always had.
// Then the encoder's own contract: what validate_member refuses, pax
// records whose length counts itself, a buffer too small is an error, the
// continuation preamble GNU tar -M expects, the job catalog copy's archive.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>

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

namespace {

// The pax records of an extended header's payload: "<len> <key>=<value>\n",
// where len counts the whole record, its own digits included. Fails the
// test on a record whose length field is wrong.
std::vector<std::pair<std::string, std::string>> pax_records(const std::uint8_t* payload, std::size_t size) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view rest(reinterpret_cast<const char*>(payload), size);
  while (!rest.empty()) {
    auto space = rest.find(' ');
    REQUIRE(space != std::string_view::npos);
    std::size_t len = std::stoul(std::string(rest.substr(0, space)));
    REQUIRE(len <= rest.size());
    std::string_view record = rest.substr(0, len);
    INFO(std::string(record));
    REQUIRE(record.back() == '\n');
    auto eq = record.find('=');
    REQUIRE(eq != std::string_view::npos);
    out.emplace_back(std::string(record.substr(space + 1, eq - space - 1)),
                     std::string(record.substr(eq + 1, len - eq - 2)));
    rest.remove_prefix(len);
  }
  return out;
}

std::uint64_t octal_field(const std::uint8_t* h, std::size_t off, std::size_t len) {
  return std::stoull(field(h, off, len), nullptr, 8);
}

// The ustar checksum rule: every byte of the record summed with the
// checksum field taken as spaces.
std::uint64_t checksum_of(const std::uint8_t* h) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : h[i];
  return sum;
}

const std::string kHash(64, 'a');

}  // namespace

TEST_CASE("validate_member: bad paths and hashes are refused with the reason") {
  auto refused = [](std::string_view path, std::string_view hash) {
    MemberMeta m{.path = path, .sha256_hex = hash};
    auto s = validate_member(m);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == Errc::invalid_argument);
    return s.error().message;
  };
  CHECK_THAT(refused("", ""), Catch::Contains("empty"));
  CHECK_THAT(refused("/etc/passwd", ""), Catch::Contains("absolute"));
  CHECK_THAT(refused("..", ""), Catch::Contains("'..'"));
  CHECK_THAT(refused("a/../b", ""), Catch::Contains("'..'"));
  CHECK_THAT(refused("a/..", ""), Catch::Contains("'..'"));
  CHECK_THAT(refused(std::string_view("a\0b", 3), ""), Catch::Contains("NUL"));
  CHECK_THAT(refused(std::string(kMaxPathBytes + 1, 'p'), ""), Catch::Contains("longer than 4096"));
  CHECK_THAT(refused("a", std::string(63, 'a')), Catch::Contains("not 64 hex digits"));
  CHECK_THAT(refused("a", std::string(64, 'A')), Catch::Contains("not lowercase hex"));
  CHECK_THAT(refused("a", std::string(63, 'a') + "g"), Catch::Contains("not lowercase hex"));

  // ".." only as a whole component; no hash is a TAPEGATE-2 member.
  const std::string longest(kMaxPathBytes, 'p');
  for (std::string_view ok : {std::string_view("a..b/..c/d.."), std::string_view("vm/disk.img"),
                              std::string_view(longest)}) {
    INFO(ok.substr(0, 40));
    CHECK(validate_member(MemberMeta{.path = ok, .sha256_hex = kHash}).ok());
    CHECK(validate_member(MemberMeta{.path = ok, .sha256_hex = ""}).ok());
  }
}

TEST_CASE("member preamble: a long path travels in the path record, each record's length counts itself") {
  // Path lengths around the point where a record's length needs one more
  // digit (the length counts its own digits), and beyond ustar's 100 bytes.
  for (std::size_t n : {1, 5, 80, 84, 85, 86, 99, 100, 101, 985, 986, 987, 3000}) {
    std::string path = "d/" + std::string(n, 'x');
    INFO("path of " << path.size() << " bytes");
    MemberMeta m{.path = path, .size = 12345, .mtime = -5, .sha256_hex = kHash, .repository = "repo",
                 .job = "job-1", .group = "g", .kind = "full"};
    std::vector<std::uint8_t> out(kMaxPreambleBytes);
    auto used = encode_member_preamble(m, out);
    REQUIRE(used.ok());
    REQUIRE(*used % kRecordSize == 0);
    const std::uint8_t* x = out.data();
    CHECK(x[156] == 'x');
    CHECK(octal_field(x, 148, 7) == checksum_of(x));
    const std::uint64_t payload = octal_field(x, 124, 12);
    CHECK(*used == kRecordSize + padded_to_record(payload) + kRecordSize);
    auto records = pax_records(x + kRecordSize, payload);
    std::map<std::string, std::string> by_key(records.begin(), records.end());
    CHECK(by_key["path"] == path);
    CHECK(by_key["size"] == "12345");
    CHECK(by_key["mtime"] == "-5");
    CHECK(by_key["SCHILY.xattr.user.tapegate.sha256"] == kHash);
    CHECK(by_key["SCHILY.xattr.user.tapegate.kind"] == "full");

    const std::uint8_t* u = out.data() + *used - kRecordSize;
    CHECK(u[156] == '0');
    CHECK(field(u, 0, 100) == path.substr(0, 100));
    CHECK(octal_field(u, 124, 12) == 12345);
    CHECK(octal_field(u, 136, 12) == 0);  // a negative mtime is the pax record's alone
    CHECK(octal_field(u, 148, 7) == checksum_of(u));
    CHECK(field(u, 257, 6) == "ustar");
  }
}

TEST_CASE("member preamble: a buffer too small is an error and nothing is written past it") {
  MemberMeta m{.path = std::string_view("vm/disk.img"), .size = 4, .sha256_hex = kHash, .repository = "repo",
               .job = "job-1", .kind = "full"};
  std::vector<std::uint8_t> out(4 * kRecordSize, 0xEE);
  auto fits = encode_member_preamble(m, out);
  REQUIRE(fits.ok());
  REQUIRE(*fits == 3 * kRecordSize);
  std::fill(out.begin(), out.end(), 0xEE);
  auto short_buffer = encode_member_preamble(m, std::span<std::uint8_t>(out.data(), *fits - 1));
  REQUIRE_FALSE(short_buffer.ok());
  CHECK_THAT(short_buffer.error().message, Catch::Contains("does not fit"));
  for (std::size_t i = *fits - 1; i < out.size(); ++i) REQUIRE(out[i] == 0xEE);
  // The continuation preamble is bounded the same way.
  auto cont = encode_continuation_preamble(m, 1, 2, std::span<std::uint8_t>(out.data(), kRecordSize));
  REQUIRE_FALSE(cont.ok());
  CHECK_THAT(cont.error().message, Catch::Contains("does not fit"));
}

TEST_CASE("continuation preamble: GNU volume records, the GNUFileParts member of the remaining size") {
  const std::vector<std::uint8_t> data = tg::test::pseudo_random_bytes(3000, 7);
  const std::string hash = sha256_hex(data);
  MemberMeta m{.path = std::string_view("vm-100/disk-0.img"), .size = data.size(), .mtime = 1'700'000'000,
               .sha256_hex = hash, .repository = "repo", .job = "job-1", .group = "vm-100", .kind = "full",
               .mode = 0600, .uid = 1234, .gid = 2345};
  std::vector<std::uint8_t> out(kMaxPreambleBytes);
  auto used = encode_continuation_preamble(m, 1000, 3, out);
  REQUIRE(used.ok());
  const std::uint8_t* g = out.data();
  CHECK(g[156] == 'g');
  CHECK(octal_field(g, 148, 7) == checksum_of(g));
  auto global = pax_records(g + kRecordSize, octal_field(g, 124, 12));
  std::map<std::string, std::string> gk(global.begin(), global.end());
  CHECK(gk["GNU.volume.filename"] == "vm-100/disk-0.img");
  CHECK(gk["GNU.volume.size"] == "2000");
  CHECK(gk["GNU.volume.offset"] == "1000");
  const std::uint8_t* u = out.data() + *used - kRecordSize;
  CHECK(u[156] == '0');
  CHECK(field(u, 0, 100) == "vm-100/GNUFileParts/disk-0.img.3");
  CHECK(octal_field(u, 124, 12) == 2000);
  CHECK(octal_field(u, 100, 8) == 0600);
  CHECK(octal_field(u, 108, 8) == 1234);
  CHECK(octal_field(u, 148, 7) == checksum_of(u));

  // Our reader takes it for the rest of the original file, with its hash.
  std::vector<std::uint8_t> volume(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*used));
  volume.insert(volume.end(), data.begin() + 1000, data.end());
  volume.resize(padded_to_record(volume.size()) + kEndOfArchiveBytes, 0);
  TarEntry e = read_back(volume);
  REQUIRE(e.continuation.has_value());
  CHECK(e.original_path() == "vm-100/disk-0.img");
  CHECK(e.file_offset() == 1000);
  CHECK(e.size == 2000);
  CHECK(e.mode == 0600);
  REQUIRE(e.keyword("SCHILY.xattr.user.tapegate.sha256"));
  CHECK(*e.keyword("SCHILY.xattr.user.tapegate.sha256") == hash);

  // Offsets past the file and GNU's volume numbering (2 = first continuation) are checked.
  auto past = encode_continuation_preamble(m, data.size() + 1, 2, out);
  REQUIRE_FALSE(past.ok());
  CHECK(past.error().code == Errc::invalid_argument);
  auto first = encode_continuation_preamble(m, 10, 1, out);
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code == Errc::invalid_argument);
}

TEST_CASE("single-member archive: padded to whole blocks, end records present, bad sizes refused") {
  const std::vector<std::uint8_t> data = tg::test::pseudo_random_bytes(700, 3);
  const std::string hash = sha256_hex(data);
  MemberMeta m{.path = std::string_view("catalog/job-1.txt"), .size = data.size(), .sha256_hex = hash,
               .repository = "repo", .job = "job-1", .kind = "catalog"};
  auto a = encode_single_member_archive(m, data, 16384);
  REQUIRE(a.ok());
  CHECK(a->size() == 16384);
  const std::size_t data_at = 3 * kRecordSize;  // x header, its records, ustar header
  CHECK(std::equal(data.begin(), data.end(), a->begin() + static_cast<std::ptrdiff_t>(data_at)));
  CHECK(std::all_of(a->begin() + static_cast<std::ptrdiff_t>(data_at + data.size()), a->end(),
                    [](std::uint8_t b) { return b == 0; }));
  CHECK(read_back(*a).size == 700);

  auto odd_block = encode_single_member_archive(m, data, 1000);
  REQUIRE_FALSE(odd_block.ok());
  CHECK(odd_block.error().code == Errc::invalid_argument);
  auto wrong_size = encode_single_member_archive(m, std::span<const std::uint8_t>(data.data(), 699), 16384);
  REQUIRE_FALSE(wrong_size.ok());
  CHECK(wrong_size.error().code == Errc::invalid_argument);
}
