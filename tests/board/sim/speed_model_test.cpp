// The drive's speed model on virtual time: a fast host never starves the
// tape; a slow one causes backhitches, counted and visible in LOG SENSE.
#include <algorithm>

#include "board/sim/speed_model.hpp"
#include "sim_fixture.hpp"

using namespace tg;
using namespace tg::test;
using namespace std::chrono_literals;
using tg::sim::SpeedModel;
using tg::sim::SpeedModelConfig;

namespace {

SpeedModelConfig lto9(std::uint64_t buffer_mb = 4) {
  SpeedModelConfig c;
  c.steps_mbps = {408, 385, 366, 347, 325, 305, 284, 263, 244, 223, 203, 177};
  c.buffer_bytes = buffer_mb << 20;
  c.backhitch_penalty = 3s;
  return c;
}

constexpr std::uint64_t kBlock = 256 << 10;

}  // namespace

TEST_CASE("a host faster than the tape waits for it and never causes a backhitch", "[sim][speed]") {
  hal::ManualClock clock;
  SpeedModel m(lto9(), clock);
  for (int i = 0; i < 4000; ++i) m.transfer(kBlock);  // ~1 GiB, host costs no time
  m.drain();
  CHECK(m.backhitches() == 0);
  CHECK(m.current_mbps() == 408);
  // 4000 * 256 KiB at 408 MB/s = 2.57 s of tape time.
  const double seconds = std::chrono::duration<double>(clock.now()).count();
  CHECK(seconds == Approx(4000.0 * kBlock / 408e6).epsilon(0.01));
}

TEST_CASE("a host slower than the floor starves the drive: backhitches", "[sim][speed]") {
  hal::ManualClock clock;
  SpeedModel m(lto9(1), clock);
  // 100 MB/s: each 256 KiB block arrives 2.6 ms after the last.
  const auto gap = std::chrono::nanoseconds(kBlock * 1000 / 100);
  for (int i = 0; i < 200; ++i) {
    m.transfer(kBlock);
    clock.advance(gap);
  }
  CHECK(m.backhitches() > 10);
  CHECK(m.stalls() == m.backhitches());  // every one of them an underrun
  CHECK(m.current_mbps() == 177);
}

TEST_CASE("a host between the floor and native rate is matched without backhitches", "[sim][speed]") {
  hal::ManualClock clock;
  SpeedModel m(lto9(1), clock);
  const auto gap = std::chrono::nanoseconds(kBlock * 1000 / 250);  // 250 MB/s
  for (int i = 0; i < 500; ++i) {
    m.transfer(kBlock);
    clock.advance(gap);
  }
  CHECK(m.backhitches() == 0);
  // It settles on the steps around the host's rate.
  CHECK((m.current_mbps() == 244 || m.current_mbps() == 263));
}

TEST_CASE("a flush stops the tape: the next write costs one backhitch, counted", "[sim][speed]") {
  hal::ManualClock clock;
  SpeedModel m(lto9(), clock);
  m.transfer(kBlock);
  m.stop(false);
  clock.advance(10s);
  const auto before = clock.now();
  m.transfer(kBlock);
  CHECK(m.backhitches() == 0);  // held until there is enough to stream (half the 4 MiB buffer)
  for (int i = 0; i < 7; ++i) m.transfer(kBlock);
  CHECK(m.backhitches() == 1);
  CHECK(m.stalls() == 0);  // the host did not starve the drive: the flush stopped it
  // Streaming on from there: no further backhitch.
  for (int i = 0; i < 93; ++i) m.transfer(kBlock);
  CHECK(m.backhitches() == 1);
  // The penalty is on the tape's time line: draining now waits for it.
  m.drain();
  const double tape_s = std::chrono::duration<double>(clock.now() - before).count();
  CHECK(tape_s == Approx(3.0 + 101.0 * kBlock / 408e6).epsilon(0.01));
}

TEST_CASE("streaming without a flush costs no backhitch, nor does positioning", "[sim][speed]") {
  hal::ManualClock clock;
  SpeedModel m(lto9(), clock);
  for (int i = 0; i < 1000; ++i) m.transfer(kBlock);
  CHECK(m.backhitches() == 0);
  m.drain();  // LOCATE/REWIND: the tape goes elsewhere, its own time covers the start
  clock.advance(5s);
  m.transfer(kBlock);
  CHECK(m.backhitches() == 0);
  CHECK(m.stalls() == 0);
}

