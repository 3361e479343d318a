// TapeDrive's reading of sense, against canned replies (pbs-tape style:
// the drive decides what a condition means).
#include <catch2/catch.hpp>

#include "drivers/scsi/opcodes.hpp"
#include "drivers/tape_drive.hpp"
#include "drivers/scsi_lun.hpp"
#include "hal/in_process_transport.hpp"
#include "drivers/scripted_target.hpp"

using namespace tg;
using namespace tg::drivers;
using namespace tg::test;
namespace op = tg::scsi::op;

namespace {

// An in-process transport whose "position lost" the test can raise, as a
// reconnecting iSCSI transport would.
class LossyTransport final : public hal::ScsiTransport {
 public:
  explicit LossyTransport(hal::ScsiTarget& t) : inner_(t, "scripted") {}
  Result<hal::ScsiReply> execute(const hal::ScsiCommand& c) override {
    if (fail_next_) {
      fail_next_ = false;
      return Error(Errc::connection_lost, "link down");
    }
    return inner_.execute(c);
  }
  std::string describe() const override { return "scripted"; }
  bool take_position_lost() override { return std::exchange(lost_, false); }
  bool lost_ = false;
  bool fail_next_ = false;

 private:
  hal::InProcessTransport inner_;
};

struct Rig {
  ScriptedTarget target;
  LossyTransport transport{target};
  TapeDrive drive{transport, "drive0"};
  std::vector<std::uint8_t> block = std::vector<std::uint8_t>(4096, 0x5A);

  Rig() {
    target.push(good(op::rewind));
    REQUIRE(drive.rewind().ok());
  }
};

}  // namespace

TEST_CASE("write: GOOD advances the tracked position, the CDB is WRITE(6) variable") {
  Rig r;
  r.target.push(good(op::write6));
  auto w = r.drive.write(r.block);
  REQUIRE(w.ok());
  CHECK_FALSE(w->early_warning);
  CHECK(r.drive.tracked_position() == 1u);
  CHECK(r.target.cdbs().back() == std::vector<std::uint8_t>{0x0A, 0x00, 0x00, 0x10, 0x00, 0x00});
  CHECK(r.target.data_out().back().size() == 4096);
}

TEST_CASE("write: early warning in all three spellings means written + early_warning") {
  Rig r;
  SECTION("00/02 with EOM (real drives)") { r.target.push(check(op::write6, fixed_sense(0x40, 0x00, 0x02))); }
  SECTION("00/07 programmable early warning") { r.target.push(check(op::write6, fixed_sense(0x00, 0x00, 0x07))); }
  SECTION("00/00 with EOM (tgt at its end)") { r.target.push(check(op::write6, fixed_sense(0x40, 0x00, 0x00))); }
  SECTION("VALID with a zero residual") { r.target.push(check(op::write6, fixed_sense(0x40, 0x00, 0x02, 0))); }
  auto w = r.drive.write(r.block);
  REQUIRE(w.ok());
  CHECK(w->early_warning);
  CHECK(r.drive.tracked_position() == 1u);
}

TEST_CASE("write: VOLUME OVERFLOW is an error and the block is not counted") {
  Rig r;
  r.target.push(good(op::write6));
  REQUIRE(r.drive.write(r.block).ok());
  r.target.push(check(op::write6, fixed_sense(0x4D, 0x00, 0x02, 4096)));
  auto w = r.drive.write(r.block);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::volume_overflow);
  CHECK(w.error().sense_key == 0x0D);
  CHECK_THAT(w.error().message, Catch::StartsWith("drive drive0: WRITE: VOLUME OVERFLOW"));
  CHECK(r.drive.tracked_position() == 1u);
}

TEST_CASE("write: early warning with untransferred bytes is not 'written'") {
  Rig r;
  r.target.push(check(op::write6, fixed_sense(0x40, 0x00, 0x02, 100)));
  auto w = r.drive.write(r.block);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::volume_overflow);
  CHECK_FALSE(r.drive.tracked_position());
}

