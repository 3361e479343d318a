// What an HTTP client controls of an API request after cpp-httplib has
// parsed it: the path after /api/v1/, the query options, the JSON body and
// the Authorization header. Input: those four parts separated by 0x01
// bytes (query as KEY=VALUE pairs separated by '&'). Whatever they hold,
// the words handed to the command table are bounded, printable and never
// an option the client did not name as one, or there is an error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "firmware/web/api_call.hpp"
#include "firmware/web/basic_auth.hpp"
#include "firmware/web/sessions.hpp"

namespace {
std::string_view take(std::string_view& in) {
  const std::size_t sep = in.find('\x01');
  std::string_view part = in.substr(0, sep);
  in = sep == std::string_view::npos ? std::string_view() : in.substr(sep + 1);
  return part;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace w = tg::firmware::web;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string_view path = take(in), query_text = take(in), body = take(in), auth = take(in), cookie = take(in);

  const std::string cookie_header(cookie);
  const std::string session = w::cookie_value(cookie_header, "tapegate_session");
  if (session.size() > cookie.size() || session.find(';') != std::string::npos) __builtin_trap();

  auto creds = w::parse_basic_authorization(auth);
  if (creds.ok() && (creds->user.empty() || creds->user.find(':') != std::string::npos)) __builtin_trap();

  auto parts = w::split_api_path(path);
  if (!parts.ok()) return 0;
  w::QueryParams query;
  std::string_view q = query_text;
  while (!q.empty()) {
    const std::size_t amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    const std::size_t eq = pair.find('=');
    query.emplace_back(std::string(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
  }
  auto words = w::api_words(*parts, query, body);
  if (!words.ok()) return 0;
  if (words->empty() || words->size() > w::kMaxApiWords) __builtin_trap();
  // Options are exactly those named in the query or the body: every word
  // starting with '-' is "--" and a name of theirs, never a value or an
  // argument, so no value can turn into an option.
  std::size_t options = 0;
  for (const auto& word : *words) {
    if (word.size() > w::kMaxApiWordBytes + 2 || word.empty()) __builtin_trap();
    for (unsigned char c : word)
      if (c < 0x20 || c == 0x7f) __builtin_trap();
    if (word.front() == '-') {
      if (word.rfind("--", 0) != 0 || word.size() < 3 || word[2] < 'a' || word[2] > 'z') __builtin_trap();
      ++options;
    }
  }
  if (options > query.size() + body.size()) __builtin_trap();
  for (std::size_t i = 0; i < parts->size(); ++i)
    if ((*words)[i] != (*parts)[i] || (*parts)[i].front() == '-') __builtin_trap();
  return 0;
}
