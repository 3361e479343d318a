#pragma once
// HTTP Basic credentials (RFC 7617) from an Authorization header value:
// "Basic " and the base64 of "user:password". Strict: one scheme word,
// canonical base64 with its padding, a user name without ':' and no
// control bytes in either part; anything else is refused with a reason
// (the server answers 401 and never says which part was wrong).
#include <optional>
#include <string>
#include <string_view>

#include "hal/result.hpp"

namespace tg::firmware::web {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// Longest header value taken: user names are 32 bytes, passwords 255.
inline constexpr std::size_t kMaxAuthorizationBytes = 1024;

Result<BasicCredentials> parse_basic_authorization(std::string_view header);

// Standard base64 (RFC 4648 4) with padding; nullopt on any other byte,
// bad length or non-canonical padding bits.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace tg::firmware::web
