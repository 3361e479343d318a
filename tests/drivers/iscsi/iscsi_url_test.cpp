#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "drivers/iscsi/iscsi_url.hpp"

using tg::Errc;
using namespace tg::drivers::iscsi;

TEST_CASE("full URL with credentials, port, target and LUN", "[iscsi][url]") {
  auto u = parse_iscsi_url("iscsi://backup%s3cr%2Ft@192.168.10.5:3261/iqn.2026-11.com.example:lib1/4");
  REQUIRE(u.ok());
  CHECK(u->host == "192.168.10.5");
  CHECK(u->port == 3261);
  CHECK(u->target == "iqn.2026-11.com.example:lib1");
  REQUIRE(u->lun);
  CHECK(*u->lun == 4);
  CHECK(u->credentials.user == "backup");
  // Everything after the first '%' is the password, taken literally.
  CHECK(u->credentials.password == "s3cr%2Ft");
  CHECK(u->portal() == "192.168.10.5:3261");
  CHECK(u->describe() == "iscsi://192.168.10.5:3261/iqn.2026-11.com.example:lib1/4");
}

TEST_CASE("describe() never contains the credentials", "[iscsi][url]") {
  auto u = parse_iscsi_url("iscsi://admin%hunter2@127.0.0.1/iqn.2026-11.t:x/0");
  REQUIRE(u.ok());
  CHECK(u->describe().find("hunter2") == std::string::npos);
  CHECK(u->describe().find("admin") == std::string::npos);
}

TEST_CASE("a password with '/', '@' and ':' still splits at the last '@'", "[iscsi][url]") {
  auto u = parse_iscsi_url("iscsi://u%a/b@c:d@127.0.0.1:3260/iqn.2026-11.t:x/1");
  REQUIRE(u.ok());
  CHECK(u->credentials.user == "u");
  CHECK(u->credentials.password == "a/b@c:d");
  CHECK(u->host == "127.0.0.1");
  CHECK(*u->lun == 1);
}

TEST_CASE("portal URL: default port, no target, no LUN", "[iscsi][url]") {
  auto u = parse_iscsi_url("iscsi://127.0.0.1");
  REQUIRE(u.ok());
  CHECK(u->port == kDefaultPort);
  CHECK(u->target.empty());
  CHECK_FALSE(u->lun);
  CHECK(u->credentials.empty());
  CHECK(u->describe() == "iscsi://127.0.0.1:3260");
  CHECK(parse_iscsi_url("iscsi://127.0.0.1:3270/").ok());
  CHECK_FALSE(require_target(*u).ok());
  CHECK(require_target(*u).error().message.find("no target name") != std::string::npos);
}

TEST_CASE("target URL without LUN is rejected by require_lun with a hint", "[iscsi][url]") {
  auto u = parse_iscsi_url("iscsi://127.0.0.1:3260/iqn.2026-11.t:x");
  REQUIRE(u.ok());
  CHECK(require_target(*u).ok());
  auto st = require_lun(*u);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == Errc::invalid_argument);
  CHECK(st.error().message.find("no LUN") != std::string::npos);
}

TEST_CASE("percent-encoded target names are decoded like libiscsi does", "[iscsi][url]") {
  auto u = parse_iscsi_url("iscsi://127.0.0.1/iqn.2026-11.t%3Alib/2");
  REQUIRE(u.ok());
  CHECK(u->target == "iqn.2026-11.t:lib");
  auto bad = parse_iscsi_url("iscsi://127.0.0.1/iqn.2026-11.t%3/2");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("percent") != std::string::npos);
}

TEST_CASE("IPv6 literals in brackets and host names", "[iscsi][url]") {
  auto v6 = parse_iscsi_url("iscsi://[::1]:3299/iqn.2026-11.t:x/0");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 3299);
  CHECK(v6->portal() == "[::1]:3299");
  auto name = parse_iscsi_url("iscsi://tape-lib.example.com/iqn.2026-11.t:x/0");
  REQUIRE(name.ok());
  CHECK(name->host == "tape-lib.example.com");
}

TEST_CASE("scheme is case-insensitive", "[iscsi][url]") {
  CHECK(parse_iscsi_url("ISCSI://127.0.0.1/iqn.2026-11.t:x/0").ok());
}

