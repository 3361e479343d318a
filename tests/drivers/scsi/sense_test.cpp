// Sense data, fixed (SPC-4 4.5.3) and descriptor (SPC-4 4.5.2) formats.
#include <catch2/catch.hpp>

#include "drivers/scsi/sense.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

namespace {
// An 18-byte fixed-format sense: byte 2 flags|key, 3-6 information, 7 = 10, 12-13 ASC/ASCQ.
B fixed(std::uint8_t flags_key, std::uint8_t asc, std::uint8_t ascq, std::int32_t info = 0, bool valid = false) {
  B s(18, 0);
  s[0] = static_cast<std::uint8_t>(0x70 | (valid ? 0x80 : 0));
  s[2] = flags_key;
  const auto u = static_cast<std::uint32_t>(info);
  s[3] = u >> 24;
  s[4] = u >> 16;
  s[5] = u >> 8;
  s[6] = u;
  s[7] = 10;
  s[12] = asc;
  s[13] = ascq;
  return s;
}
}  // namespace

TEST_CASE("fixed sense: key, ASC/ASCQ and stream bits") {
  // tgt at the end of a cartridge: NO SENSE, EOM, 00/00 (field notes).
  auto s = parse_sense(fixed(0x40, 0x00, 0x00));
  REQUIRE(s.ok());
  CHECK(s->key == sense_key::no_sense);
  CHECK(s->eom);
  CHECK_FALSE(s->filemark);
  CHECK_FALSE(s->ili);
  CHECK_FALSE(s->descriptor_format);
  CHECK_FALSE(s->deferred);

  // Filemark read: byte 2 = 0x80, ASCQ 01.
  s = parse_sense(fixed(0x80, 0x00, 0x01));
  REQUIRE(s.ok());
  CHECK(s->filemark);
  CHECK(s->ascq == 0x01);

  s = parse_sense(fixed(0x03, 0x11, 0x00));
  REQUIRE(s.ok());
  CHECK(s->key == sense_key::medium_error);
  CHECK(errc_for(*s) == Errc::medium_error);
}

TEST_CASE("fixed sense: the information field is signed and honours VALID") {
  auto s = parse_sense(fixed(0x20, 0, 0, 1000, true));  // ILI, short block by 1000 bytes
  REQUIRE(s.ok());
  CHECK(s->ili);
  CHECK(s->information_valid);
  CHECK(s->information == 1000);

  s = parse_sense(fixed(0x20, 0, 0, -4096, true));  // block 4096 bytes longer than asked
  REQUIRE(s.ok());
  CHECK(s->information == -4096);

  s = parse_sense(fixed(0x20, 0, 0, 5, false));
  REQUIRE(s.ok());
  CHECK_FALSE(s->information_valid);
}

TEST_CASE("fixed sense: deferred errors and SKSV") {
  B raw = fixed(0x05, 0x24, 0x00);
  raw[0] = 0x71;
  raw[15] = 0xC0;  // SKSV | C/D (CDB)
  raw[16] = 0x00;
  raw[17] = 0x04;  // field pointer byte 4
  auto s = parse_sense(raw);
  REQUIRE(s.ok());
  CHECK(s->deferred);
  REQUIRE(s->sense_key_specific);
  CHECK(*s->sense_key_specific == 0xC00004);
  CHECK(describe(*s) == "ILLEGAL REQUEST: INVALID FIELD IN CDB (24/00) [CDB byte 4] (deferred)");

  raw[15] = 0x40;  // SKSV clear: not valid
  s = parse_sense(raw);
  REQUIRE(s.ok());
  CHECK_FALSE(s->sense_key_specific);
}

TEST_CASE("fixed sense: a short but well-formed reply keeps what it has") {
  // 8 bytes: key and flags present, no ASC (additional length 0).
  B raw{0x70, 0, 0x46, 0, 0, 0, 0, 0};
  auto s = parse_sense(raw);
  REQUIRE(s.ok());
  CHECK(s->key == sense_key::unit_attention);
  CHECK(s->eom);
  CHECK(s->asc == 0);
  // Additional length larger than the bytes delivered (a short sense buffer): use what arrived.
  B cut = fixed(0x06, 0x29, 0x00);
  cut.resize(14);
  s = parse_sense(cut);
  REQUIRE(s.ok());
  CHECK(s->asc == 0x29);
  CHECK_FALSE(s->sense_key_specific);
}