TEST_CASE("write: medium error and write protect are errors that lose the count") {
  Rig r;
  r.target.push(check(op::write6, fixed_sense(0x03, 0x0C, 0x00)));
  auto w = r.drive.write(r.block);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::medium_error);
  CHECK(w.error().message == "drive drive0: WRITE: MEDIUM ERROR: WRITE ERROR (0C/00)");
  CHECK_FALSE(r.drive.tracked_position());

  r.target.push(check(op::write6, fixed_sense(0x07, 0x27, 0x00)));
  w = r.drive.write(r.block);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::data_protect);
}

TEST_CASE("write: RECOVERED ERROR is written, a deferred error never is") {
  Rig r;
  r.target.push(check(op::write6, fixed_sense(0x01, 0x17, 0x01)));
  auto w = r.drive.write(r.block);
  REQUIRE(w.ok());
  CHECK_FALSE(w->early_warning);
  CHECK(r.drive.tracked_position() == 1u);
  auto deferred = fixed_sense(0x40, 0x00, 0x02);
  deferred[0] = 0x71;  // deferred: about data acknowledged earlier
  r.target.push(check(op::write6, deferred));
  w = r.drive.write(r.block);
  REQUIRE_FALSE(w.ok());
  CHECK_THAT(w.error().message, Catch::EndsWith("(deferred)"));
  CHECK_FALSE(r.drive.tracked_position());
}

TEST_CASE("write: garbage sense is a clear error, not a crash") {
  Rig r;
  r.target.push(check(op::write6, {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 0, 0}));
  auto w = r.drive.write(r.block);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::check_condition);
  CHECK_THAT(w.error().message, Catch::Contains("unreadable sense data") && Catch::Contains("response code 0x12"));
  r.target.push(check(op::write6, {}));
  w = r.drive.write(r.block);
  REQUIRE_FALSE(w.ok());
  CHECK_THAT(w.error().message, Catch::Contains("without sense data"));
}

TEST_CASE("write filemarks: count in the CDB, IMMED=0, early warning tolerated") {
  Rig r;
  r.target.push(good(op::write_filemarks6));
  auto w = r.drive.write_filemarks(1);
  REQUIRE(w.ok());
  CHECK(r.target.cdbs().back() == std::vector<std::uint8_t>{0x10, 0, 0, 0, 1, 0});
  CHECK(r.drive.tracked_position() == 1u);
  r.target.push(check(op::write_filemarks6, fixed_sense(0x40, 0x00, 0x02)));
  w = r.drive.write_filemarks(2);
  REQUIRE(w.ok());
  CHECK(w->early_warning);
  CHECK(r.drive.tracked_position() == 3u);
  r.target.push(check(op::write_filemarks6, fixed_sense(0x0D, 0x00, 0x02)));
  w = r.drive.write_filemarks(1);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::volume_overflow);
}

TEST_CASE("read: data, filemark, end of data") {
  Rig r;
  std::vector<std::uint8_t> buf(4096);
  r.target.push(good(op::read6, std::vector<std::uint8_t>(4096, 7)));
  auto rd = r.drive.read(buf);
  REQUIRE(rd.ok());
  CHECK(rd->kind == ReadKind::data);
  CHECK(rd->length == 4096);
  CHECK(buf[100] == 7);
  CHECK(r.target.cdbs().back() == std::vector<std::uint8_t>{0x08, 0x00, 0x00, 0x10, 0x00, 0x00});

  r.target.push(check(op::read6, fixed_sense(0x80, 0x00, 0x01, 4096)));
  rd = r.drive.read(buf);
  REQUIRE(rd.ok());
  CHECK(rd->kind == ReadKind::filemark);
  CHECK(rd->length == 0);
  CHECK(r.drive.tracked_position() == 2u);

  r.target.push(check(op::read6, fixed_sense(0x08, 0x00, 0x05)));
  rd = r.drive.read(buf);
  REQUIRE(rd.ok());
  CHECK(rd->kind == ReadKind::end_of_data);
  CHECK(r.drive.tracked_position() == 2u);
}

