// The writeback pacer's decisions: whole windows started in order with no
// gap, and the wait trailing them by the windows allowed in flight.
#include <catch2/catch.hpp>

#include "firmware/restore/writeback_pacer.hpp"

using namespace tg::firmware::restore;

TEST_CASE("nothing is started before a whole window is written") {
  WritebackPacer p(1000, 2);
  WritebackStep s = p.after_write(999);
  CHECK(s.start.empty());
  CHECK(s.wait.empty());
  CHECK(p.started() == 0);
}

TEST_CASE("writeback starts where the last one ended and covers everything written") {
  WritebackPacer p(1000, 2);
  WritebackStep a = p.after_write(1300);   // a write that crosses the window
  CHECK(a.start.offset == 0);
  CHECK(a.start.length == 1300);
  CHECK(p.after_write(2000).start.empty());   // 700 bytes since: not a window yet
  WritebackStep b = p.after_write(2300);
  CHECK(b.start.offset == 1300);
  CHECK(b.start.length == 1000);
  CHECK(p.started() == 2300);
}

TEST_CASE("the wait trails the started bytes by the windows in flight, never skipping a byte") {
  WritebackPacer p(1000, 3);
  std::uint64_t waited_to = 0;
  std::uint64_t started_to = 0;
  // 256-byte writes, as a file arrives block by block.
  for (std::uint64_t written = 256; written <= 20'000; written += 256) {
    WritebackStep s = p.after_write(written);
    if (!s.start.empty()) {
      CHECK(s.start.offset == started_to);
      started_to = s.start.offset + s.start.length;
      CHECK(started_to == written);
    }
    if (!s.wait.empty()) {
      CHECK(s.wait.offset == waited_to);
      waited_to = s.wait.offset + s.wait.length;
    }
    // Never waits for what was not started; never more than 3 windows
    // (plus the part of a window not yet started) left unwritten.
    CHECK(waited_to <= started_to);
    CHECK(started_to - waited_to <= 3 * 1000);
    CHECK(written - waited_to < 4 * 1000 + 256);
  }
  CHECK(waited_to > 0);
  CHECK(p.waited() == waited_to);
}

TEST_CASE("the default windows: 8 MiB, 32 MiB in flight per file") {
  WritebackPacer p;
  CHECK(p.after_write(kWritebackWindowBytes - 1).start.empty());
  CHECK(p.after_write(kWritebackWindowBytes).start.length == kWritebackWindowBytes);
  for (std::uint64_t w = 2; w <= kWritebackWindowsInFlight; ++w) CHECK(p.after_write(w * kWritebackWindowBytes).wait.empty());
  WritebackStep s = p.after_write((kWritebackWindowsInFlight + 1) * kWritebackWindowBytes);
  CHECK(s.wait.offset == 0);
  CHECK(s.wait.length == kWritebackWindowBytes);
}
