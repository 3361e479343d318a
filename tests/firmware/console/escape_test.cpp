// The one escaping rule of console output (firmware/console/escape.hpp):
// hostile file names neither drive the terminal nor break a JSON listing.
#include <catch2/catch.hpp>

#include "firmware/console/escape.hpp"

using namespace tg::firmware::console;

TEST_CASE("escape: terminal text shows control bytes and invalid UTF-8 as hex escapes") {
  CHECK(terminal_text("plain/path.vbk") == "plain/path.vbk");
  CHECK(terminal_text("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(terminal_text("row\r\nforged") == "row\\x0d\\x0aforged");
  CHECK(terminal_text("del\x7f") == "del\\x7f");
  CHECK(terminal_text("caf\xc3\xa9") == "caf\xc3\xa9");          // valid UTF-8 stays
  CHECK(terminal_text("bad\xff") == "bad\\xff");                  // not UTF-8
  CHECK(terminal_text("cut\xc3") == "cut\\xc3");                  // truncated sequence
  CHECK(terminal_text("over\xc0\xaf") == "over\\xc0\\xaf");       // overlong '/'
  CHECK(terminal_text("c1\xc2\x9b") == "c1\\xc2\\x9b");           // C1 CSI
  CHECK(terminal_text("back\\slash") == "back\\slash");
}

TEST_CASE("escape: JSON strings are valid UTF-8 and reversible") {
  CHECK(json_quote("plain") == "\"plain\"");
  CHECK(json_quote("q\"uote") == "\"q\\\"uote\"");
  CHECK(json_quote("nl\n") == "\"nl\\n\"");
  CHECK(json_quote("esc\x1b") == "\"esc\\u001b\"");
  CHECK(json_quote("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
  // Invalid byte 0xff: the decoded string holds the four characters \xff,
  // written in JSON as \\xff; a real backslash decodes to two backslashes.
  CHECK(json_quote("bad\xff") == "\"bad\\\\xff\"");
  CHECK(json_quote("a\\b") == "\"a\\\\\\\\b\"");
  for (unsigned c = 0; c < 256; ++c) {
    std::string s(1, static_cast<char>(c));
    auto q = json_quote(s);
    for (std::size_t i = 0; i < q.size();) {
      auto n = utf8_sequence_length(q, i);
      REQUIRE(n > 0);
      i += n;
    }
  }
}

TEST_CASE("escape: UTF-8 sequence lengths") {
  CHECK(utf8_sequence_length("a", 0) == 1);
  CHECK(utf8_sequence_length("\xc3\xa9", 0) == 2);
  CHECK(utf8_sequence_length("\xe2\x82\xac", 0) == 3);
  CHECK(utf8_sequence_length("\xf0\x9f\x92\xbe", 0) == 4);
  CHECK(utf8_sequence_length("\xed\xa0\x80", 0) == 0);  // surrogate
  CHECK(utf8_sequence_length("\xf4\x90\x80\x80", 0) == 0);  // above U+10FFFF
  CHECK(utf8_sequence_length("\x80", 0) == 0);
}
