// LOCATE on tgt, which has none (ILLEGAL REQUEST 20/00) and whose SPACE
// blocks counts filemarks as blocks: the driver positions with REWIND and
// SPACE, and reads the right blocks in either tape file.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "drivers/tape_drive.hpp"
#include "vtl_fixture.hpp"

using tg::Errc;
using namespace tg::drivers;
using tg::test::Vtl;

namespace {

std::vector<std::uint8_t> block(std::uint8_t n) {
  std::vector<std::uint8_t> v(1000 + 100 * n);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(n * 41 + i);
  return v;
}

void expect_block(TapeDrive& drive, std::uint64_t object, std::uint8_t n) {
  INFO("object " << object);
  TG_REQUIRE_OK(drive.locate(object));
  CHECK(drive.tracked_position() == object);
  std::vector<std::uint8_t> buf(64 * 1024);
  auto r = drive.read(buf);
  TG_REQUIRE_OK(r);
  REQUIRE(r->kind == ReadKind::data);
  REQUIRE(r->length == block(n).size());
  CHECK(std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r->length)) == block(n));
  // tgt never reports the position: position() is the driver's count.
  auto p = drive.position();
  TG_REQUIRE_OK(p);
  CHECK(*p == object + 1);
}

}  // namespace

TEST_CASE("locate on tgt: done with SPACE, the right blocks in both tape files", "[integration][tape][locate]") {
  Vtl vtl({.drives = 1, .slots = 2, .mailslots = 0, .cartridges = 1, .size_mb = 8});
  tg::test::load_first_cartridge(vtl);
  auto t = tg::test::open_lun(vtl, 1);
  TapeDrive drive(*t, "drive0");
  std::vector<std::string> notices;
  drive.set_notice_sink([&](const std::string& s) { notices.push_back(s); });
  TG_REQUIRE_OK(drive.wait_ready(std::chrono::seconds(30)));
  TG_REQUIRE_OK(drive.rewind());
  TG_REQUIRE_OK(drive.set_block_size(0));

  // 0 B0, 1 B1, 2 B2, 3 FM | 4 B4, 5 B5, 6 B6, 7 FM | end of data at 8
  for (std::uint8_t n : {0, 1, 2}) TG_REQUIRE_OK(drive.write(block(n)));
  TG_REQUIRE_OK(drive.write_filemarks(1));
  for (std::uint8_t n : {4, 5, 6}) TG_REQUIRE_OK(drive.write(block(n)));
  TG_REQUIRE_OK(drive.write_filemarks(1));

  expect_block(drive, 5, 5);  // the second tape file
  CHECK_FALSE(drive.has_locate());
  REQUIRE(notices.size() == 1);
  CHECK_THAT(notices[0], Catch::Contains("no LOCATE"));
  expect_block(drive, 1, 1);  // the first again
  expect_block(drive, 6, 6);  // forward over the filemark
  expect_block(drive, 4, 4);

  // End of data: where an append goes; past it: an error naming both.
  TG_REQUIRE_OK(drive.locate(8));
  std::vector<std::uint8_t> buf(64 * 1024);
  auto eod = drive.read(buf);
  TG_REQUIRE_OK(eod);
  CHECK(eod->kind == ReadKind::end_of_data);
  auto beyond = drive.locate(11);
  REQUIRE_FALSE(beyond.ok());
  CHECK(beyond.error().code == Errc::blank_check);
  CHECK_THAT(beyond.error().message, Catch::StartsWith("drive drive0: LOCATE: object 11 is beyond end of data"));
  expect_block(drive, 2, 2);
  CHECK(notices.size() == 1);
}
