// tgtd killed while a drive is being read: the read that meets the kill
// fails with a clear error naming the drive (no hang, no data from nowhere:
// every block delivered before it is the block written there); while the
// target is down the next command says logging in again failed; once tgtd
// is back, a new session positions with LOCATE (or a rewind) and reads the
// right blocks.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "vtl_fixture.hpp"

using tg::Errc;
using namespace tg::drivers;
using tg::test::Vtl;

namespace {

constexpr std::size_t kBlock = 64 * 1024;
constexpr std::uint32_t kBlocks = 24;

// Block i: its number in the first 4 bytes, then a pattern of its own.
std::vector<std::uint8_t> block_content(std::uint32_t i) {
  std::vector<std::uint8_t> b(kBlock);
  for (std::size_t k = 0; k < b.size(); ++k) b[k] = static_cast<std::uint8_t>((k * 31 + i * 7 + (k >> 9)) & 0xFF);
  std::memcpy(b.data(), &i, sizeof i);
  return b;
}

}  // namespace

TEST_CASE("killing tgtd during reads, then reading again after LOCATE", "[integration][iscsi][reconnect]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1, .size_mb = 8});
  const auto slot = static_cast<std::uint16_t>(vtl.env_int("VTL_SLOT_ADDR"));
  const auto element = static_cast<std::uint16_t>(vtl.env_int("VTL_DRIVE_ADDR"));
  auto ct = tg::test::open_lun(vtl, vtl.changer_lun());
  MediaChanger changer(*ct, "lib0");
  TG_REQUIRE_OK(changer.move(slot, element));
  auto dt = tg::test::open_lun(vtl, 1);
  TapeDrive drive(*dt, "drive0");
  TG_REQUIRE_OK(drive.wait_ready(std::chrono::seconds(30)));
  TG_REQUIRE_OK(drive.rewind());
  TG_REQUIRE_OK(drive.set_block_size(0));
  for (std::uint32_t i = 0; i < kBlocks; ++i) TG_REQUIRE_OK(drive.write(block_content(i)));
  TG_REQUIRE_OK(drive.write_filemarks(1));
  TG_REQUIRE_OK(drive.rewind());

  // A reader reads the tape file over and over (rewinding at its filemark),
  // so it is certainly reading when tgtd is killed after a few blocks; it
  // stops at the first error. Every block it got is checked.
  std::mutex m;
  std::condition_variable cv;
  int blocks_read = 0, wrong = 0;
  tg::Error failure;
  bool failed = false;
  std::thread reader([&] {
    std::vector<std::uint8_t> buf(2 * kBlock);
    std::uint32_t expect = 0;
    while (true) {
      auto r = drive.read(buf);
      std::lock_guard<std::mutex> lock(m);
      if (!r.ok()) {
        failure = std::move(r).error();
        failed = true;
        cv.notify_all();
        return;
      }
      if (r->kind == ReadKind::data) {
        if (expect >= kBlocks || r->length != kBlock ||
            std::memcmp(buf.data(), block_content(expect).data(), kBlock) != 0)
          ++wrong;
        ++expect;
        ++blocks_read;
        cv.notify_all();
        continue;
      }
      if (expect != kBlocks) ++wrong;  // a filemark or end of data before the last block
      expect = 0;
      auto rw = drive.rewind();
      if (!rw.ok()) {
        failure = std::move(rw).error();
        failed = true;
        cv.notify_all();
        return;
      }
    }
  });
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return blocks_read >= 4 || failed; });
  }
  vtl.crash();
  reader.join();
  REQUIRE(failed);
  INFO(failure.message);
  CHECK(blocks_read >= 4);
  CHECK(wrong == 0);
  CHECK(failure.code == Errc::connection_lost);
  CHECK_THAT(failure.message, Catch::Contains("drive0"));
  CHECK_THAT(failure.message, Catch::Contains("position is no longer known"));
  CHECK(drive.position_lost());
  CHECK_FALSE(dt->connected());

  // Target still down: a bounded login attempt and a clear error, no hang.
  std::vector<std::uint8_t> buf(2 * kBlock);
  auto down = drive.read(buf);
  REQUIRE_FALSE(down.ok());
  CHECK(down.error().code == Errc::connection_lost);
  CHECK_THAT(down.error().message, Catch::Contains("drive0"));
  CHECK_THAT(down.error().message, Catch::Contains("logging in again failed"));

  vtl.restart();
  // tgt keeps the changer's state in memory: the cartridge is back in its
  // slot; its data is in tgt's backing file.
  TG_REQUIRE_OK(changer.move(slot, element));
  TG_REQUIRE_OK(drive.wait_ready(std::chrono::seconds(30)));
  CHECK(dt->connected());

  // A new read session positions first (LOCATE; the driver does it with
  // REWIND and SPACE on tgt, which has no LOCATE), then reads the right
  // blocks.
  TG_REQUIRE_OK(drive.locate(kBlocks / 2));
  CHECK_FALSE(drive.position_lost());
  for (std::uint32_t i = kBlocks / 2; i < kBlocks; ++i) {
    auto r = drive.read(buf);
    TG_REQUIRE_OK(r);
    INFO("block " << i);
    REQUIRE(r->kind == ReadKind::data);
    REQUIRE(r->length == kBlock);
    CHECK(std::memcmp(buf.data(), block_content(i).data(), kBlock) == 0);
  }
  auto fm = drive.read(buf);
  TG_REQUIRE_OK(fm);
  CHECK(fm->kind == ReadKind::filemark);
  auto pos = drive.position();
  TG_REQUIRE_OK(pos);
  CHECK(*pos == kBlocks + 1);

  TG_REQUIRE_OK(drive.rewind());
  auto first = drive.read(buf);
  TG_REQUIRE_OK(first);
  REQUIRE(first->length == kBlock);
  CHECK(std::memcmp(buf.data(), block_content(0).data(), kBlock) == 0);
}
