// CHAP passwords read from a file or a variable a URL names: the file's
// type and mode are checked, errors name the file and never hold the secret.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "drivers/iscsi/chap_secret.hpp"

using tg::Errc;
using namespace tg::drivers::iscsi;
namespace fs = std::filesystem;

namespace {

class SecretDir {
 public:
  SecretDir() {
    std::string tmpl = (fs::temp_directory_path() / "tg-chap-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~SecretDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path write(const std::string& name, const std::string& contents, mode_t mode) {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << contents;
    REQUIRE(::chmod(p.c_str(), mode) == 0);
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const char* fake_env(const char* name) {
  static const std::map<std::string, std::string> env = {{"TG_CHAP", "from-the-environment"}, {"TG_EMPTY", ""}};
  auto it = env.find(name);
  return it == env.end() ? nullptr : it->second.c_str();
}

}  // namespace

TEST_CASE("a secret file of the owner's alone gives its one line", "[iscsi][secret]") {
  SecretDir d;
  auto plain = read_secret_file(d.write("plain", "s3cret-pw", 0600));
  REQUIRE(plain.ok());
  CHECK(*plain == "s3cret-pw");
  // The line's end is not part of the secret; a read-only file is as good.
  auto newline = read_secret_file(d.write("newline", "s3cret-pw\n", 0400));
  REQUIRE(newline.ok());
  CHECK(*newline == "s3cret-pw");
  auto crlf = read_secret_file(d.write("crlf", "s3cret-pw\r\n", 0600));
  REQUIRE(crlf.ok());
  CHECK(*crlf == "s3cret-pw");
}

TEST_CASE("a secret file others may read, or that is no regular file, is refused naming the file", "[iscsi][secret]") {
  SecretDir d;
  for (mode_t mode : {0644, 0640, 0604, 0660, 0606, 0601, 0610}) {
    INFO("mode " << std::oct << mode);
    const fs::path f = d.write("open", "TOPSECRET\n", mode);
    auto r = read_secret_file(f);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().message.find(f.string()) != std::string::npos);
    CHECK(r.error().message.find("has mode 0" + [&] {
            char b[8];
            std::snprintf(b, sizeof b, "%o", static_cast<unsigned>(mode));
            return std::string(b);
          }()) != std::string::npos);
    CHECK(r.error().message.find("chmod 600") != std::string::npos);
    CHECK(r.error().message.find("TOPSECRET") == std::string::npos);
  }

  auto dir = read_secret_file(d.path());
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().message.find("not a regular file") != std::string::npos);

  const fs::path fifo = d.path() / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto pipe = read_secret_file(fifo);  // never blocks waiting for a writer
  REQUIRE_FALSE(pipe.ok());
  CHECK(pipe.error().message.find("not a regular file") != std::string::npos);

  auto missing = read_secret_file(d.path() / "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::not_found);
  CHECK(missing.error().message.find((d.path() / "nope").string()) != std::string::npos);
}

TEST_CASE("a secret file that is empty, too long or several lines is refused without its contents", "[iscsi][secret]") {
  SecretDir d;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "is empty"},
      {"\n", "is empty"},
      {std::string(kMaxSecretBytes + 1, 'S'), "longer than"},
      {"SECRETLINE\nSECRETMORE\n", "more than one line"},
  };
  for (const auto& [contents, expect] : cases) {
    INFO(expect);
    auto r = read_secret_file(d.write("bad", contents, 0600));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find(expect) != std::string::npos);
    CHECK(r.error().message.find("SECRET") == std::string::npos);
  }
  auto longest = read_secret_file(d.write("longest", std::string(kMaxSecretBytes, 'x') + "\n", 0600));
  REQUIRE(longest.ok());
  CHECK(longest->size() == kMaxSecretBytes);
}

TEST_CASE("resolve_secret fills the password from the file or the variable the URL names", "[iscsi][secret]") {
  SecretDir d;
  const fs::path f = d.write("chap", "file-secret\n", 0600);
  auto url = parse_iscsi_url("iscsi://backup@127.0.0.1/iqn.2026-11.t:x/0?secret-file=" + f.string());
  REQUIRE(url.ok());
  REQUIRE(resolve_secret(*url, &fake_env).ok());
  CHECK(url->credentials.user == "backup");
  CHECK(url->credentials.password == "file-secret");

  auto env = parse_iscsi_url("iscsi://backup@127.0.0.1/iqn.2026-11.t:x/0?secret-env=TG_CHAP");
  REQUIRE(env.ok());
  // The reference wins over a password the environment's fallback filled in.
  env->credentials.password = "fallback";
  REQUIRE(resolve_secret(*env, &fake_env).ok());
  CHECK(env->credentials.password == "from-the-environment");

  auto unset = parse_iscsi_url("iscsi://backup@127.0.0.1/iqn.2026-11.t:x/0?secret-env=TG_NOT_SET");
  REQUIRE(unset.ok());
  auto e1 = resolve_secret(*unset, &fake_env);
  REQUIRE_FALSE(e1.ok());
  CHECK(e1.error().message.find("TG_NOT_SET") != std::string::npos);
  CHECK(e1.error().message.find("not set") != std::string::npos);
  auto empty = parse_iscsi_url("iscsi://backup@127.0.0.1/iqn.2026-11.t:x/0?secret-env=TG_EMPTY");
  REQUIRE(empty.ok());
  auto e2 = resolve_secret(*empty, &fake_env);
  REQUIRE_FALSE(e2.ok());
  CHECK(e2.error().message.find("empty") != std::string::npos);

  // No reference: the credentials stay as they are.
  auto none = parse_iscsi_url("iscsi://me%mine@127.0.0.1/iqn.2026-11.t:x/0");
  REQUIRE(none.ok());
  REQUIRE(resolve_secret(*none, &fake_env).ok());
  CHECK(none->credentials.password == "mine");
}
