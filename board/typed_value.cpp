#include "board/typed_value.hpp"

#include <charconv>

namespace tg::board {

Result<std::uint64_t> parse_unsigned(const std::string& text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t v = 0;
  const char* b = text.data();
  const char* e = text.data() + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    b += 2;
    base = 16;
  }
  auto r = std::from_chars(b, e, v, base);
  if (text.empty() || b == e || r.ec != std::errc() || r.ptr != e)
    return Error(Errc::invalid_argument, "'" + text + "' is not a number");
  if (v < min || v > max)
    return Error(Errc::invalid_argument, text + " is not in " + std::to_string(min) + ".." + std::to_string(max));
  return v;
}

Result<bool> parse_bool(const std::string& t) {
  if (t == "1" || t == "true" || t == "yes" || t == "on") return true;
  if (t == "0" || t == "false" || t == "no" || t == "off") return false;
  return Error(Errc::invalid_argument, "'" + t + "' is not a boolean (true/false)");
}

}  // namespace tg::board
