#include "firmware/console/escape.hpp"
#include "hal/hex.hpp"

#include <cstdint>
#include <cstdio>

namespace tg::firmware::console {
namespace {

void append_hex_byte(std::string& out, unsigned char b) {
  out += "\\x";
  hal::append_hex(out, b);
}

// C0 controls, DEL, and the C1 controls U+0080..U+009F (which some
// terminals act on like ESC sequences), from a valid sequence of length n.
bool is_control(std::string_view s, std::size_t i, std::size_t n) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (n == 1) return b < 0x20 || b == 0x7f;
  return n == 2 && b == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = at(i);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (b >= 0xc2 && b <= 0xdf) n = 2, cp = b & 0x1f;
  else if (b >= 0xe0 && b <= 0xef) n = 3, cp = b & 0x0f;
  else if (b >= 0xf0 && b <= 0xf4) n = 4, cp = b & 0x07;
  else return 0;   // a continuation byte, 0xc0/0xc1 (overlong) or 0xf5..0xff
  if (s.size() - i < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((at(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (at(i + k) & 0x3f);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;   // overlong
  if (cp >= 0xd800 && cp <= 0xdfff) return 0;                         // surrogate
  if (cp > 0x10ffff) return 0;
  return n;
}

std::string terminal_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_sequence_length(s, i);
    if (n == 0 || is_control(s, i, n)) {
      for (std::size_t k = 0; k < (n ? n : 1); ++k) append_hex_byte(out, static_cast<unsigned char>(s[i + k]));
      i += n ? n : 1;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  out.reserve(s.size() + 2);
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      // JSON text "\\xNN": the decoded string holds backslash, x, NN.
      out += '\\';
      append_hex_byte(out, c);
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\\\\\"; break;   // decodes to two backslashes
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

}  // namespace tg::firmware::console
