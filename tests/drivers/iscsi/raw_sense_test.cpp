#include <catch2/catch.hpp>

#include <vector>

#include "drivers/iscsi/raw_sense.hpp"
#include "drivers/scsi/sense.hpp"

using namespace tg::drivers::iscsi;

// The SCSI Response data segment tgt sent for the last WRITE(6) on a full
// cartridge (field notes): SenseLength 18, fixed sense 0x70, byte 2 = 0x40
// (EOM, key NO SENSE), ASC/ASCQ 00/00.
static const std::vector<std::uint8_t> kEomSegment = {
    0x00, 0x12,                                      // SenseLength = 18
    0x70, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x0A,  // fixed, EOM, additional length 10
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

TEST_CASE("raw sense is taken from the response segment after the 2-byte length", "[iscsi][sense]") {
  auto s = sense_from_response_segment(kEomSegment);
  REQUIRE(s.ok());
  REQUIRE(s->size() == 18);
  CHECK((*s)[0] == 0x70);
  CHECK((*s)[2] == 0x40);
  // Decoded by the shared parser, the EOM bit that libiscsi's task->sense
  // drops is there.
  auto parsed = tg::scsi::parse_sense(*s);
  REQUIRE(parsed.ok());
  CHECK(parsed->eom);
  CHECK_FALSE(parsed->filemark);
  CHECK(parsed->key == tg::scsi::sense_key::no_sense);
}

TEST_CASE("filemark and ILI with the information field survive", "[iscsi][sense]") {
  // READ(6) of 65536 bytes met a 1000-byte block: ILI, VALID, info = 64536.
  std::vector<std::uint8_t> seg = {0x00, 0x12, 0xF0, 0x00, 0x20, 0x00, 0x00, 0xFC, 0x18, 0x0A,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  auto s = sense_from_response_segment(seg);
  REQUIRE(s.ok());
  auto parsed = tg::scsi::parse_sense(*s);
  REQUIRE(parsed.ok());
  CHECK(parsed->ili);
  CHECK(parsed->information_valid);
  CHECK(parsed->information == 64536);

  // Reading into a filemark: byte 2 = 0x80, ASCQ 01 (field notes).
  std::vector<std::uint8_t> fm = {0x00, 0x12, 0x70, 0x00, 0x80, 0, 0, 0, 0, 0x0A,
                                  0,    0,    0,    0,    0x00, 0x01, 0, 0, 0, 0};
  auto f = sense_from_response_segment(fm);
  REQUIRE(f.ok());
  auto pf = tg::scsi::parse_sense(*f);
  REQUIRE(pf.ok());
  CHECK(pf->filemark);
  CHECK(pf->ascq == 0x01);
}

TEST_CASE("sense length shorter than the segment uses only SenseLength bytes", "[iscsi][sense]") {
  std::vector<std::uint8_t> seg = kEomSegment;
  seg.push_back(0xEE);  // padding to a 4-byte boundary (RFC 7143 11.4.7)
  seg.push_back(0xEE);
  auto s = sense_from_response_segment(seg);
  REQUIRE(s.ok());
  CHECK(s->size() == 18);
}

TEST_CASE("empty segment or zero SenseLength means no sense data", "[iscsi][sense]") {
  auto a = sense_from_response_segment({});
  REQUIRE(a.ok());
  CHECK(a->empty());
  std::vector<std::uint8_t> zero = {0x00, 0x00};
  auto b = sense_from_response_segment(zero);
  REQUIRE(b.ok());
  CHECK(b->empty());
}

TEST_CASE("malformed segments are parse errors, not overruns", "[iscsi][sense]") {
  std::vector<std::uint8_t> one = {0x00};
  auto a = sense_from_response_segment(one);
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().code == tg::Errc::parse_error);

  std::vector<std::uint8_t> overlong = {0x00, 0x40, 0x70, 0x00, 0x40};
  auto b = sense_from_response_segment(overlong);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().code == tg::Errc::parse_error);
  CHECK(b.error().message.find("SenseLength 64") != std::string::npos);
}
