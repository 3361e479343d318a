// tgtd killed in the middle of a writing session: the write fails with a
// clear error naming the drive, nothing is replayed; while the target is
// down the next command says logging in again failed; once it is back the
// transport logs in again, and the first write is refused until the
// position is re-established (rewind), after which writing works.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "vtl_fixture.hpp"

using tg::Errc;
using namespace tg::drivers;
using tg::test::Vtl;

TEST_CASE("killing tgtd during writes, then reconnecting", "[integration][iscsi][reconnect]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1, .size_mb = 4});
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
  const std::vector<std::uint8_t> block(64 * 1024, 0x5A);

  // A writer keeps writing; tgtd is killed once it has written a few
  // blocks, so the kill lands while writes are in flight. Whichever write
  // meets it (the one on the wire, or the next, which finds the socket
  // closed and cannot log in again) fails; none is retried.
  std::mutex m;
  std::condition_variable cv;
  int written = 0;
  tg::Error failure;
  bool failed = false;
  std::thread writer([&] {
    for (int i = 0; i < 1000; ++i) {
      auto w = drive.write(block);
      std::lock_guard<std::mutex> lock(m);
      if (!w.ok()) {
        failure = std::move(w).error();
        failed = true;
        cv.notify_all();
        return;
      }
      ++written;
      cv.notify_all();
    }
  });
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return written >= 4 || failed; });
  }
  vtl.crash();
  writer.join();
  REQUIRE(failed);
  INFO(failure.message);
  CHECK(failure.code == Errc::connection_lost);
  CHECK_THAT(failure.message, Catch::Contains("drive0"));
  CHECK_THAT(failure.message, Catch::Contains("position is no longer known"));
  CHECK(written < 1000);
  CHECK_FALSE(dt->connected());

  // Target still down: one bounded login attempt, then a clear error.
  auto down = drive.test_unit_ready();
  REQUIRE_FALSE(down.ok());
  CHECK(down.error().code == Errc::connection_lost);
  CHECK_THAT(down.error().message, Catch::Contains("logging in again failed"));
  CHECK_THAT(down.error().message, Catch::Contains("connection refused"));

  vtl.restart();
  // tgt keeps changer state in memory only: after the restart the
  // cartridge is back in its slot. The changer's transport reconnects too.
  auto moved = changer.move(slot, element);
  INFO((moved.ok() ? std::string("moved") : moved.error().message));
  TG_REQUIRE_OK(moved);
  TG_REQUIRE_OK(drive.wait_ready(std::chrono::seconds(30)));
  CHECK(dt->connected());

  // The driver heard that the position was lost: no blind write.
  auto blind = drive.write(block);
  REQUIRE_FALSE(blind.ok());
  CHECK(blind.error().code == Errc::position_lost);
  CHECK_THAT(blind.error().message, Catch::Contains("drive0"));

  TG_REQUIRE_OK(drive.rewind());
  TG_REQUIRE_OK(drive.write(block));
  TG_REQUIRE_OK(drive.write_filemarks(1));
  TG_REQUIRE_OK(drive.rewind());
  std::vector<std::uint8_t> buf(128 * 1024);
  auto r = drive.read(buf);
  TG_REQUIRE_OK(r);
  CHECK(r->length == block.size());
}

TEST_CASE("a position lost by the transport is refused at the transport too", "[integration][iscsi][reconnect]") {
  // For drivers that do not poll take_position_lost(): the transport itself
  // refuses WRITE until a positioning command has succeeded.
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1});
  auto dt = tg::test::open_lun(vtl, 1);
  dt->disconnect();
  const std::array<std::uint8_t, 6> tur{0x00, 0, 0, 0, 0, 0};
  auto r = dt->execute({.cdb = tur});
  TG_REQUIRE_OK(r);  // reconnected; the drive answers (NOT READY: empty)
  const std::array<std::uint8_t, 6> write6{0x0A, 0x00, 0x00, 0x00, 0x10, 0x00};
  std::array<std::uint8_t, 16> data{};
  auto w = dt->execute({.cdb = write6, .direction = tg::hal::DataDirection::to_device, .data_out = data});
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::position_lost);
  CHECK(dt->take_position_lost());
  CHECK_FALSE(dt->take_position_lost());
}
