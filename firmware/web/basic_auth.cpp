#include "firmware/web/basic_auth.hpp"

#include <array>

namespace tg::firmware::web {
namespace {

constexpr std::array<std::int8_t, 256> kDecode = [] {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}();

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        ++pad;
        v[k] = 0;
        continue;
      }
      if (pad) return std::nullopt;  // a data byte after '='
      v[k] = kDecode[static_cast<unsigned char>(c)];
      if (v[k] < 0) return std::nullopt;
    }
    const std::uint32_t n = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                            (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    // Canonical only: the bits a padded group drops must be zero.
    if ((pad == 1 && (n & 0xff) != 0) || (pad == 2 && (n & 0xffff) != 0)) return std::nullopt;
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

Result<BasicCredentials> parse_basic_authorization(std::string_view header) {
  if (header.size() > kMaxAuthorizationBytes) return Error(Errc::invalid_argument, "the Authorization header is too long");
  const std::size_t sp = header.find(' ');
  if (sp == std::string_view::npos) return Error(Errc::invalid_argument, "the Authorization header has no credentials");
  std::string scheme(header.substr(0, sp));
  for (auto& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (scheme != "basic") return Error(Errc::invalid_argument, "only HTTP Basic authentication is accepted");
  std::string_view token = header.substr(sp + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  auto decoded = decode_base64(token);
  if (!decoded) return Error(Errc::invalid_argument, "the Basic credentials are not base64");
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return Error(Errc::invalid_argument, "the Basic credentials have no ':'");
  BasicCredentials c{decoded->substr(0, colon), decoded->substr(colon + 1)};
  if (c.user.empty() || has_control(c.user) || has_control(c.password))
    return Error(Errc::invalid_argument, "the Basic credentials have an empty user or control characters");
  return c;
}

}  // namespace tg::firmware::web