TEST_CASE("read: ILI short block and block longer than the buffer") {
  Rig r;
  std::vector<std::uint8_t> buf(4096);
  // Short: a 1000-byte block, information = 4096 - 1000.
  r.target.push(check(op::read6, fixed_sense(0x20, 0x00, 0x00, 3096), std::vector<std::uint8_t>(1000, 1)));
  auto rd = r.drive.read(buf);
  REQUIRE(rd.ok());
  CHECK(rd->kind == ReadKind::data);
  CHECK(rd->length == 1000);
  CHECK(rd->block_length == 1000);
  CHECK_FALSE(rd->truncated);
  CHECK(r.drive.tracked_position() == 1u);

  // Long: an 8192-byte block into 4096, information = 4096 - 8192.
  r.target.push(check(op::read6, fixed_sense(0x20, 0x00, 0x00, -4096), std::vector<std::uint8_t>(4096, 2)));
  rd = r.drive.read(buf);
  REQUIRE(rd.ok());
  CHECK(rd->truncated);
  CHECK(rd->length == 4096);
  CHECK(rd->block_length == 8192);
  CHECK(r.drive.tracked_position() == 2u);

  // A residual larger than the request is a device error, reported.
  r.target.push(check(op::read6, fixed_sense(0x20, 0x00, 0x00, 99999)));
  rd = r.drive.read(buf);
  REQUIRE_FALSE(rd.ok());
  CHECK_THAT(rd.error().message, Catch::Contains("ILI residual 99999"));
}

TEST_CASE("read: medium error and unit attention") {
  Rig r;
  std::vector<std::uint8_t> buf(512);
  r.target.push(check(op::read6, fixed_sense(0x03, 0x11, 0x00)));
  auto rd = r.drive.read(buf);
  REQUIRE_FALSE(rd.ok());
  CHECK(rd.error().code == Errc::medium_error);
  CHECK(rd.error().asc == 0x11);
  r.target.push(check(op::read6, fixed_sense(0x06, 0x28, 0x00)));
  rd = r.drive.read(buf);
  REQUIRE_FALSE(rd.ok());
  CHECK(rd.error().code == Errc::unit_attention);
}

TEST_CASE("fixed-block mode: counts are blocks, residuals are blocks") {
  Rig r;
  // MODE SENSE for set_block_size: header + descriptor (LTO-9, variable), buffered mode 1.
  r.target.push(good(op::mode_sense6, {11, 0, 0x10, 8, 0x60, 0, 0, 0, 0, 0, 0, 0}));
  r.target.push(good(op::mode_select6));
  REQUIRE(r.drive.set_block_size(1024).ok());
  CHECK(r.target.data_out().back() == std::vector<std::uint8_t>{0, 0, 0x10, 8, 0x60, 0, 0, 0, 0, 0, 0x04, 0x00});
  CHECK(r.drive.block_size() == 1024);

  std::vector<std::uint8_t> data(4096, 1);
  r.target.push(good(op::write6));
  REQUIRE(r.drive.write(data).ok());
  CHECK(r.target.cdbs().back() == std::vector<std::uint8_t>{0x0A, 0x01, 0, 0, 4, 0});
  CHECK(r.drive.tracked_position() == 4u);
  auto bad = r.drive.write(std::span<const std::uint8_t>(data).first(1000));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::invalid_argument);

  // Filemark after 2 of 4 blocks: information = 2 blocks not read.
  r.target.push(check(op::read6, fixed_sense(0x80, 0x00, 0x01, 2), std::vector<std::uint8_t>(2048, 3)));
  auto rd = r.drive.read(data);
  REQUIRE(rd.ok());
  CHECK(rd->kind == ReadKind::filemark);
  CHECK(rd->length == 2048);
  CHECK(r.drive.tracked_position() == 4u + 3u);
}

TEST_CASE("position lost: writes refused until rewind or locate") {
  Rig r;
  r.transport.lost_ = true;
  auto w = r.drive.write(r.block);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::position_lost);
  CHECK(r.target.cdbs().size() == 1);  // only the rewind: nothing was sent
  REQUIRE_FALSE(r.drive.write_filemarks(1).ok());
  REQUIRE_FALSE(r.drive.erase(false).ok());
  r.target.push(good(op::locate10));
  REQUIRE(r.drive.locate(12).ok());
  CHECK(r.target.cdbs().back() == std::vector<std::uint8_t>{0x2B, 0, 0, 0, 0, 0, 12, 0, 0, 0});
  r.target.push(good(op::write6));
  REQUIRE(r.drive.write(r.block).ok());
  CHECK(r.drive.tracked_position() == 13u);

  // A dropped link during a command also loses the position.
  r.transport.fail_next_ = true;
  auto lost = r.drive.write(r.block);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == Errc::connection_lost);
  CHECK_THAT(lost.error().message, Catch::StartsWith("drive drive0: WRITE: link down"));
  CHECK(r.drive.write(r.block).error().code == Errc::position_lost);
}