TEST_CASE("bad URLs give clear errors naming the wrong part", "[iscsi][url]") {
  const std::map<std::string, std::string> cases = {
      {"http://127.0.0.1/iqn.2026-11.t:x/0", "does not start with iscsi://"},
      {"iscsi://", "no host name"},
      {"iscsi://:3260/iqn.2026-11.t:x/0", "no host name"},
      {"iscsi://127.0.0.1:0/iqn.2026-11.t:x/0", "outside 1..65535"},
      {"iscsi://127.0.0.1:65536/iqn.2026-11.t:x/0", "outside 1..65535"},
      {"iscsi://127.0.0.1:32a0/iqn.2026-11.t:x/0", "is not a number"},
      {"iscsi://127.0.0.1:/iqn.2026-11.t:x/0", "is not a number"},
      {"iscsi://256.1.1.1/iqn.2026-11.t:x/0", "not an IPv4 address"},
      {"iscsi://1.2.3/iqn.2026-11.t:x/0", "not an IPv4 address"},
      {"iscsi://01.2.3.4/iqn.2026-11.t:x/0", "not an IPv4 address"},
      {"iscsi://bad_host/iqn.2026-11.t:x/0", "not a valid host name"},
      {"iscsi://[::1/iqn.2026-11.t:x/0", "not closed"},
      {"iscsi://[zz]/iqn.2026-11.t:x/0", "not an IPv6 address"},
      {"iscsi://127.0.0.1/target1/0", "not an iSCSI name"},
      {"iscsi://127.0.0.1/iqn.2026-11.t x/0", "contains ' '"},
      {"iscsi://127.0.0.1//0", "empty target name"},
      {"iscsi://127.0.0.1/iqn.2026-11.t:x/lun1", "is not a number"},
      {"iscsi://127.0.0.1/iqn.2026-11.t:x/-1", "is not a number"},
      {"iscsi://127.0.0.1/iqn.2026-11.t:x/16384", "above 16383"},
      {"iscsi://127.0.0.1/iqn.2026-11.t:x/1/2", "extra path"},
      {"iscsi://@127.0.0.1/iqn.2026-11.t:x/1", "empty CHAP user"},
      {"iscsi://u%@127.0.0.1/iqn.2026-11.t:x/1", "empty CHAP password"},
  };
  for (const auto& [url, expect] : cases) {
    INFO(url);
    auto r = parse_iscsi_url(url);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().message.find(expect) != std::string::npos);
  }
}

TEST_CASE("errors about a bad URL never echo the password", "[iscsi][url]") {
  for (const char* url : {"iscsi://u%topsecret@300.0.0.1/iqn.2026-11.t:x/0",
                          "iscsi://u%top/secret@127.0.0.1/nope/0",
                          "iscsi://u%topsecret@127.0.0.1:99999/iqn.2026-11.t:x/0"}) {
    INFO(url);
    auto r = parse_iscsi_url(url);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("secret") == std::string::npos);
  }
}

TEST_CASE("a password that holds a secret-reference key is refused without being echoed", "[iscsi][url]") {
  // The key inside the password is followed by "@host": the value then
  // holds a raw '@', which a reference never does.
  for (const char* url : {"iscsi://u%topPW?secret-file=/x@127.0.0.1/iqn.2026-11.t:x/0",
                          "iscsi://u%topPW?secret-env=X@127.0.0.1/iqn.2026-11.t:x/0"}) {
    INFO(url);
    auto r = parse_iscsi_url(url);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("topPW") == std::string::npos);
    CHECK(r.error().message.find("write it as %40") != std::string::npos);
  }
}

namespace {
const char* fake_env(const char* name) {
  static const std::map<std::string, std::string> env = {{"TAPEGATE_ISCSI_USER", "envuser"},
                                                         {"TAPEGATE_ISCSI_PASSWORD", "envpass123456"}};
  auto it = env.find(name);
  return it == env.end() ? nullptr : it->second.c_str();
}
const char* empty_env(const char*) { return nullptr; }
}  // namespace

TEST_CASE("credentials come from the URL first, then the environment", "[iscsi][url]") {
  const auto env = credentials_from_env(&fake_env);
  CHECK(env.user == "envuser");
  CHECK(env.password == "envpass123456");
  CHECK(credentials_from_env(&empty_env).empty());

  auto plain = parse_iscsi_url("iscsi://127.0.0.1/iqn.2026-11.t:x/0");
  REQUIRE(plain.ok());
  fill_credentials(*plain, env);
  CHECK(plain->credentials.user == "envuser");
  CHECK(plain->credentials.password == "envpass123456");

  auto own = parse_iscsi_url("iscsi://me%mine@127.0.0.1/iqn.2026-11.t:x/0");
  REQUIRE(own.ok());
  fill_credentials(*own, env);
  CHECK(own->credentials.user == "me");
  CHECK(own->credentials.password == "mine");

  // A user in the URL without a password takes the password from the
  // environment only when the environment names no other user.
  auto user_only = parse_iscsi_url("iscsi://envuser@127.0.0.1/iqn.2026-11.t:x/0");
  REQUIRE(user_only.ok());
  fill_credentials(*user_only, env);
  CHECK(user_only->credentials.password == "envpass123456");
  auto other_user = parse_iscsi_url("iscsi://someone@127.0.0.1/iqn.2026-11.t:x/0");
  REQUIRE(other_user.ok());
  fill_credentials(*other_user, env);
  CHECK(other_user->credentials.password.empty());
}

TEST_CASE("with_lun keeps everything else", "[iscsi][url]") {
  auto u = parse_iscsi_url("iscsi://127.0.0.1:3300/iqn.2026-11.t:x");
  REQUIRE(u.ok());
  auto l = u->with_lun(5);
  CHECK(l.describe() == "iscsi://127.0.0.1:3300/iqn.2026-11.t:x/5");
}

