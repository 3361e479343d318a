#include <catch2/catch.hpp>

#include "firmware/console/command_line.hpp"

using namespace tg;
using namespace tg::firmware::console;

TEST_CASE("split_command_line splits on blanks and honours quotes and escapes", "[console]") {
  auto w = split_command_line("  move  slot 3   'drive 0' \"a\\\"b\" c\\ d\t");
  REQUIRE(w.ok());
  CHECK(*w == std::vector<std::string>{"move", "slot", "3", "drive 0", "a\"b", "c d"});
  auto empty = split_command_line("   ");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("split_command_line rejects malformed lines with a reason", "[console]") {
  auto quote = split_command_line("load 'TG0001L9");
  REQUIRE_FALSE(quote.ok());
  CHECK(quote.error().message.find("unbalanced") != std::string::npos);

  auto ctl = split_command_line(std::string("load \x1b[2JTG", 11));
  REQUIRE_FALSE(ctl.ok());
  CHECK(ctl.error().message.find("control byte 0x1b at column 6") != std::string::npos);

  auto nul = split_command_line(std::string("inv\0entory", 10));
  REQUIRE_FALSE(nul.ok());
  CHECK(nul.error().code == Errc::invalid_argument);

  auto bad_utf8 = split_command_line("load \xff\xfe");
  REQUIRE_FALSE(bad_utf8.ok());
  CHECK(bad_utf8.error().message.find("UTF-8") != std::string::npos);
  CHECK(split_command_line("load caf\xc3\xa9").ok());            // valid UTF-8 passes
  CHECK_FALSE(split_command_line("x \xc0\xaf").ok());            // overlong form
  CHECK_FALSE(split_command_line("x \xed\xa0\x80").ok());        // surrogate

  auto longline = split_command_line(std::string(kMaxLineBytes + 1, 'a'));
  REQUIRE_FALSE(longline.ok());
  CHECK(longline.error().message.find("too long") != std::string::npos);

  std::string many;
  for (std::size_t i = 0; i <= kMaxWords; ++i) many += "w ";
  CHECK_FALSE(split_command_line(many).ok());
  CHECK_FALSE(split_command_line("trailing \\").ok());
}

TEST_CASE("join_command_line is the inverse of split", "[console]") {
  std::vector<std::vector<std::string>> cases = {
      {"inventory"}, {"job", "create", "n", "--source", "/srv/my repo"}, {"a\"b", "c\\d", "it's"}, {"", "x"}};
  for (const auto& words : cases) {
    auto back = split_command_line(join_command_line(words));
    REQUIRE(back.ok());
    CHECK(*back == words);
  }
}
