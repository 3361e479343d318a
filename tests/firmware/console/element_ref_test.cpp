// How an operator names a place in the library: one or two words, each
// form recognised, every malformed one refused with what was expected.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "firmware/console/element_ref.hpp"

using namespace tg;
using namespace tg::firmware::console;
using Kind = ElementRef::Kind;

namespace {

ElementRef take_all(const std::vector<std::string>& args) {
  std::size_t pos = 0;
  auto r = take_element_ref(args, pos);
  REQUIRE(r.ok());
  CHECK(pos == args.size());  // every word of the reference consumed
  return *r;
}

std::string refused(const std::vector<std::string>& args) {
  std::size_t pos = 0;
  auto r = take_element_ref(args, pos);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::invalid_argument);
  return r.error().message;
}

}  // namespace

TEST_CASE("element ref: slot, mail, drive, barcode, address and a bare word") {
  auto slot = take_all({"slot", "3"});
  CHECK(slot.kind == Kind::slot);
  CHECK(slot.number == 3);
  CHECK(slot.text == "slot 3");
  auto mail = take_all({"mail", "1"});
  CHECK(mail.kind == Kind::mail);
  CHECK(mail.number == 1);
  auto drive = take_all({"drive", "drive0"});
  CHECK(drive.kind == Kind::drive);
  CHECK(drive.text == "drive0");
  // A barcode that would read as an address.
  auto barcode = take_all({"barcode", "123456"});
  CHECK(barcode.kind == Kind::barcode);
  CHECK(barcode.text == "123456");
  auto address = take_all({"1026"});
  CHECK(address.kind == Kind::address);
  CHECK(address.number == 1026);
  CHECK(take_all({"65535"}).number == 65535);
  // A barcode or a drive name: the inventory decides.
  auto word = take_all({"TP0001L9"});
  CHECK(word.kind == Kind::word);
  CHECK(word.text == "TP0001L9");
}

TEST_CASE("element ref: two references in one command line are taken in turn") {
  const std::vector<std::string> args = {"slot", "2", "drive", "drive1", "TP0002L9"};
  std::size_t pos = 0;
  auto from = take_element_ref(args, pos);
  REQUIRE(from.ok());
  CHECK(pos == 2);
  auto to = take_element_ref(args, pos);
  REQUIRE(to.ok());
  CHECK(pos == 4);
  CHECK(to->kind == Kind::drive);
  auto third = take_element_ref(args, pos);
  REQUIRE(third.ok());
  CHECK(third->kind == Kind::word);
  CHECK(pos == 5);
  CHECK_THAT(refused({}), Catch::Contains("missing element"));
  auto past = take_element_ref(args, pos);
  REQUIRE_FALSE(past.ok());
  CHECK_THAT(past.error().message, Catch::Contains("missing element"));
}

TEST_CASE("element ref: malformed references say what was expected") {
  CHECK_THAT(refused({"slot"}), Catch::Contains("'slot' needs a number"));
  CHECK_THAT(refused({"mail"}), Catch::Contains("'mail' needs a number"));
  CHECK_THAT(refused({"slot", "0"}), Catch::Contains("expected a number from 1"));
  CHECK_THAT(refused({"slot", "two"}), Catch::Contains("'slot two': expected a number from 1"));
  CHECK_THAT(refused({"slot", "-1"}), Catch::Contains("expected a number from 1"));
  CHECK_THAT(refused({"slot", "1234567890"}), Catch::Contains("expected a number from 1"));
  CHECK_THAT(refused({"drive"}), Catch::Contains("'drive' needs a name"));
  CHECK_THAT(refused({"barcode"}), Catch::Contains("'barcode' needs a name"));
  CHECK_THAT(refused({"65536"}), Catch::Contains("out of range (0-65535)"));
}