TEST_CASE("redact_secret hides every CHAP password and nothing else", "[iscsi][url]") {
  CHECK(redact_secret("iscsi://backup%s3cr%2Ft@192.168.10.5:3261/iqn.2026-11.com.example:lib1/4") ==
        "iscsi://backup%***@192.168.10.5:3261/iqn.2026-11.com.example:lib1/4");
  // A password holding '@', '/' and '%' still ends at the URL's last '@'.
  CHECK(redact_secret("ISCSI://u%p@ss/w%rd@host/iqn.x/1") == "ISCSI://u%***@host/iqn.x/1");
  // Inside an error text, quoted, and twice.
  CHECK(redact_secret("board 'iscsi://u%SECRET@h/iqn.a/0': login failed; iscsi://v%OTHER@h2 too") ==
        "board 'iscsi://u%***@h/iqn.a/0': login failed; iscsi://v%***@h2 too");
  // Nothing to hide: a user without a password, no credentials, not a URL.
  CHECK(redact_secret("iscsi://user@host:3260/iqn.x/0") == "iscsi://user@host:3260/iqn.x/0");
  CHECK(redact_secret("iscsi://host/iqn.x/0") == "iscsi://host/iqn.x/0");
  CHECK(redact_secret("sim:drives=2,slots=10") == "sim:drives=2,slots=10");
  CHECK(redact_secret("") == "");
  CHECK(redact_secret("iscsi://") == "iscsi://");
}

TEST_CASE("a CHAP password named by ?secret-file= or ?secret-env= instead of held in the URL", "[iscsi][url]") {
  auto file = parse_iscsi_url("iscsi://backup@192.168.10.5:3261/iqn.2026-11.com.example:lib1/4?secret-file=/etc/tapegate/chap");
  REQUIRE(file.ok());
  CHECK(file->credentials.user == "backup");
  CHECK(file->credentials.password.empty());  // read when the board connects (chap_secret.hpp)
  REQUIRE(file->secret);
  CHECK(file->secret->kind == SecretReference::Kind::file);
  CHECK(file->secret->name == "/etc/tapegate/chap");
  CHECK(file->target == "iqn.2026-11.com.example:lib1");
  CHECK(*file->lun == 4);

  auto env = parse_iscsi_url("iscsi://backup@127.0.0.1/iqn.2026-11.t:x?secret-env=TG_CHAP_2");
  REQUIRE(env.ok());
  REQUIRE(env->secret);
  CHECK(env->secret->kind == SecretReference::Kind::env);
  CHECK(env->secret->name == "TG_CHAP_2");
  CHECK(env->target == "iqn.2026-11.t:x");
  CHECK_FALSE(env->lun);

  // The value is percent-decoded: '@', '&' and '%' in a path are written escaped.
  auto escaped = parse_iscsi_url("iscsi://u@h/iqn.2026-11.t:x/0?secret-file=/srv/a%40b%26c%25d");
  REQUIRE(escaped.ok());
  CHECK(escaped->secret->name == "/srv/a@b&c%d");

  // A password in the URL may still hold a '?': only the keys start a reference.
  auto question = parse_iscsi_url("iscsi://u%p?ss@127.0.0.1/iqn.2026-11.t:x/1");
  REQUIRE(question.ok());
  CHECK(question->credentials.password == "p?ss");
  CHECK_FALSE(question->secret);

  // Neither the path nor the variable's name is secret: nothing to redact.
  const std::string spec = "iscsi://u@h/iqn.2026-11.t:x/0?secret-file=/etc/tapegate/chap";
  CHECK(redact_secret(spec) == spec);
}

TEST_CASE("malformed secret references are refused with the reason", "[iscsi][url]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"iscsi://u%pw@h/iqn.2026-11.t:x/1?secret-file=/etc/chap", "both in the URL and in secret-file"},
      {"iscsi://h/iqn.2026-11.t:x/1?secret-env=TG_CHAP", "secret-env needs the CHAP user name"},
      {"iscsi://u@h/iqn.2026-11.t:x/1?secret-file=chap", "not an absolute path"},
      {"iscsi://u@h/iqn.2026-11.t:x/1?secret-file=", "empty secret-file"},
      {"iscsi://u@h/iqn.2026-11.t:x/1?secret-env=1ABC", "not a variable name"},
      {"iscsi://u@h/iqn.2026-11.t:x/1?secret-env=A-B", "not a variable name"},
      {"iscsi://u@h/iqn.2026-11.t:x/1?secret-file=/a&secret-env=B", "one parameter at most"},
      {"iscsi://u@h/iqn.2026-11.t:x/1?secret-file=/a@b", "write it as %40"},
      {"iscsi://u@h/iqn.2026-11.t:x/1?secret-file=/a%4", "bad percent escape"},
      {"iscsi://u@h/iqn.2026-11.t:x/1?password=x", "unknown parameter after '?'"},
  };
  for (const auto& [url, expect] : cases) {
    INFO(url);
    auto r = parse_iscsi_url(url);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().message.find(expect) != std::string::npos);
  }
  // The refusal of a password given twice does not echo it.
  auto twice = parse_iscsi_url("iscsi://u%topsecret@h/iqn.2026-11.t:x/1?secret-env=TG_CHAP");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message.find("topsecret") == std::string::npos);
}
