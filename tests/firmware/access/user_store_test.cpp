#include "firmware/access/user_store.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <fstream>
#include <thread>

#include "firmware/console/test_support.hpp"

using namespace tg;
using namespace tg::firmware::access;

namespace {
constexpr std::uint32_t kFast = kMinPbkdf2Iterations;

void write_file(const std::filesystem::path& p, const std::string& text, mode_t mode = 0600) {
  std::ofstream(p, std::ios::binary) << text;
  ::chmod(p.c_str(), mode);
}
}  // namespace

TEST_CASE("users are added, authenticated, re-passworded and removed, and the file keeps only hashes", "[access]") {
  test::TempDir d;
  UserStore store(d.path() / "state" / "users", kFast);
  CHECK(store.load().value().empty());  // no file yet: no users

  REQUIRE(store.add("alice", Role::admin, "alice-password").ok());
  REQUIRE(store.add("bob", Role::viewer, "bob-password").ok());
  auto users = store.load().value();
  REQUIRE(users.size() == 2);
  CHECK(users[0].name == "alice");
  CHECK(users[0].role == Role::admin);
  CHECK(users[1].name == "bob");
  CHECK(users[1].role == Role::viewer);

  struct stat st{};
  REQUIRE(::stat(store.file().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::ifstream in(store.file());
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text.find("alice-password") == std::string::npos);
  CHECK(text.find("alice admin pbkdf2-sha256$1000$") != std::string::npos);

  CHECK(store.authenticate("alice", "alice-password").value() == Role::admin);
  CHECK(store.authenticate("bob", "bob-password").value() == Role::viewer);
  CHECK_FALSE(store.authenticate("alice", "bob-password").value());
  CHECK_FALSE(store.authenticate("carol", "alice-password").value());  // unknown: same answer as a wrong password

  auto again = store.add("alice", Role::viewer, "another-password");
  REQUIRE_FALSE(again);
  CHECK(again.error().message.find("already exists") != std::string::npos);

  REQUIRE(store.set_password("bob", "new-bob-password").ok());
  CHECK_FALSE(store.authenticate("bob", "bob-password").value());
  CHECK(store.authenticate("bob", "new-bob-password").value() == Role::viewer);
  CHECK(store.set_password("carol", "whatever-pw").error().code == Errc::not_found);

  REQUIRE(store.remove("bob").ok());
  CHECK(store.load().value().size() == 1);
  CHECK(store.remove("bob").error().code == Errc::not_found);
  CHECK_FALSE(store.authenticate("bob", "new-bob-password").value());
}

TEST_CASE("bad names and weak passwords are refused before anything is written", "[access]") {
  test::TempDir d;
  UserStore store(d.path() / "users", kFast);
  for (const char* name : {"", "Alice", "al ice", "al:ice", "-alice", ".alice", "alice/..", "a\nb",
                           "abcdefghijklmnopqrstuvwxyz0123456"}) {
    INFO(name);
    auto r = store.add(name, Role::viewer, "long-enough");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().message.find("user name") != std::string::npos);
  }
  CHECK(store.add("a.b_c-9", Role::viewer, "long-enough").ok());
  CHECK(store.add("weak", Role::viewer, "short").error().message.find("shorter than 8") != std::string::npos);
  CHECK(store.load().value().size() == 1);
}

TEST_CASE("a users file others can read, or one that does not parse, is an error naming file and line", "[access]") {
  test::TempDir d;
  const auto file = d.path() / "users";
  UserStore store(file, kFast);
  REQUIRE(store.add("alice", Role::admin, "alice-password").ok());
  std::ifstream in(file);
  const std::string good((std::istreambuf_iterator<char>(in)), {});

  ::chmod(file.c_str(), 0644);
  auto open = store.load();
  REQUIRE_FALSE(open);
  CHECK(open.error().message.find("has mode 0644") != std::string::npos);
  CHECK(open.error().message.find("chmod 600") != std::string::npos);
  // Authentication fails closed on it too.
  CHECK_FALSE(store.authenticate("alice", "alice-password"));

  const std::string hash = good.substr(good.find("pbkdf2"), good.find('\n', good.find("pbkdf2")) - good.find("pbkdf2"));
  struct Case {
    std::string text, says;
  };
  for (const auto& c : std::vector<Case>{
           {"alice admin\n", "line 1: expected NAME ROLE HASH"},
           {"# comment\n\nalice  admin " + hash + "\n", "line 3: expected NAME ROLE HASH"},
           {"alice root " + hash + "\n", "line 1: unknown role 'root'"},
           {"Alice admin " + hash + "\n", "line 1: user name"},
           {"alice admin pbkdf2-sha256$5$" + std::string(32, '0') + "$" + std::string(64, '0') + "\n", "line 1: password hash"},
           {"alice admin " + hash + "\nalice viewer " + hash + "\n", "line 2: user 'alice' is listed twice"},
           {"alice admin " + hash + "\r\n", "line 1: password hash"},
       }) {
    INFO(c.text);
    write_file(file, c.text);
    auto r = store.load();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::parse_error);
    CHECK(r.error().message.find(file.string()) != std::string::npos);
    CHECK(r.error().message.find(c.says) != std::string::npos);
    // A damaged file is never rewritten behind the operator's back.
    CHECK_FALSE(store.add("bob", Role::viewer, "bob-password").ok());
  }
  write_file(file, std::string(2 << 20, '#'));
  CHECK(store.load().error().message.find("larger than 1 MiB") != std::string::npos);

  // A symlink in its place is not followed.
  std::filesystem::remove(file);
  write_file(d.path() / "elsewhere", good);
  std::filesystem::create_symlink(d.path() / "elsewhere", file);
  CHECK_FALSE(store.load());
}

TEST_CASE("two writers at once never lose a user (the file is changed under a lock)", "[access]") {
  test::TempDir d;
  const auto file = d.path() / "users";
  std::atomic<int> failed{0};  // Catch's assertions are not thread-safe: count, check after
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      UserStore store(file, kFast);  // each its own store, as separate processes would be
      for (int i = 0; i < 5; ++i)
        if (!store.add("u" + std::to_string(w) + "-" + std::to_string(i), Role::viewer, "password-x").ok()) ++failed;
    });
  for (auto& t : writers) t.join();
  CHECK(failed == 0);
  CHECK(UserStore(file, kFast).load().value().size() == 20);
}
