// LOCATE on drives that have none: the driver remembers it and positions
// with REWIND and SPACE blocks, under both ways of counting a SPACE (SSC:
// stops after a filemark with a residual; tgt: filemarks count as blocks,
// end of data without a residual). Against the simulated library with its
// quirks, and against canned replies for what the simulator never says.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "drivers/require_ok.hpp"
#include "drivers/scripted_target.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "drivers/sim_library_fixture.hpp"
#include "hal/in_process_transport.hpp"

using namespace tg;
using namespace tg::test;
using drivers::ReadKind;
using drivers::TapeDrive;
using B = std::vector<std::uint8_t>;
namespace op = tg::scsi::op;

namespace {


B block(std::uint8_t seed) { return B(512 + seed, static_cast<std::uint8_t>(seed * 37 + 1)); }

// Power-on unit attentions are the library suite's subject, not this one's.
void ssc_with_locate(sim::SimConfig& c) { c.power_on_unit_attention = false; }
void ssc_without_locate(sim::SimConfig& c) {
  c.power_on_unit_attention = false;
  c.drive_quirks.no_locate = true;
}
void like_tgt(sim::SimConfig& c) {
  c.power_on_unit_attention = false;
  c.drive_quirks.no_locate = true;
  c.drive_quirks.no_position = true;
  c.drive_quirks.space_counts_filemarks = true;
}

// Loads TG0001L9 and writes
//   0 B0, 1 B1, 2 B2, 3 FM | 4 B4, 5 B5, 6 FM | 7 B7, 8 FM | end of data at 9
// (block n holds block(n)).
TapeDrive& record(SimLibraryFixture& fx) {
  auto& drive = fx.drive(0);
  TG_REQUIRE_OK(fx.changer().move(1000, fx.drive_element(0)));
  TG_REQUIRE_OK(drive.wait_ready(std::chrono::minutes(1), fx.clock()));
  TG_REQUIRE_OK(drive.rewind());
  TG_REQUIRE_OK(drive.set_block_size(0));
  for (std::uint8_t n : {0, 1, 2}) TG_REQUIRE_OK(drive.write(block(n)));
  TG_REQUIRE_OK(drive.write_filemarks(1));
  for (std::uint8_t n : {4, 5}) TG_REQUIRE_OK(drive.write(block(n)));
  TG_REQUIRE_OK(drive.write_filemarks(1));
  TG_REQUIRE_OK(drive.write(block(7)));
  TG_REQUIRE_OK(drive.write_filemarks(1));
  REQUIRE(drive.tracked_position() == 9u);
  return drive;
}

// Locates to `object`, checks the driver's count, reads one block: `seed`'s.
void locate_and_read(TapeDrive& drive, std::uint64_t object, std::uint8_t seed) {
  INFO("locate " << object);
  TG_REQUIRE_OK(drive.locate(object));
  CHECK(drive.tracked_position() == object);
  B buf(4096);
  auto r = drive.read(buf);
  TG_REQUIRE_OK(r);
  REQUIRE(r->kind == ReadKind::data);
  CHECK(B(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r->length)) == block(seed));
  CHECK(drive.tracked_position() == object + 1);
  // Where READ POSITION works it agrees with the count; where it does not
  // (tgt) position() is the count.
  auto p = drive.position();
  TG_REQUIRE_OK(p);
  CHECK(*p == object + 1);
}

void check_locate_by_spacing(SimLibraryFixture& fx) {
  auto& drive = record(fx);
  std::vector<std::string> notices;
  drive.set_notice_sink([&](const std::string& s) { notices.push_back(s); });
  CHECK(drive.has_locate());

  locate_and_read(drive, 5, 5);  // backward: rewind, then across the filemark at 3
  CHECK_FALSE(drive.has_locate());
  REQUIRE(notices.size() == 1);
  CHECK_THAT(notices[0], Catch::Contains("drive drive0 has no LOCATE") && Catch::Contains("SPACE"));
  locate_and_read(drive, 1, 1);  // backward into the first tape file
  locate_and_read(drive, 7, 7);  // forward from 2 across both filemarks
  locate_and_read(drive, 4, 4);  // the first block after a filemark
  locate_and_read(drive, 2, 2);
  locate_and_read(drive, 4, 4);  // forward exactly over one filemark

  // The filemark itself.
  TG_REQUIRE_OK(drive.locate(6));
  B buf(4096);
  auto fm = drive.read(buf);
  TG_REQUIRE_OK(fm);
  CHECK(fm->kind == ReadKind::filemark);
  CHECK(drive.tracked_position() == 7u);

  // End of data is a place to locate to: where the next write goes. From
  // one object before it too, where tgt's answer alone is ambiguous.
  for (std::uint64_t from : {0, 8}) {
    INFO("from " << from);
    TG_REQUIRE_OK(drive.locate(from));
    TG_REQUIRE_OK(drive.locate(9));
    CHECK(drive.tracked_position() == 9u);
    auto eod = drive.read(buf);
    TG_REQUIRE_OK(eod);
    CHECK(eod->kind == ReadKind::end_of_data);
    CHECK(drive.tracked_position() == 9u);
  }
  TG_REQUIRE_OK(drive.write(block(9)));  // appended at 9
  TG_REQUIRE_OK(drive.write_filemarks(1));
  locate_and_read(drive, 9, 9);
  CHECK(notices.size() == 1);  // said once
}

