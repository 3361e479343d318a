// The volume label: encode/decode, GNU tar can read it, foreign and garbage
// block 0 contents are told apart from ours and from blank.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "firmware/format/volume_label.hpp"
#include "firmware/version.hpp"

using namespace tg::firmware::format;
using tg::Errc;

namespace {

VolumeLabel sample() {
  return VolumeLabel{.barcode = "TP0001L9", .pool = "weekly", .media_set = "4b1f0c7e-1d2a-4c3b-8e9f-0a1b2c3d4e5f",
                     .sequence = 3, .format = tg::firmware::tape_format_name(), .label_time = 1'767'225'600,
                     .block_size = 1 << 20, .host = "tapegate-01"};
}

std::vector<std::uint8_t> encode(const VolumeLabel& l) {
  auto r = encode_volume_label(l);
  if (!r) FAIL(r.error().message);
  return std::move(r).value();
}

struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::vector<std::uint8_t>& bytes) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tg-label-XXXXXX").string();
    int fd = ::mkstemp(tmpl.data());
    REQUIRE(fd >= 0);
    ::close(fd);
    path = tmpl;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path); }
};

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  CHECK(::pclose(p) == 0);
  return out;
}

// A GNU tar archive of one ordinary file, made by GNU tar itself.
std::vector<std::uint8_t> gnu_tar_of_other_file(const char* format) {
  auto dir = std::filesystem::temp_directory_path() / ("tg-label-dir-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "notes.txt") << "hello\n";
  auto tarfile = dir / "out.tar";
  run("tar -C " + dir.string() + " --format=" + format + " -cf " + tarfile.string() + " notes.txt");
  std::ifstream in(tarfile, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  return bytes;
}

}  // namespace

TEST_CASE("volume label: round trip") {
  auto bytes = encode(sample());
  CHECK(bytes.size() % 512 == 0);
  CHECK(bytes.size() <= kMaxLabelBytes);
  auto back = decode_volume_label(bytes);
  REQUIRE(back.ok());
  CHECK(back->barcode == "TP0001L9");
  CHECK(back->pool == "weekly");
  CHECK(back->media_set == sample().media_set);
  CHECK(back->sequence == 3);
  CHECK(back->format == tg::firmware::tape_format_name());
  CHECK(back->label_time == 1'767'225'600);
  CHECK(back->block_size == 1u << 20);
  CHECK(back->host == "tapegate-01");
  auto cls = classify_medium(false, bytes);
  CHECK(cls.content == MediumContent::ours);
  REQUIRE(cls.label.has_value());
  CHECK(cls.label->sequence == 3);
}

TEST_CASE("volume label: a pool label without a media set") {
  auto l = sample();
  l.media_set = "";
  l.sequence = 0;
  auto back = decode_volume_label(encode(l));
  REQUIRE(back.ok());
  CHECK(back->media_set.empty());
  CHECK(back->sequence == 0);
}

TEST_CASE("volume label: GNU tar lists and extracts it") {
  auto bytes = encode(sample());
  TempFile f(bytes);
  auto listing = run("tar -tvf " + f.path.string() + " 2>&1");
  CHECK_THAT(listing, Catch::Contains("TAPEGATE.LABEL"));
  CHECK_THAT(listing, Catch::Contains("tapegate/tapegate"));
  auto content = run("tar -xOf " + f.path.string() + " TAPEGATE.LABEL");
  CHECK_THAT(content, Catch::Contains("barcode=TP0001L9\n"));
  CHECK_THAT(content, Catch::Contains("pool=weekly\n"));
  CHECK_THAT(content, Catch::Contains("sequence=3\n"));
}

TEST_CASE("volume label: what cannot round-trip is refused at encode") {
  auto bad = [](VolumeLabel l) {
    auto r = encode_volume_label(l);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
  };
  auto l = sample();
  l.barcode = "";
  bad(l);
  l = sample();
  l.barcode = "TP 01";
  bad(l);
  l = sample();
  l.pool = "";
  bad(l);
  l = sample();
  l.pool = "a\nsequence=9";
  bad(l);
  l = sample();
  l.sequence = 0;  // media set without sequence
  bad(l);
  l = sample();
  l.format = "OTHER-1";
  bad(l);
}

TEST_CASE("volume label: blank, foreign and garbage block 0") {
  CHECK(classify_medium(true, {}).content == MediumContent::blank);

  auto foreign = [](std::vector<std::uint8_t> b, const char* why) {
    auto r = decode_volume_label(b);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::foreign_medium);
    CHECK_THAT(r.error().message, Catch::Contains(why));
    auto cls = classify_medium(false, b);
    CHECK(cls.content == MediumContent::foreign);
    CHECK_FALSE(cls.reason.empty());
  };
  foreign({}, "less than one tar header");
  foreign(std::vector<std::uint8_t>(100, 'x'), "less than one tar header");
  foreign(std::vector<std::uint8_t>(65536, 0), "zero record");
  std::vector<std::uint8_t> noise(65536);
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
  foreign(noise, "checksum");
  foreign(gnu_tar_of_other_file("posix"), "notes.txt");
  foreign(gnu_tar_of_other_file("gnu"), "magic");

  auto good = encode(sample());
  auto find = [&](const std::vector<std::uint8_t>& b, const std::string& s) {
    auto it = std::search(b.begin(), b.end(), s.begin(), s.end());
    REQUIRE(it != b.end());
    return static_cast<std::size_t>(it - b.begin());
  };
  {
    auto b = good;
    b[find(b, "barcode=") + 7] = ':';  // content damaged (the header checksum does not cover it)
    foreign(b, "not key=value");
  }
  {
    auto b = good;
    b[find(b, "pool=")] = 'x';  // "xool=": the required pool line is gone
    foreign(b, "no pool= line");
  }
  {
    auto b = good;
    b[find(b, "sequence=3") + 9] = 'z';
    foreign(b, "not a number");
  }
  {
    auto b = good;
    b[0] = 'X';  // name changed without fixing the checksum
    foreign(b, "checksum");
  }
  {
    auto b = std::vector<std::uint8_t>(good.begin(), good.begin() + 600);  // truncated content
    foreign(b, "truncated");
  }
}

TEST_CASE("volume label: a newer Tapegate format is not overwritten as foreign garbage") {
  // Hand-made content claiming TAPEGATE-99, with a correct tar header.
  auto l = sample();
  l.format = "TAPEGATE-99";
  auto bytes = encode(l);  // the encoder accepts any TAPEGATE-<n>
  auto r = decode_volume_label(bytes);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::unsupported);
  CHECK_THAT(r.error().message, Catch::Contains("upgrade"));
  CHECK(classify_medium(false, bytes).content == MediumContent::foreign);
}

TEST_CASE("volume label: a block size beyond what any drive writes is refused, naming the field") {
  // 2^24-1 is the largest variable block SSC can transfer: it still decodes.
  auto l = sample();
  l.block_size = (1u << 24) - 1;
  auto bytes = encode(l);
  REQUIRE(decode_volume_label(bytes).ok());
  // The same label with the number raised in place (same length, so the
  // tar header stays valid): it would size every read buffer of the restore.
  const std::string from = "block_size=16777215", to = "block_size=99999999";
  auto it = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
  REQUIRE(it != bytes.end());
  std::copy(to.begin(), to.end(), it);
  auto r = decode_volume_label(bytes);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("block_size 99999999 exceeds the limit of 16777215"));
  CHECK_THAT(r.error().message, Catch::Contains("TP0001L9"));
  l.block_size = 1u << 24;
  CHECK_FALSE(encode_volume_label(l).ok());
}
