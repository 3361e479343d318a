#include "firmware/web/api_call.hpp"

#include <nlohmann/json.hpp>

#include "firmware/console/escape.hpp"

namespace tg::firmware::web {
namespace {

// A word the command table will see: bounded, printable UTF-8 (the console's
// own rule for lines: no control bytes), and not an option.
Status check_word(const std::string& w, std::string_view what) {
  if (w.empty()) return Error(Errc::invalid_argument, std::string(what) + " is empty");
  if (w.size() > kMaxApiWordBytes)
    return Error(Errc::invalid_argument, std::string(what) + " is longer than " + std::to_string(kMaxApiWordBytes) + " bytes");
  if (w.front() == '-')
    return Error(Errc::invalid_argument, std::string(what) + " '" + console::terminal_text(w) +
                                             "' starts with '-': give options as query parameters or JSON fields");
  if (console::terminal_text(w) != w)
    return Error(Errc::invalid_argument,
                 std::string(what) + " '" + console::terminal_text(w) + "' has control characters or is not UTF-8");
  return {};
}

// Option names as the command table spells them: lowercase words and digits
// joined by '-'. "json" is the API's own (every answer is JSON).
Status check_option(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 32 && name.front() >= 'a' && name.front() <= 'z' && name.back() != '-';
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok) return Error(Errc::invalid_argument, "'" + console::terminal_text(name) + "' is not an option name");
  if (name == "json") return Error(Errc::invalid_argument, "option 'json' is implied: every API answer is JSON");
  return {};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class WordList {
 public:
  Status add(std::string w) {
    if (words_.size() >= kMaxApiWords)
      return Error(Errc::invalid_argument, "more than " + std::to_string(kMaxApiWords) + " words in one request");
    words_.push_back(std::move(w));
    return {};
  }
  Status option(const std::string& name, const std::string* value) {
    TG_CHECK(check_option(name));
    for (const auto& seen : seen_)
      if (seen == name) return Error(Errc::invalid_argument, "option '" + name + "' is given twice");
    seen_.push_back(name);
    TG_CHECK(add("--" + name));
    if (value) {
      // A value is one word after its option, held to the rule of every
      // word: one that looks like an option would be taken as one by an
      // option without a value (?uncommitted=--force). An empty value is a
      // value (an empty string in JSON).
      if (!value->empty()) TG_CHECK(check_word(*value, "the value of '" + name + "'"));
      TG_CHECK(add(*value));
    }
    return {};
  }
  std::vector<std::string> take() { return std::move(words_); }

 private:
  std::vector<std::string> words_;
  std::vector<std::string> seen_;
};

Status body_options(std::string_view body, WordList& words) {
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error(Errc::invalid_argument, "the request body is not valid JSON");
  if (!j.is_object()) return Error(Errc::invalid_argument, "the request body must be a JSON object of options");
  std::vector<std::string> positional;
  for (const auto& [key, v] : j.items()) {
    if (key == "args") {
      if (!v.is_array()) return Error(Errc::invalid_argument, "'args' must be a list of strings");
      for (const auto& a : v) {
        if (!a.is_string()) return Error(Errc::invalid_argument, "'args' must be a list of strings");
        TG_CHECK(check_word(a.get<std::string>(), "an argument"));
        positional.push_back(a.get<std::string>());
      }
      continue;
    }
    if (v.is_boolean()) {
      if (v.get<bool>()) TG_CHECK(words.option(key, nullptr));
      else TG_CHECK(check_option(key));  // false: left out, but still a name
    } else if (v.is_null()) {
      TG_CHECK(check_option(key));
    } else if (v.is_string()) {
      const std::string s = v.get<std::string>();
      TG_CHECK(words.option(key, &s));
    } else if (v.is_number_integer() || v.is_number_unsigned()) {
      const std::string s = v.dump();
      TG_CHECK(words.option(key, &s));
    } else {
      return Error(Errc::invalid_argument, "option '" + console::terminal_text(key) +
                                               "' must be a string, a whole number, true or false");
    }
  }
  for (auto& p : positional) TG_CHECK(words.add(std::move(p)));
  return {};
}

}  // namespace

Result<std::vector<std::string>> split_api_path(std::string_view rest) {
  std::vector<std::string> out;
  if (rest.empty()) return Error(Errc::invalid_argument, "no command in the path: /api/v1/COMMAND[/ARGUMENT...]");
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = rest.find('/', start);
    const std::string_view part = rest.substr(start, slash == std::string_view::npos ? rest.npos : slash - start);
    if (part.empty()) return Error(Errc::invalid_argument, "the path has an empty part");
    std::string word;
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (part[i] != '%') {
        word += part[i];
        continue;
      }
      const int hi = i + 2 < part.size() ? hex_digit(part[i + 1]) : -1;
      const int lo = hi >= 0 ? hex_digit(part[i + 2]) : -1;
      if (lo < 0) return Error(Errc::invalid_argument, "the path has a bad %-escape");
      if (hi == 0 && lo == 0) return Error(Errc::invalid_argument, "the path has a NUL byte");
      word += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (out.size() >= kMaxApiWords)
      return Error(Errc::invalid_argument, "more than " + std::to_string(kMaxApiWords) + " words in one request");
    out.push_back(std::move(word));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

Result<std::vector<std::string>> api_words(std::span<const std::string> segments, const QueryParams& query,
                                           std::string_view body) {
  if (segments.empty()) return Error(Errc::invalid_argument, "no command in the path: /api/v1/COMMAND[/ARGUMENT...]");
  WordList words;
  for (const auto& s : segments) {
    TG_CHECK(check_word(s, "path part"));
    TG_CHECK(words.add(s));
  }
  for (const auto& [k, v] : query) TG_CHECK(words.option(k, v.empty() ? nullptr : &v));
  if (!body.empty()) TG_CHECK(body_options(body, words));
  return words.take();
}

}  // namespace tg::firmware::web
