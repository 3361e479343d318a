#pragma once
// A small JSON reader for tests that check what `--json` prints: types
// matter (a number must be a number, not a string holding one). Strict
// enough for the console's own output; not a general parser.
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tg::test {

struct Json {
  using Object = std::map<std::string, Json>;
  using Array = std::vector<Json>;
  std::variant<std::nullptr_t, bool, double, std::string, std::shared_ptr<Array>, std::shared_ptr<Object>> v;

  bool is_null() const { return v.index() == 0; }
  bool is_bool() const { return v.index() == 1; }
  bool is_number() const { return v.index() == 2; }
  bool is_string() const { return v.index() == 3; }
  bool is_array() const { return v.index() == 4; }
  bool is_object() const { return v.index() == 5; }
  double number() const { return std::get<double>(v); }
  const std::string& string() const { return std::get<std::string>(v); }
  const Array& array() const { return *std::get<4>(v); }
  const Object& object() const { return *std::get<5>(v); }
  bool has(const std::string& key) const { return is_object() && object().count(key) > 0; }
  const Json& operator[](const std::string& key) const { return object().at(key); }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : s_(text) {}
  // The one value the text holds; nullopt when it is not valid JSON.
  std::optional<Json> parse() {
    auto j = value();
    ws();
    if (!j || at_ != s_.size()) return std::nullopt;
    return j;
  }

 private:
  void ws() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\n' || s_[at_] == '\r' || s_[at_] == '\t')) ++at_;
  }
  bool eat(char c) {
    ws();
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool word(std::string_view w) {
    if (s_.substr(at_, w.size()) != w) return false;
    at_ += w.size();
    return true;
  }
  std::optional<std::string> str() {
    if (!eat('"')) return std::nullopt;
    std::string out;
    while (at_ < s_.size() && s_[at_] != '"') {
      char c = s_[at_++];
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= s_.size()) return std::nullopt;
      char e = s_[at_++];
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u':
          if (at_ + 4 > s_.size()) return std::nullopt;
          out += '?';  // the code point itself does not matter to these tests
          at_ += 4;
          break;
        default: return std::nullopt;
      }
    }
    if (at_ >= s_.size()) return std::nullopt;
    ++at_;
    return out;
  }
  std::optional<Json> value() {
    ws();
    if (at_ >= s_.size()) return std::nullopt;
    const char c = s_[at_];
    if (c == '{') {
      ++at_;
      auto obj = std::make_shared<Json::Object>();
      if (eat('}')) return Json{obj};
      do {
        auto k = str();
        if (!k || !eat(':')) return std::nullopt;
        auto v = value();
        if (!v) return std::nullopt;
        (*obj)[*k] = std::move(*v);
      } while (eat(','));
      if (!eat('}')) return std::nullopt;
      return Json{obj};
    }
    if (c == '[') {
      ++at_;
      auto arr = std::make_shared<Json::Array>();
      if (eat(']')) return Json{arr};
      do {
        auto v = value();
        if (!v) return std::nullopt;
        arr->push_back(std::move(*v));
      } while (eat(','));
      if (!eat(']')) return std::nullopt;
      return Json{arr};
    }
    if (c == '"') {
      auto s = str();
      if (!s) return std::nullopt;
      return Json{*s};
    }
    if (word("true")) return Json{true};
    if (word("false")) return Json{false};
    if (word("null")) return Json{nullptr};
    const std::string rest(s_.substr(at_, 64));
    char* end = nullptr;
    const double d = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str()) return std::nullopt;
    at_ += static_cast<std::size_t>(end - rest.c_str());
    return Json{d};
  }

  std::string_view s_;
  std::size_t at_ = 0;
};

inline std::optional<Json> parse_json(std::string_view text) { return JsonReader(text).parse(); }

}  // namespace tg::test