TEST_CASE("descriptor sense: information and stream commands descriptors") {
  // 0x72, key 0x08 BLANK CHECK, 00/05; information descriptor (VALID, 8-byte value) and
  // stream commands descriptor with EOM.
  B raw{0x72, 0x08, 0x00, 0x05, 0, 0, 0, 16,
        0x00, 0x0A, 0x80, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,  // info = -2
        0x04, 0x02, 0x00, 0x40};
  auto s = parse_sense(raw);
  REQUIRE(s.ok());
  CHECK(s->descriptor_format);
  CHECK(s->key == sense_key::blank_check);
  CHECK(s->asc == 0x00);
  CHECK(s->ascq == 0x05);
  CHECK(s->information_valid);
  CHECK(s->information == -2);
  CHECK(s->eom);
  CHECK_FALSE(s->filemark);
  CHECK(errc_for(*s) == Errc::blank_check);
}

TEST_CASE("descriptor sense: filemark/ILI and sense-key specific, unknown descriptors skipped") {
  B raw{0x73, 0x00, 0x00, 0x01, 0, 0, 0, 16,
        0x80, 0x02, 0xAA, 0xBB,              // vendor descriptor, skipped
        0x04, 0x02, 0x00, 0xA0,              // FILEMARK + ILI
        0x02, 0x06, 0x00, 0x00, 0x80, 0x12, 0x34, 0x00};
  auto s = parse_sense(raw);
  REQUIRE(s.ok());
  CHECK(s->deferred);
  CHECK(s->filemark);
  CHECK(s->ili);
  REQUIRE(s->sense_key_specific);
  CHECK(*s->sense_key_specific == 0x801234);
}

TEST_CASE("descriptor sense: lying lengths are errors that name the field") {
  // Descriptor claims 10 bytes but the declared additional length ends after 4.
  B raw{0x72, 0x03, 0x11, 0x00, 0, 0, 0, 4, 0x00, 0x0A, 0x80, 0x00};
  auto s = parse_sense(raw);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::parse_error);
  CHECK_THAT(s.error().message, Catch::Contains("descriptor 0x00") && Catch::Contains("overruns"));

  // Information descriptor too short for its value.
  B shortinfo{0x72, 0x03, 0x11, 0x00, 0, 0, 0, 4, 0x00, 0x02, 0x80, 0x00};
  s = parse_sense(shortinfo);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error().message, Catch::Contains("information descriptor"));

  // Cut short in transit (additional length larger than delivered): whole descriptors kept.
  B cut{0x72, 0x03, 0x11, 0x00, 0, 0, 0, 30, 0x04, 0x02, 0x00, 0x40, 0x00, 0x0A, 0x80};
  s = parse_sense(cut);
  REQUIRE(s.ok());
  CHECK(s->eom);
  CHECK_FALSE(s->information_valid);
}

TEST_CASE("sense: too short or unknown response code") {
  auto s = parse_sense(B{0x70, 0, 0x03});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "sense data truncated: 3 bytes, need 8");
  s = parse_sense(B{});
  REQUIRE_FALSE(s.ok());
  s = parse_sense(B{0x7F, 0, 0, 0, 0, 0, 0, 0});
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error().message, Catch::Contains("response code 0x7F"));
  s = parse_sense(B(18, 0));
  REQUIRE_FALSE(s.ok());
}

