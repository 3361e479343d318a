// The tape driver against tgt's SSC target over iSCSI: variable blocks,
// filemarks, reading them back, and the end of a small cartridge, where tgt
// reports EOM with ASC/ASCQ 00/00 on the block that still got written
// (field notes). Raw sense from the iSCSI data segment keeps FILEMARK/EOM.
#include <catch2/catch.hpp>

#include <vector>

#include "drivers/tape_drive.hpp"
#include "vtl_fixture.hpp"

using tg::Errc;
using namespace tg::drivers;
using tg::test::Vtl;

namespace {

std::vector<std::uint8_t> pattern(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint8_t> v(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  return v;
}

}  // namespace

TEST_CASE("write blocks and filemarks, read them back", "[integration][tape]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1, .size_mb = 8});
  tg::test::load_first_cartridge(vtl);
  auto t = tg::test::open_lun(vtl, 1);
  TapeDrive drive(*t, "drive0");
  TG_REQUIRE_OK(drive.wait_ready(std::chrono::seconds(30)));
  TG_REQUIRE_OK(drive.rewind());
  TG_REQUIRE_OK(drive.set_block_size(0));
  auto limits = drive.block_limits();
  TG_REQUIRE_OK(limits);
  CHECK(limits->max_block >= 256 * 1024);

  // File 1: three blocks of different sizes; file 2: one block.
  const std::vector<std::size_t> sizes = {65536, 1000, 262144};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    auto w = drive.write(pattern(sizes[i], static_cast<std::uint32_t>(i)));
    TG_REQUIRE_OK(w);
    CHECK_FALSE(w->early_warning);
  }
  TG_REQUIRE_OK(drive.write_filemarks(1));
  TG_REQUIRE_OK(drive.write(pattern(4096, 99)));
  TG_REQUIRE_OK(drive.write_filemarks(1));

  TG_REQUIRE_OK(drive.rewind());
  std::vector<std::uint8_t> buf(512 * 1024);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    INFO("block " << i);
    auto r = drive.read(buf);
    TG_REQUIRE_OK(r);
    CHECK(r->kind == ReadKind::data);
    // A shorter block than the buffer: ILI with the residual, decoded from
    // the raw sense bytes (libiscsi's own parse drops it).
    REQUIRE(r->length == sizes[i]);
    CHECK_FALSE(r->truncated);
    CHECK(std::equal(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(sizes[i]),
                     pattern(sizes[i], static_cast<std::uint32_t>(i)).begin()));
  }
  auto fm = drive.read(buf);
  TG_REQUIRE_OK(fm);
  CHECK(fm->kind == ReadKind::filemark);
  auto second = drive.read(buf);
  TG_REQUIRE_OK(second);
  CHECK(second->kind == ReadKind::data);
  CHECK(second->length == 4096);

  // A block longer than the buffer is reported as truncated, not silently cut.
  TG_REQUIRE_OK(drive.rewind());
  std::vector<std::uint8_t> small(512);
  auto cut = drive.read(small);
  if (cut.ok()) {
    CHECK(cut->truncated);
  } else {
    CHECK(cut.error().code != Errc::internal);
  }
}

TEST_CASE("the end of a small cartridge: EOM on a block that was written", "[integration][tape]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1, .size_mb = 2});
  tg::test::load_first_cartridge(vtl);
  auto t = tg::test::open_lun(vtl, 1);
  TapeDrive drive(*t, "drive0");
  TG_REQUIRE_OK(drive.wait_ready(std::chrono::seconds(30)));
  TG_REQUIRE_OK(drive.rewind());
  TG_REQUIRE_OK(drive.set_block_size(0));

  const std::size_t block = 64 * 1024;
  int written = 0;
  bool warned = false;
  // 2 MB of 64 KiB blocks is 32; stop well after that if EOM never comes.
  for (int i = 0; i < 64 && !warned; ++i) {
    auto w = drive.write(pattern(block, static_cast<std::uint32_t>(i)));
    if (!w.ok()) {
      FAIL("write " << i << " failed: " << w.error().message);
    }
    ++written;
    warned = w->early_warning;
  }
  REQUIRE(warned);
  CHECK(written > 8);
  CHECK(written <= 40);

  // The block that reported EOM is on tape: every block reads back.
  TG_REQUIRE_OK(drive.rewind());
  std::vector<std::uint8_t> buf(block);
  for (int i = 0; i < written; ++i) {
    INFO("block " << i << " of " << written);
    auto r = drive.read(buf);
    TG_REQUIRE_OK(r);
    REQUIRE(r->kind == ReadKind::data);
    REQUIRE(r->length == block);
    CHECK(buf == pattern(block, static_cast<std::uint32_t>(i)));
  }
  auto end = drive.read(buf);
  TG_REQUIRE_OK(end);
  CHECK(end->kind != ReadKind::data);
}