TEST_CASE("one backhitch per stop, however many flushes in a row", "[sim][speed]") {
  hal::ManualClock clock;
  SpeedModel m(lto9(), clock);
  m.transfer(kBlock);
  m.stop(false);
  m.stop(false);  // a second flush with nothing buffered: the tape is already halted
  m.transfer(kBlock);
  m.stop(true);   // filemarks: the tape moved, then stopped again
  m.transfer(kBlock);
  m.drain();      // what is held goes to tape: a restart
  CHECK(m.backhitches() == 2);
  // A flush on a tape that never moved since it was positioned stops nothing.
  m.drain();
  m.stop(false);
  m.transfer(kBlock);
  CHECK(m.backhitches() == 2);
}

TEST_CASE("the simulated drive reports backhitches in DriveStats and LOG SENSE page 0x30", "[sim][speed]") {
  SimFixture f;
  f.config.speed_mbps = 400;
  f.config.drive_buffer_mb = 1;
  f.open();
  f.load();
  const auto block = pattern(64 << 10, 1);
  for (int i = 0; i < 40; ++i) {
    REQUIRE(run(f.drive(), cdb_write6(static_cast<std::uint32_t>(block.size())), 0, block).good());
    f.clock.advance(10ms);  // 6.5 MB/s: far below the floor
  }
  const auto stats = f.lib->drive_stats(0);
  CHECK(stats.backhitches > 5);
  CHECK(stats.bytes_written == 40 * block.size());
  Reply r = run(f.drive(), {0x4D, 0, 0x70, 0, 0, 0, 0, 0, 64, 0}, 64);
  REQUIRE(r.good());
  CHECK(get_be16(r.data, 4) == 0x0000);
  CHECK(get_be64(r.data, 8) == stats.backhitches);
  CHECK(get_be16(r.data, 28) == 0x0002);
  CHECK(get_be64(r.data, 32) == stats.stalls);
  CHECK(stats.stalls == stats.backhitches);
  CHECK(f.lib->drive_stats(1).backhitches == 0);
}

TEST_CASE("WRITE FILEMARKS IMMED=0 stops the simulated tape, IMMED=1 does not", "[sim][speed]") {
  SimFixture f;
  f.config.speed_mbps = 400;
  f.open();
  f.load();
  const auto block = pattern(64 << 10, 1);
  auto write = [&] { REQUIRE(run(f.drive(), cdb_write6(static_cast<std::uint32_t>(block.size())), 0, block).good()); };
  write();
  REQUIRE(run(f.drive(), {0x10, 0x01, 0, 0, 1, 0}).good());  // one filemark, IMMED=1: buffered
  write();
  CHECK(f.lib->drive_stats(0).backhitches == 0);
  REQUIRE(run(f.drive(), {0x10, 0x00, 0, 0, 0, 0}).good());  // count 0, IMMED=0: a flush
  CHECK(f.lib->drive_stats(0).backhitches == 0);             // the stop itself costs nothing yet
  write();  // held: a stopped drive waits for enough data to stream
  REQUIRE(run(f.drive(), {0x10, 0x00, 0, 0, 0, 0}).good());  // flushed: the tape restarts to write it
  CHECK(f.lib->drive_stats(0).backhitches == 1);
  CHECK(f.lib->drive_stats(0).stalls == 0);
}

TEST_CASE("page 0x30 is answered only by the TAPEGATE personality", "[sim][speed]") {
  SimFixture f;
  f.config.speed_mbps = 400;
  f.config.drive_personality = {"IBM", "ULT3580-TD9", "Q3F1"};
  f.open();
  Reply r = run(f.drive(), {0x4D, 0, 0x70, 0, 0, 0, 0, 0, 64, 0}, 64);
  CHECK(r.check());
  CHECK(r.key() == 0x05);
  Reply supported = run(f.drive(), {0x4D, 0, 0x40, 0, 0, 0, 0, 0, 64, 0}, 64);
  REQUIRE(supported.good());
  CHECK(std::find(supported.data.begin() + 4, supported.data.end(), 0x30) == supported.data.end());
}

TEST_CASE("a stopped tape holds a small write and the pause after it: no start, no underrun", "[sim][speed]") {
  hal::ManualClock clock;
  SpeedModel m(lto9(), clock);
  m.transfer(512);   // a label block
  clock.advance(50ms);  // the job gets ready: far slower than the lowest step
  for (int i = 0; i < 100; ++i) m.transfer(kBlock);
  CHECK(m.stalls() == 0);
  CHECK(m.backhitches() == 0);
}

TEST_CASE("speed 0 switches the model off: no waiting at all", "[sim][speed]") {
  SimFixture f;
  f.open();
  f.load();
  for (int i = 0; i < 8; ++i) REQUIRE(run(f.drive(), cdb_write6(65536), 0, pattern(65536, 1)).good());
  CHECK(f.clock.now().count() == 0);
  CHECK(f.lib->drive_stats(0).current_speed_mbps == 0);
}
