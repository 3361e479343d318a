// READ ATTRIBUTE values (SPC-4 6.16, 7.4).
#include <catch2/catch.hpp>

#include "drivers/scsi/attributes.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

namespace {
void add(B& r, std::uint16_t id, std::uint8_t format, const B& value) {
  r.push_back(static_cast<std::uint8_t>(id >> 8));
  r.push_back(static_cast<std::uint8_t>(id));
  r.push_back(format);
  r.push_back(static_cast<std::uint8_t>(value.size() >> 8));
  r.push_back(static_cast<std::uint8_t>(value.size()));
  r.insert(r.end(), value.begin(), value.end());
}
B with_length(B body) {
  B r{0, 0, static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
  r.insert(r.end(), body.begin(), body.end());
  return r;
}
}  // namespace

TEST_CASE("attribute values: binary, ASCII and names") {
  B body;
  add(body, mam::remaining_capacity, 0x80, {0, 0, 0, 0, 0, 0x11, 0x00, 0x00});  // read-only binary
  add(body, mam::load_count, 0x80, {0, 0, 0, 0, 0, 0, 0, 42});
  add(body, mam::barcode, 0x01, {'T', 'P', '0', '0', '0', '1', 'L', '9', ' ', ' '});
  add(body, mam::medium_serial, 0x01, {'A', 'B', 'C'});
  add(body, 0x1234, 0x00, B(12, 0xAB));
  auto l = parse_attribute_values(with_length(body));
  REQUIRE(l.ok());
  CHECK_FALSE(l->truncated);
  REQUIRE(l->attributes.size() == 5);
  CHECK(l->attributes[0].read_only);
  CHECK(attribute_value_text(l->attributes[0]) == std::to_string(0x110000));
  CHECK(attribute_name(l->attributes[1].id) == "Load count");
  CHECK(attribute_value_text(l->attributes[1]) == "42");
  CHECK(attribute_name(mam::barcode) == "Barcode");
  CHECK(attribute_value_text(l->attributes[2]) == "TP0001L9");
  CHECK(attribute_name(mam::medium_serial) == "Medium serial number");
  CHECK(attribute_name(0x1234) == "Attribute 0x1234");
  CHECK(attribute_value_text(l->attributes[4]) == "0xabababababababababababab");
}

TEST_CASE("attribute values: truncated by the allocation vs lying lengths") {
  B body;
  add(body, mam::load_count, 0x80, {0, 0, 0, 0, 0, 0, 0, 42});
  add(body, mam::barcode, 0x01, {'X', 'Y'});
  B full = with_length(body);
  B cut(full.begin(), full.end() - 3);
  auto l = parse_attribute_values(cut);
  REQUIRE(l.ok());
  CHECK(l->truncated);
  CHECK(l->attributes.size() == 1);

  B lying = full;
  lying[4 + 13 + 4] = 50;  // second attribute's length 50 inside a complete list
  auto e = parse_attribute_values(lying);
  REQUIRE_FALSE(e.ok());
  CHECK_THAT(e.error().message, Catch::Contains("attribute 0x0806") && Catch::Contains("attribute length 50"));
  REQUIRE_FALSE(parse_attribute_values(B{0, 0}).ok());
}