void check_locate_past_end_of_data(SimLibraryFixture& fx, bool residuals) {
  auto& drive = record(fx);
  for (std::uint64_t from : {2, 9}) {  // before end of data, and at it
    INFO("from " << from);
    TG_REQUIRE_OK(drive.locate(from));
    auto beyond = drive.locate(12);
    REQUIRE_FALSE(beyond.ok());
    CHECK(beyond.error().code == Errc::blank_check);
    CHECK_THAT(beyond.error().message, Catch::StartsWith("drive drive0: LOCATE: object 12 is beyond end of data"));
    if (residuals) {
      // SSC reports what it could not space: the position is known.
      CHECK_THAT(beyond.error().message, Catch::Contains("end of data at object 9"));
      CHECK(drive.tracked_position() == 9u);
    } else {
      CHECK_THAT(beyond.error().message, Catch::Contains("end of data at or before object 11"));
      CHECK_FALSE(drive.tracked_position());
    }
  }
  // One past end of data, from right before it.
  TG_REQUIRE_OK(drive.locate(9));
  auto one = drive.locate(10);
  REQUIRE_FALSE(one.ok());
  CHECK(one.error().code == Errc::blank_check);
  // Found again afterwards.
  locate_and_read(drive, 7, 7);
}

}  // namespace

TEST_CASE("locate by spacing: SSC drive without LOCATE, across filemarks both ways", "[drivers][locate]") {
  SimLibraryFixture fx(ssc_without_locate);
  check_locate_by_spacing(fx);
}

TEST_CASE("locate by spacing: tgt-like drive (filemarks counted as blocks, no position)", "[drivers][locate]") {
  SimLibraryFixture fx(like_tgt);
  check_locate_by_spacing(fx);
}

TEST_CASE("locate by spacing: past end of data is BLANK CHECK naming both positions", "[drivers][locate]") {
  SECTION("SSC residuals") {
    SimLibraryFixture fx(ssc_without_locate);
    check_locate_past_end_of_data(fx, true);
  }
  SECTION("tgt: no residual") {
    SimLibraryFixture fx(like_tgt);
    check_locate_past_end_of_data(fx, false);
  }
}

TEST_CASE("locate by spacing: a drive with LOCATE keeps using it", "[drivers][locate]") {
  SimLibraryFixture fx(ssc_with_locate);
  auto& drive = record(fx);
  locate_and_read(drive, 5, 5);
  CHECK(drive.has_locate());
}

namespace {

struct ScriptedRig {
  ScriptedTarget target;
  hal::InProcessTransport transport{target, "scripted"};
  TapeDrive drive{transport, "drive0"};
  ScriptedRig() {
    target.push(good(op::rewind));
    REQUIRE(drive.rewind().ok());
  }
};

}  // namespace

TEST_CASE("locate by spacing: only an unknown LOCATE command is emulated", "[drivers][locate]") {
  ScriptedRig s;
  s.target.push(check(op::locate10, fixed_sense(0x05, 0x24, 0x00)));  // INVALID FIELD IN CDB
  auto l = s.drive.locate(5);
  REQUIRE_FALSE(l.ok());
  CHECK(l.error().code == Errc::illegal_request);
  CHECK(s.drive.has_locate());
  CHECK(s.target.done());  // no SPACE, no REWIND
}

TEST_CASE("locate by spacing: the exact commands, and a filemark without a residual", "[drivers][locate]") {
  ScriptedRig s;
  // Refused as unknown at 0: nothing moved, so spacing starts from 0.
  s.target.push(check(op::locate10, fixed_sense(0x05, 0x20, 0x00)));
  s.target.push(check(op::space6, fixed_sense(0x80, 0x00, 0x01, 3)));  // 9 asked, 6 blocks + a filemark
  s.target.push(good(op::space6));                                      // 2 more
  s.target.push(good(op::space6));                                      // the last one alone
  REQUIRE(s.drive.locate(10).ok());
  CHECK(s.drive.tracked_position() == 10u);
  REQUIRE(s.target.cdbs().size() == 5);
  CHECK(s.target.cdbs()[2] == B{0x11, 0x00, 0, 0, 9, 0});
  CHECK(s.target.cdbs()[3] == B{0x11, 0x00, 0, 0, 2, 0});
  CHECK(s.target.cdbs()[4] == B{0x11, 0x00, 0, 0, 1, 0});

  // Going back rewinds; a filemark stop without INFORMATION leaves the
  // position unknown: an error, never a guess.
  s.target.push(good(op::rewind));
  s.target.push(check(op::space6, fixed_sense(0x80, 0x00, 0x01)));
  auto l = s.drive.locate(4);
  REQUIRE_FALSE(l.ok());
  CHECK(l.error().code == Errc::position_lost);
  CHECK_FALSE(s.drive.tracked_position());
  CHECK(s.target.done());

  // A medium error while spacing is that error, with what was being done.
  s.target.push(good(op::rewind));
  s.target.push(check(op::space6, fixed_sense(0x03, 0x11, 0x00)));
  l = s.drive.locate(4);
  REQUIRE_FALSE(l.ok());
  CHECK(l.error().code == Errc::medium_error);
  CHECK_THAT(l.error().message, Catch::Contains("locating object 4 with SPACE"));
}