TEST_CASE("describe and errc mapping") {
  auto s = *parse_sense(fixed(0x03, 0x11, 0x00, 3, true));
  CHECK(describe(s) == "MEDIUM ERROR: UNRECOVERED READ ERROR (11/00) [info 3]");
  s = *parse_sense(fixed(0xC0, 0x00, 0x02));
  CHECK(describe(s) == "NO SENSE: END-OF-PARTITION/MEDIUM DETECTED (00/02) FILEMARK EOM");
  s = *parse_sense(fixed(0x05, 0x3B, 0x0D));
  CHECK(errc_for(s) == Errc::element_full);
  s = *parse_sense(fixed(0x05, 0x3B, 0x0E));
  CHECK(errc_for(s) == Errc::element_empty);
  s = *parse_sense(fixed(0x0D, 0x00, 0x02));
  CHECK(errc_for(s) == Errc::volume_overflow);
  s = *parse_sense(fixed(0x06, 0x28, 0x00));
  CHECK(errc_for(s) == Errc::unit_attention);
  s = *parse_sense(fixed(0x02, 0x3A, 0x00));
  CHECK(errc_for(s) == Errc::not_ready);
  s = *parse_sense(fixed(0x07, 0x27, 0x00));
  CHECK(errc_for(s) == Errc::data_protect);
  s = *parse_sense(fixed(0x00, 0x00, 0x00));
  CHECK(errc_for(s) == Errc::check_condition);

  Error e = sense_error(*parse_sense(fixed(0x02, 0x04, 0x01)), "drive d0: TEST UNIT READY");
  CHECK(e.code == Errc::not_ready);
  CHECK(e.sense_key == 2);
  CHECK(e.asc == 0x04);
  CHECK(e.ascq == 0x01);
  CHECK(e.message == "drive d0: TEST UNIT READY: NOT READY: LOGICAL UNIT IS IN PROCESS OF BECOMING READY (04/01)");
}

TEST_CASE("ASC/ASCQ texts: the tape and changer conditions, and unknown codes") {
  CHECK(asc_text(0x00, 0x01) == "FILEMARK DETECTED");
  CHECK(asc_text(0x00, 0x02) == "END-OF-PARTITION/MEDIUM DETECTED");
  CHECK(asc_text(0x00, 0x04) == "BEGINNING-OF-PARTITION/MEDIUM DETECTED");
  CHECK(asc_text(0x00, 0x05) == "END-OF-DATA DETECTED");
  CHECK(asc_text(0x00, 0x07) == "PROGRAMMABLE EARLY WARNING DETECTED");
  CHECK(asc_text(0x04, 0x01) == "LOGICAL UNIT IS IN PROCESS OF BECOMING READY");
  CHECK(asc_text(0x3A, 0x00) == "MEDIUM NOT PRESENT");
  CHECK(asc_text(0x28, 0x00) == "NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED");
  CHECK(asc_text(0x29, 0x00) == "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED");
  CHECK(asc_text(0x30, 0x00) == "INCOMPATIBLE MEDIUM INSTALLED");
  CHECK(asc_text(0x27, 0x00) == "WRITE PROTECTED");
  CHECK(asc_text(0x0C, 0x00) == "WRITE ERROR");
  CHECK(asc_text(0x11, 0x00) == "UNRECOVERED READ ERROR");
  CHECK(asc_text(0x14, 0x03) == "END-OF-DATA NOT FOUND");
  CHECK(asc_text(0x53, 0x00) == "MEDIA LOAD OR EJECT FAILED");
  CHECK(asc_text(0x3B, 0x0D) == "MEDIUM DESTINATION ELEMENT FULL");
  CHECK(asc_text(0x3B, 0x0E) == "MEDIUM SOURCE ELEMENT EMPTY");
  CHECK(asc_text(0x3B, 0x12) == "MEDIUM MAGAZINE REMOVED");
  CHECK(asc_text(0x40, 0x91) == "DIAGNOSTIC FAILURE ON COMPONENT 0x91");
  CHECK(asc_text(0x80, 0x01) == "VENDOR SPECIFIC ASC 0x80 ASCQ 0x01");
  CHECK(asc_text(0x7E, 0x7E) == "ASC 0x7E ASCQ 0x7E");
  CHECK(std::string(sense_key_name(0xD)) == "VOLUME OVERFLOW");
  CHECK(std::string(sense_key_name(0x8)) == "BLANK CHECK");
}
