// user add|list|passwd|remove through the command table, as every console
// front (CLI, prompt, serial line, control socket) runs them.
#include <sys/stat.h>

#include <fstream>

#include "firmware/console/bench.hpp"
#include "firmware/access/user_store.hpp"

using namespace tg;
using namespace tg::firmware::console;

namespace {
std::string password_file(const test::Bench& b, const std::string& name, const std::string& text, mode_t mode = 0600) {
  const auto p = b.tmp.path() / name;
  std::ofstream(p, std::ios::binary) << text;
  ::chmod(p.c_str(), mode);
  return p.string();
}
}  // namespace

TEST_CASE("user add, list, passwd and remove manage the API's users without ever showing a password", "[console][access]") {
  test::Bench b;
  auto none = b.run({"user", "list"});
  CHECK(none.exit_status == kExitOk);
  CHECK(none.output.find("no users yet") != std::string::npos);

  const auto pw = password_file(b, "pw", "s3cret-admin-pw\n");
  auto add = b.run({"user", "add", "alice", "--role", "admin", "--password-file", pw});
  INFO(add.output);
  REQUIRE(add.exit_status == kExitOk);
  CHECK(add.output.find("s3cret") == std::string::npos);
  auto op = b.run({"--json", "user", "add", "oscar", "--role", "operator", "--password-file", password_file(b, "pw2", "operator-pw")});
  INFO(op.output);
  REQUIRE(op.exit_status == kExitOk);
  CHECK(op.output.find("\"role\":\"operator\"") != std::string::npos);

  auto list = b.run({"--json", "user", "list"});
  INFO(list.output);
  CHECK(list.output.find("{\"user\":\"alice\",\"role\":\"admin\"}") != std::string::npos);
  CHECK(list.output.find("{\"user\":\"oscar\",\"role\":\"operator\"}") != std::string::npos);
  CHECK(list.output.find("pbkdf2") == std::string::npos);

  // The password checks out against the file the command wrote.
  firmware::access::UserStore store(b.app.paths.users());
  CHECK(store.authenticate("alice", "s3cret-admin-pw").value() == firmware::access::Role::admin);

  REQUIRE(b.run({"user", "passwd", "oscar", "--password-file", password_file(b, "pw3", "changed-pw-1")}).exit_status == kExitOk);
  CHECK(store.authenticate("oscar", "changed-pw-1").value() == firmware::access::Role::operator_);

  // Removing is destructive: --force outside an interactive prompt.
  auto ask = b.run({"user", "remove", "oscar"});
  CHECK(ask.exit_status != kExitOk);
  CHECK(ask.output.find("--force") != std::string::npos);
  REQUIRE(b.run({"user", "remove", "oscar", "--force"}).exit_status == kExitOk);
  CHECK(b.run({"user", "remove", "oscar", "--force"}).exit_status == kExitFailed);
  CHECK(store.load().value().size() == 1);

  // Every event names the user, never the password.
  std::ifstream log(b.app.paths.log() / "events.log");
  const std::string events((std::istreambuf_iterator<char>(log)), {});
  CHECK(events.find("user 'alice' added with role admin") != std::string::npos);
  CHECK(events.find("s3cret") == std::string::npos);
}

TEST_CASE("user add refuses a bad role, a missing or readable password file and a weak password, naming each", "[console][access]") {
  test::Bench b;
  const auto good = password_file(b, "good", "long-enough-pw");
  struct Case {
    std::vector<std::string> words;
    std::string says;
  };
  for (const auto& c : std::vector<Case>{
           {{"user", "add", "alice", "--password-file", good}, "--role viewer|operator|admin is needed"},
           {{"user", "add", "alice", "--role", "root", "--password-file", good}, "unknown role 'root'"},
           {{"user", "add", "alice", "--role", "admin"}, "--password-file FILE is needed"},
           {{"user", "add", "alice", "--role", "admin", "--password-file", password_file(b, "open", "long-enough-pw", 0644)},
            "has mode 0644"},
           {{"user", "add", "alice", "--role", "admin", "--password-file", (b.tmp.path() / "missing").string()}, "password file"},
           {{"user", "add", "alice", "--role", "admin", "--password-file", password_file(b, "weak", "short")}, "shorter than 8"},
           {{"user", "add", "Alice!", "--role", "admin", "--password-file", good}, "user name 'Alice!'"},
           {{"user", "passwd", "nobody", "--password-file", good}, "no user 'nobody'"},
       }) {
    auto r = b.run(c.words);
    INFO(r.output);
    CHECK(r.exit_status != kExitOk);
    CHECK(r.output.find(c.says) != std::string::npos);
    CHECK(r.output.find("long-enough-pw") == std::string::npos);
  }
  CHECK(firmware::access::UserStore(b.app.paths.users()).load().value().empty());
}
