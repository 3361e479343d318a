#include <catch2/catch.hpp>

#include "firmware/console/line_editor.hpp"

using namespace tg::firmware::console;
using Kind = LineEditor::Event::Kind;

namespace {
// Feeds a string; returns the events that completed.
std::vector<LineEditor::Event> type(LineEditor& ed, const std::string& bytes, std::string* echo = nullptr) {
  std::vector<LineEditor::Event> evs;
  std::string out;
  for (unsigned char b : bytes) {
    auto e = ed.feed(b, out);
    if (e.kind != Kind::none) evs.push_back(e);
  }
  if (echo) *echo = out;
  return evs;
}
}  // namespace

TEST_CASE("line editor: typing, Enter as CR, LF or CR LF", "[console]") {
  LineEditor ed;
  std::string echo;
  auto e = type(ed, "status\r", &echo);
  REQUIRE(e.size() == 1);
  CHECK(e[0].line == "status");
  CHECK(echo == "status\n");
  e = type(ed, "a\r\nb\n");
  REQUIRE(e.size() == 2);  // CR LF counts once
  CHECK(e[0].line == "a");
  CHECK(e[1].line == "b");
}

TEST_CASE("line editor: backspace, ctrl-U, ctrl-C", "[console]") {
  LineEditor ed;
  std::string echo;
  auto e = type(ed, "loaf\x7f" "d\r", &echo);
  REQUIRE(e.size() == 1);
  CHECK(e[0].line == "load");
  CHECK(echo.find("\b \b") != std::string::npos);
  e = type(ed, "erase everything\x15status\r");
  REQUIRE(e.size() == 1);
  CHECK(e[0].line == "status");
  e = type(ed, "drive erase\x03");
  REQUIRE(e.size() == 1);
  CHECK(e[0].kind == Kind::interrupt);
  CHECK(ed.buffer().empty());
  e = type(ed, "\x08\x08x\r");  // backspace on an empty line just rings
  CHECK(e[0].line == "x");
}

TEST_CASE("line editor: arrows move the cursor and browse history", "[console]") {
  LineEditor ed;
  type(ed, "inventory\r");
  type(ed, "status\r");
  auto e = type(ed, "\x1b[A\x1b[A\r");  // up twice: the older line
  REQUIRE(e.size() == 1);
  CHECK(e[0].line == "inventory");
  e = type(ed, "half\x1b[A\x1b[B\r");  // up then down: back to what was typed
  REQUIRE(e.size() == 1);
  CHECK(e[0].line == "half");
  e = type(ed, "lad\x1b[D\x1b[Do\r");  // left twice, insert
  CHECK(e[0].line == "load");
  e = type(ed, "abc\x1b[H" "X\x1bOF" "Y\r");  // home, end (SS3 form)
  CHECK(e[0].line == "XabcY");
  e = type(ed, "abc\x1b[D\x1b[D\x1b[3~\r");  // delete under the cursor
  CHECK(e[0].line == "ac");
  CHECK(ed.history().back() == "ac");
  type(ed, "ac\r");  // a repeat is not stored twice
  CHECK(ed.history().size() == 7);
}

TEST_CASE("line editor: garbage is dropped and counted, the line survives", "[console]") {
  LineEditor ed("> ", 16);
  auto e = type(ed, std::string("st\x00\x02\x80\xff" "at\x1b[99zus\x1bZ\r", 18));
  REQUIRE(e.size() == 1);
  CHECK(e[0].line == "status");
  CHECK(ed.take_rejected() == 6);  // 4 stray bytes, an unknown CSI, an unknown ESC
  CHECK(ed.take_rejected() == 0);
  e = type(ed, std::string(40, 'x') + "\r");
  REQUIRE(e.size() == 1);
  CHECK(e[0].line.size() == 16);
  CHECK(ed.take_overflowed());
  // An endless escape sequence ends at the limit, then typing works again.
  e = type(ed, "\x1b[" + std::string(30, '1') + "ok\r");
  REQUIRE(e.size() == 1);
  CHECK(e[0].line.find("ok") != std::string::npos);
}