TEST_CASE("position: READ POSITION long form, short form fallback, tracked fallback") {
  Rig r;
  std::vector<std::uint8_t> lng(32, 0);
  lng[15] = 42;
  r.target.push(good(op::read_position, lng));
  auto p = r.drive.position();
  REQUIRE(p.ok());
  CHECK(*p == 42u);
  CHECK(r.drive.tracked_position() == 42u);

  // A device without the long form (ILLEGAL REQUEST) that does not know (tgt: 0x14).
  Rig t;
  t.target.push(good(op::write6));
  REQUIRE(t.drive.write(t.block).ok());
  t.target.push(check(op::read_position, fixed_sense(0x05, 0x24, 0x00)));
  std::vector<std::uint8_t> shrt(20, 0);
  shrt[0] = 0x14;
  t.target.push(good(op::read_position, shrt));
  p = t.drive.position();
  REQUIRE(p.ok());
  CHECK(*p == 1u);
  // The long form is not asked again.
  t.target.push(good(op::read_position, shrt));
  REQUIRE(t.drive.position().ok());
  CHECK(t.target.cdbs().back()[1] == 0x00);
  CHECK(t.target.done());

  // Unknown to both: an error, never a guess.
  t.target.push(check(op::read6, fixed_sense(0x03, 0x11, 0x00)));
  std::vector<std::uint8_t> buf(16);
  REQUIRE_FALSE(t.drive.read(buf).ok());
  t.target.push(good(op::read_position, shrt));
  auto unknown = t.drive.position();
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == Errc::position_lost);
}

TEST_CASE("space: residuals, filemark, end of data and beginning of medium") {
  Rig r;
  r.target.push(good(op::space6));
  auto s = r.drive.space(SpaceCode::blocks, 5);
  REQUIRE(s.ok());
  CHECK(s->residual == 0);
  CHECK(r.drive.tracked_position() == 5u);
  CHECK(r.target.cdbs().back() == std::vector<std::uint8_t>{0x11, 0x00, 0, 0, 5, 0});

  // Spacing 10 blocks meets a filemark after 3: residual 7, positioned after the mark.
  r.target.push(check(op::space6, fixed_sense(0x80, 0x00, 0x01, 7)));
  s = r.drive.space(SpaceCode::blocks, 10);
  REQUIRE(s.ok());
  CHECK(s->hit_filemark);
  CHECK(s->residual == 7);
  CHECK(r.drive.tracked_position() == 5u + 3u + 1u);

  r.target.push(check(op::space6, fixed_sense(0x08, 0x00, 0x05, 4)));
  s = r.drive.space(SpaceCode::blocks, 6);
  REQUIRE(s.ok());
  CHECK(s->hit_end_of_data);
  CHECK(s->residual == 4);
  CHECK(r.drive.tracked_position() == 11u);

  r.target.push(check(op::space6, fixed_sense(0x40, 0x00, 0x04, 2)));
  s = r.drive.space(SpaceCode::blocks, -20);
  REQUIRE(s.ok());
  CHECK(s->hit_beginning);
  CHECK(s->residual == -2);
  CHECK(r.drive.tracked_position() == 0u);
  CHECK(r.target.cdbs().back() == std::vector<std::uint8_t>{0x11, 0x00, 0xFF, 0xFF, 0xEC, 0});

  // Spacing filemarks: the number of blocks passed is unknown.
  r.target.push(good(op::space6));
  REQUIRE(r.drive.space(SpaceCode::filemarks, 1).ok());
  CHECK_FALSE(r.drive.tracked_position());
  r.target.push(good(op::space6));
  REQUIRE(r.drive.space(SpaceCode::end_of_data, 0).ok());
  CHECK(r.target.cdbs().back()[1] == 0x03);
}

