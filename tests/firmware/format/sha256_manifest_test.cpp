// The TAPEGATE-2 checksum manifest: lines exactly as GNU coreutils'
// sha256sum writes and reads them, placeholders of the same length, and a
// parser that names the line it cannot read.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "firmware/format/sha256.hpp"
#include "firmware/format/sha256_manifest.hpp"

using namespace tg::firmware::format;

namespace {

std::string line_for(std::string_view hex, std::string_view path) {
  std::string out(manifest_line_length(path), '?');
  write_manifest_line(hex, path, {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
  return out;
}

std::string placeholder_for(std::string_view path) {
  std::string out(manifest_line_length(path), '?');
  write_manifest_placeholder(path, {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
  return out;
}

const std::string kHex = sha256_hex(std::string_view("a"));

}  // namespace

TEST_CASE("a plain path gives sha256sum's line") {
  CHECK(line_for(kHex, "vm-100/disk.img") == kHex + "  vm-100/disk.img\n");
  CHECK(manifest_line_length("vm-100/disk.img") == 64 + 2 + 15 + 1);
}

TEST_CASE("backslash, newline and carriage return are escaped as coreutils 9 does") {
  CHECK(line_for(kHex, "a\\b") == "\\" + kHex + "  a\\\\b\n");
  CHECK(line_for(kHex, "x\ny") == "\\" + kHex + "  x\\ny\n");
  CHECK(line_for(kHex, "r\rs") == "\\" + kHex + "  r\\rs\n");
  for (std::string p : {"a\\b", "x\ny", "r\rs", "plain"}) CHECK(line_for(kHex, p).size() == manifest_line_length(p));
}

TEST_CASE("a placeholder keeps the line's length and is a comment") {
  for (std::string p : {std::string("a"), std::string("x\ny"), std::string(300, 'q')}) {
    auto ph = placeholder_for(p);
    CHECK(ph.size() == manifest_line_length(p));
    CHECK(ph.front() == '#');
    CHECK(ph.back() == '\n');
    CHECK(ph.find('\n') == ph.size() - 1);
  }
}

TEST_CASE("parse gives back what was written, skipping comments") {
  std::string text = line_for(kHex, "a/b") + placeholder_for("gone") + line_for(kHex, "x\ny\\z") + "\n";
  auto e = parse_manifest(text);
  REQUIRE(e.ok());
  REQUIRE(e->size() == 2);
  CHECK((*e)[0].path == "a/b");
  CHECK((*e)[1].path == "x\ny\\z");
  CHECK((*e)[1].sha256 == kHex);
}

TEST_CASE("parse names the line it cannot read") {
  for (std::string bad : {std::string("nothex  a\n"), kHex.substr(0, 63) + "   a\n", "\\" + kHex + "  a\\q\n",
                          "\\" + kHex + "  a\\\n", std::string(64, 'A') + "  a\n"}) {
    auto e = parse_manifest(line_for(kHex, "ok") + bad);
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.error().message, Catch::Contains("line 2"));
  }
}

TEST_CASE("GNU sha256sum -c accepts a manifest with escapes and placeholders") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("tg-manifest-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string text;
  for (std::string name : {"plain.bin", "with\nnewline", "back\\slash"}) {
    std::ofstream(dir / name) << name;
    text += line_for(sha256_hex(std::string_view(name)), name);
    text += placeholder_for(name);
  }
  std::ofstream(dir / "m.sha256") << text;
  std::string cmd = "cd '" + dir.string() + "' && sha256sum -c --strict m.sha256 >/dev/null 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
  // A changed file fails the check.
  std::ofstream(dir / "plain.bin") << "changed";
  CHECK(std::system(cmd.c_str()) != 0);
  fs::remove_all(dir);
}
