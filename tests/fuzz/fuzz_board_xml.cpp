// Board files are written by hand by whoever installs the appliance; a
// typo, a truncated copy or a file of the wrong kind must give an error
// naming the line, never a crash or a half-built board. Parsed from the
// buffer (parse_board_xml touches no files; the base directory only
// resolves a relative state path).
#include <cstddef>
#include <cstdint>
#include <string>

#include "board/board_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto d = tg::board::parse_board_xml(text, "fuzz.xml", "/nonexistent/boards");
  if (d.ok()) {
    // Exactly one of a simulated library or explicit devices.
    if (d->sim.has_value() == d->changer.has_value()) __builtin_trap();
  } else if (d.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