TEST_CASE("wait_ready absorbs unit attentions and waits out NOT READY on the given clock") {
  Rig r;
  hal::ManualClock clock;
  r.target.push(check(op::test_unit_ready, fixed_sense(0x06, 0x29, 0x00)));
  r.target.push(check(op::test_unit_ready, fixed_sense(0x06, 0x28, 0x00)));
  r.target.push(check(op::test_unit_ready, fixed_sense(0x02, 0x04, 0x01)));
  r.target.push(check(op::test_unit_ready, fixed_sense(0x02, 0x04, 0x01)));
  r.target.push(good(op::test_unit_ready));
  REQUIRE(r.drive.wait_ready(std::chrono::seconds(60), clock).ok());
  CHECK(r.target.done());
  CHECK(clock.now() == std::chrono::seconds(2));

  // Medium not present for longer than the timeout.
  for (int i = 0; i < 6; ++i) r.target.push(check(op::test_unit_ready, fixed_sense(0x02, 0x3A, 0x00)));
  auto s = r.drive.wait_ready(std::chrono::seconds(5), clock);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::not_ready);
  CHECK_THAT(s.error().message, Catch::StartsWith("not ready after 5 s: drive drive0: TEST UNIT READY: NOT READY: MEDIUM NOT PRESENT"));

  // Other errors end the wait at once.
  r.target.push(check(op::test_unit_ready, fixed_sense(0x04, 0x44, 0x00)));
  s = r.drive.wait_ready(std::chrono::seconds(5), clock);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::hardware_error);
}

TEST_CASE("locate: LOCATE(16) beyond 32 bits, a failed locate loses the count") {
  Rig r;
  r.target.push(good(op::locate16));
  REQUIRE(r.drive.locate(0x100000000ULL).ok());
  CHECK(r.target.cdbs().back()[0] == 0x92);
  CHECK(r.drive.tracked_position() == 0x100000000ULL);
  r.target.push(check(op::locate10, fixed_sense(0x08, 0x00, 0x05)));
  auto l = r.drive.locate(99);
  REQUIRE_FALSE(l.ok());
  CHECK(l.error().code == Errc::blank_check);
  CHECK_FALSE(r.drive.tracked_position());
}

TEST_CASE("descriptor-format sense drives the same outcomes (stream commands descriptor)") {
  Rig r;
  // 0x72, NO SENSE, 00/02; stream commands descriptor with EOM: early warning.
  r.target.push(check(op::write6, {0x72, 0x00, 0x00, 0x02, 0, 0, 0, 4, 0x04, 0x02, 0x00, 0x40}));
  auto w = r.drive.write(r.block);
  REQUIRE(w.ok());
  CHECK(w->early_warning);
  // NO SENSE 00/01 with FILEMARK in the stream descriptor: a filemark on read.
  std::vector<std::uint8_t> buf(512);
  r.target.push(check(op::read6, {0x72, 0x00, 0x00, 0x01, 0, 0, 0, 4, 0x04, 0x02, 0x00, 0x80}));
  auto rd = r.drive.read(buf);
  REQUIRE(rd.ok());
  CHECK(rd->kind == ReadKind::filemark);
  // ILI with an 8-byte information descriptor: a 100-byte block into 512.
  r.target.push(check(op::read6,
                      {0x72, 0x00, 0x00, 0x00, 0, 0, 0, 16, 0x00, 0x0A, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0x01, 0x9C,
                       0x04, 0x02, 0x00, 0x20},
                      std::vector<std::uint8_t>(100, 4)));
  rd = r.drive.read(buf);
  REQUIRE(rd.ok());
  CHECK(rd->length == 100);
  CHECK(r.drive.tracked_position() == 3u);
}

TEST_CASE("read: RECOVERED ERROR returns the data") {
  Rig r;
  std::vector<std::uint8_t> buf(256);
  r.target.push(check(op::read6, fixed_sense(0x01, 0x18, 0x00), std::vector<std::uint8_t>(256, 1)));
  auto rd = r.drive.read(buf);
  REQUIRE(rd.ok());
  CHECK(rd->kind == ReadKind::data);
  CHECK(rd->length == 256);
  CHECK(r.drive.tracked_position() == 1u);
}
