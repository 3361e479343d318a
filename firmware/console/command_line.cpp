#include "firmware/console/command_line.hpp"

#include <cstdio>

namespace tg::firmware::console {
namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if invalid (overlong
// forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t n;
  std::uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

}  // namespace

Status check_line_bytes(std::string_view line) {
  if (line.size() > kMaxLineBytes)
    return Error(Errc::invalid_argument,
                 "line too long: " + std::to_string(line.size()) + " bytes, the limit is " + std::to_string(kMaxLineBytes));
  for (std::size_t i = 0; i < line.size();) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02x", c);
      return Error(Errc::invalid_argument, std::string("control byte ") + buf + " at column " + std::to_string(i + 1) +
                                               " rejected; commands are plain text");
    }
    std::size_t n = utf8_length(line, i);
    if (n == 0)
      return Error(Errc::invalid_argument, "invalid UTF-8 at column " + std::to_string(i + 1) + " rejected; commands are plain text");
    i += n;
  }
  return {};
}

Result<std::vector<std::string>> split_command_line(std::string_view line) {
  TG_CHECK(check_line_bytes(line));
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
        cur += line[++i];
      } else {
        cur += c;
      }
      continue;
    }
    if (c == ' ' || c == '\t') {
      if (in_word) {
        if (words.size() == kMaxWords) return Error(Errc::invalid_argument, "too many words (limit " + std::to_string(kMaxWords) + ")");
        words.push_back(std::move(cur));
        cur.clear();
        in_word = false;
      }
      continue;
    }
    in_word = true;
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '\\') {
      if (i + 1 == line.size()) return Error(Errc::invalid_argument, "line ends with a lone backslash");
      cur += line[++i];
    } else {
      cur += c;
    }
  }
  if (quote) return Error(Errc::invalid_argument, std::string("unbalanced ") + quote + " quote");
  if (in_word) {
    if (words.size() == kMaxWords) return Error(Errc::invalid_argument, "too many words (limit " + std::to_string(kMaxWords) + ")");
    words.push_back(std::move(cur));
  }
  return words;
}

std::string join_command_line(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    bool plain = !w.empty() && w.find_first_of(" \t'\"\\") == std::string::npos;
    if (plain) {
      out += w;
      continue;
    }
    out += '"';
    for (char c : w) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

}  // namespace tg::firmware::console
