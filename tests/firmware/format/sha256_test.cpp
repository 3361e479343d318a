// SHA-256 as the tape format records it, against the FIPS 180-2 vectors:
// the hash in every member's record, the catalog and the manifests must be
// the one `sha256sum` prints, whichever way the bytes were fed in.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/format/sha256.hpp"

using namespace tg::firmware::format;

namespace {

// FIPS 180-2, appendix B: one block, two blocks, a million 'a'.
constexpr std::string_view kAbc = "abc";
constexpr std::string_view kAbcHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view kTwoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr std::string_view kTwoBlocksHash = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
constexpr std::string_view kMillionAHash = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
// SHA-256 of no bytes (what an empty backup file records).
constexpr std::string_view kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

TEST_CASE("sha256: the FIPS 180-2 vectors and the empty input, one-shot") {
  CHECK(sha256_hex(kAbc) == kAbcHash);
  CHECK(sha256_hex(kTwoBlocks) == kTwoBlocksHash);
  CHECK(sha256_hex(std::string_view()) == kEmptyHash);
  CHECK(sha256_hex(std::span<const std::uint8_t>()) == kEmptyHash);
  // The text and byte overloads hash the same bytes.
  CHECK(sha256_hex(bytes_of(kTwoBlocks)) == kTwoBlocksHash);
}

TEST_CASE("sha256: a million 'a' fed in uneven pieces") {
  const std::vector<std::uint8_t> chunk(997, 'a');  // prime: no piece lines up with the 64-byte block
  Sha256 h;
  std::size_t left = 1'000'000;
  while (left > 0) {
    std::size_t n = std::min(left, chunk.size());
    h.update(std::span<const std::uint8_t>(chunk.data(), n));
    left -= n;
  }
  CHECK(h.finish_hex() == kMillionAHash);
  CHECK(sha256_hex(std::vector<std::uint8_t>(1'000'000, 'a')) == kMillionAHash);
}

TEST_CASE("sha256: an input split at every offset, and in three pieces, hashes the same") {
  Sha256 h;
  for (std::size_t cut = 0; cut <= kTwoBlocks.size(); ++cut) {
    INFO("cut at " << cut);
    h.update(bytes_of(kTwoBlocks.substr(0, cut)));
    h.update(bytes_of(kTwoBlocks.substr(cut)));
    CHECK(h.finish_hex() == kTwoBlocksHash);
  }
  for (std::size_t a = 0; a <= kTwoBlocks.size(); a += 7)
    for (std::size_t b = a; b <= kTwoBlocks.size(); b += 5) {
      INFO("cuts at " << a << " and " << b);
      h.update(bytes_of(kTwoBlocks.substr(0, a)));
      h.update(bytes_of(kTwoBlocks.substr(a, b - a)));
      h.update(bytes_of(kTwoBlocks.substr(b)));
      CHECK(h.finish_hex() == kTwoBlocksHash);
    }
}

TEST_CASE("sha256: finishing resets for the next file, reset() drops what was fed, the buffer form matches") {
  Sha256 h;
  h.update(bytes_of(kAbc));
  CHECK(h.finish_hex() == kAbcHash);
  // The object is ready for the next file without a call to reset().
  CHECK(h.finish_hex() == kEmptyHash);
  h.update(bytes_of(kTwoBlocks));
  h.reset();
  h.update(bytes_of(kAbc));
  CHECK(h.finish_hex() == kAbcHash);

  // The pipeline's form: 64 characters into the caller's buffer, nothing
  // written beyond them.
  std::array<char, 66> buf;
  buf.fill('#');
  h.update(bytes_of(kTwoBlocks));
  h.finish_hex(std::span<char, 64>(buf.data(), 64));
  CHECK(std::string_view(buf.data(), 64) == kTwoBlocksHash);
  CHECK(buf[64] == '#');
  CHECK(buf[65] == '#');
  // Lowercase hex only: the pax record, the catalog and sha256sum agree.
  for (char c : std::string_view(buf.data(), 64)) CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
}
