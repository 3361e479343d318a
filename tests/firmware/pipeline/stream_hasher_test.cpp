// The hasher stage alone: members placed by hand in a stream that crosses
// slot boundaries, slots handed over as the framer would. Each member's
// SHA-256 is that of its bytes, and a manifest's data comes out as the
// sha256sum lines of the members before it (a placeholder for a bad copy).
#include <catch2/catch.hpp>

#include <cstring>

#include "firmware/format/sha256.hpp"
#include "firmware/format/sha256_manifest.hpp"
#include "firmware/pipeline/stream_hasher.hpp"

using namespace tg::firmware;
using namespace tg::firmware::pipeline;

namespace {

constexpr std::size_t kSlot = 4096;

// Places member i at `at` with `pre` header bytes (filled with 'H') and its
// data (pattern) padded to 512; returns the end offset.
std::uint64_t place(MemberTable& t, std::size_t i, std::uint64_t at, std::size_t pre, std::vector<std::uint8_t>& stream,
                    std::uint8_t pattern) {
  Member& m = t.at(i);
  m.preamble_offset = at;
  m.data_offset = at + pre;
  m.end_offset = m.data_offset + format::padded_to_record(m.size);
  stream.resize(m.end_offset, 0);
  std::memset(stream.data() + at, 'H', pre);
  for (std::uint64_t k = 0; k < m.size; ++k) stream[m.data_offset + k] = static_cast<std::uint8_t>(pattern + k % 7);
  return m.end_offset;
}

}  // namespace

TEST_CASE("the hasher hashes each member across slots and writes the manifest after them") {
  MemberTable t(8, "repo", "job");
  REQUIRE(t.append(MemberInput{.path = "a", .size = 5000}).ok());
  REQUIRE(t.append(MemberInput{.path = "b/c", .size = 0}).ok());
  REQUIRE(t.append(MemberInput{.path = "bad", .size = 700}).ok());
  auto mf = t.append_pending_manifest();
  REQUIRE(mf.ok());
  REQUIRE(mf->has_value());
  const std::size_t m = **mf;
  std::vector<std::uint8_t> stream;
  std::uint64_t at = 0;
  at = place(t, 0, at, 1024, stream, 1);
  at = place(t, 1, at, 1024, stream, 2);
  at = place(t, 2, at, 1536, stream, 3);
  t.at(0).outcome = MemberOutcome::ok;
  t.at(1).outcome = MemberOutcome::ok;
  t.at(2).outcome = MemberOutcome::changed;
  t.at(m).size = format::manifest_line_length("a") + format::manifest_line_length("b/c") +
                 format::manifest_line_length("bad");
  at = place(t, m, at, 1024, stream, 0);
  std::memset(stream.data() + t.at(m).data_offset, 0, t.at(m).size);  // the framer's zeros
  t.set_framed(t.count());

  auto ring = BlockRing::create(kSlot, 4 * kSlot, true);
  REQUIRE(ring.ok());
  StreamHasher hasher(t, **ring);
  hasher.start();
  std::vector<std::uint8_t> out;
  for (std::uint64_t s = 0; s < stream.size(); s += kSlot) {
    long i = (*ring)->acquire_free();
    REQUIRE(i >= 0);
    std::size_t len = std::min<std::size_t>(kSlot, stream.size() - s);
    std::memcpy((*ring)->slot(i).data(), stream.data() + s, len);
    (*ring)->info(i) = SlotInfo{.length = len, .stream_offset = s};
    (*ring)->publish(i);
    long f = (*ring)->acquire_full(false);
    REQUIRE(f == i);
    out.insert(out.end(), (*ring)->slot(f).data(), (*ring)->slot(f).data() + len);
    (*ring)->release(f);
  }
  (*ring)->close();
  hasher.join();
  REQUIRE(hasher.error() == nullptr);
  auto bytes_of = [&](std::size_t i) {
    return std::span<const std::uint8_t>(stream.data() + t.at(i).data_offset, t.at(i).size);
  };
  CHECK(t.at(0).sha256_view() == format::sha256_hex(bytes_of(0)));
  CHECK(t.at(1).sha256_view() == format::sha256_hex(std::string_view()));
  std::string manifest(reinterpret_cast<const char*>(out.data() + t.at(m).data_offset), t.at(m).size);
  auto entries = format::parse_manifest(manifest);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 2);  // the changed copy is a comment
  CHECK((*entries)[0].path == "a");
  CHECK((*entries)[0].sha256 == format::sha256_hex(bytes_of(0)));
  CHECK((*entries)[1].path == "b/c");
  CHECK_THAT(manifest, Catch::Contains("# not verified"));
  // Everything else passed through untouched.
  for (std::uint64_t k = 0; k < t.at(m).data_offset; ++k) REQUIRE(out[k] == stream[k]);
  CHECK(hasher.stats().files_hashed == 3);
  CHECK(hasher.stats().manifests == 1);
}
