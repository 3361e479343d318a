// API requests become console words: the path names the command and its
// arguments, the query or the JSON body its options, and nothing a client
// sends can become an option it did not name as one.
#include "firmware/web/api_call.hpp"

#include <catch2/catch.hpp>

using namespace tg;
using namespace tg::firmware::web;

namespace {
std::vector<std::string> words(std::vector<std::string> path, QueryParams q = {}, std::string body = {}) {
  auto w = api_words(path, q, body);
  INFO((w ? std::string() : w.error().message));
  REQUIRE(w.ok());
  return *w;
}
std::string refused(std::vector<std::string> path, QueryParams q = {}, std::string body = {}) {
  auto w = api_words(path, q, body);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == Errc::invalid_argument);
  return w.error().message;
}
using V = std::vector<std::string>;
}  // namespace

TEST_CASE("api words: path parts, query options and JSON body options", "[web]") {
  CHECK(words({"inventory"}) == V{"inventory"});
  CHECK(words({"drive", "info", "drive0"}) == V{"drive", "info", "drive0"});
  CHECK(words({"catalog", "list"}, {{"pool", "weekly"}, {"uncommitted", ""}}) ==
        V{"catalog", "list", "--pool", "weekly", "--uncommitted"});
  CHECK(words({"backup"}, {}, R"({"source": "/srv/backup", "pool": "weekly", "all": true, "drive": null, "x": false})") ==
        V{"backup", "--all", "--pool", "weekly", "--source", "/srv/backup"});
  CHECK(words({"drive", "erase"}, {}, R"({"args": ["drive0"], "force": true, "long": false})") ==
        V{"drive", "erase", "--force", "drive0"});
  CHECK(words({"catalog", "jobs"}, {}, R"({"limit": 5})") == V{"catalog", "jobs", "--limit", "5"});
  CHECK(words({"status"}, {}, "{}") == V{"status"});
}

TEST_CASE("api words: nothing a client sends turns into an option it did not name", "[web]") {
  CHECK_THAT(refused({"drive", "info", "--force"}), Catch::Contains("starts with '-'"));
  CHECK_THAT(refused({"drive", "erase"}, {}, R"({"args": ["-f"]})"), Catch::Contains("starts with '-'"));
  // A value that looks like an option would become one after an option
  // that takes none (found by fuzz_web_request).
  CHECK_THAT(refused({"catalog", "list"}, {{"uncommitted", "--force"}}), Catch::Contains("starts with '-'"));
  CHECK_THAT(refused({"backup"}, {}, R"({"pool": "--force"})"), Catch::Contains("starts with '-'"));
  CHECK_THAT(refused({"status"}, {{"json", ""}}), Catch::Contains("implied"));
  CHECK_THAT(refused({"status"}, {{"Pool", "x"}}), Catch::Contains("not an option name"));
  CHECK_THAT(refused({"status"}, {{"pool x", "x"}}), Catch::Contains("not an option name"));
  CHECK_THAT(refused({"status"}, {{"pool", "a"}, {"pool", "b"}}), Catch::Contains("twice"));
  CHECK_THAT(refused({"status"}, {{"pool", "a\nb"}}), Catch::Contains("control characters"));
  CHECK_THAT(refused({"status\x1b[2J"}), Catch::Contains("control characters"));
  CHECK_THAT(refused({"st\xff"}), Catch::Contains("not UTF-8"));
}

TEST_CASE("api words: malformed bodies are named, not half used", "[web]") {
  CHECK_THAT(refused({"backup"}, {}, R"({"pool": "weekly")"), Catch::Contains("not valid JSON"));
  CHECK_THAT(refused({"backup"}, {}, R"(["pool"])"), Catch::Contains("JSON object"));
  CHECK_THAT(refused({"backup"}, {}, R"({"pool": {"a": 1}})"), Catch::Contains("must be a string"));
  CHECK_THAT(refused({"backup"}, {}, R"({"pool": 1.5})"), Catch::Contains("must be a string"));
  CHECK_THAT(refused({"backup"}, {}, R"({"args": "drive0"})"), Catch::Contains("list of strings"));
  CHECK_THAT(refused({"backup"}, {}, R"({"args": [1]})"), Catch::Contains("list of strings"));
  CHECK_THAT(refused({"backup"}, {}, R"({"a b": true})"), Catch::Contains("not an option name"));
  CHECK_THAT(refused({"backup"}, {}, "{\"pool\": \"" + std::string(kMaxApiWordBytes + 1, 'x') + "\"}"),
             Catch::Contains("longer than"));
  std::string many = R"({"args": [)";
  for (std::size_t i = 0; i < kMaxApiWords; ++i) many += std::string(i ? "," : "") + "\"a\"";
  CHECK_THAT(refused({"backup"}, {}, many + "]}"), Catch::Contains("more than"));
  CHECK_THAT(refused({}), Catch::Contains("no command"));
}

TEST_CASE("api path: split at '/', percent-decoded, empty parts and NUL refused", "[web]") {
  CHECK(split_api_path("drive/info/drive0").value() == V{"drive", "info", "drive0"});
  CHECK(split_api_path("restore/vm%2F1%20a").value() == V{"restore", "vm/1 a"});  // an encoded '/' stays in its word
  CHECK_FALSE(split_api_path("").ok());
  CHECK_FALSE(split_api_path("drive//info").ok());
  CHECK_FALSE(split_api_path("drive/").ok());
  CHECK_FALSE(split_api_path("a%2").ok());
  CHECK_FALSE(split_api_path("a%zz").ok());
  CHECK_THAT(split_api_path("a%00b").error().message, Catch::Contains("NUL"));
}
