// The web server's own certificate: made once into the state directory,
// valid for the served address, its key private, kept across starts.
#include "firmware/web/self_signed.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "firmware/console/test_support.hpp"
#include "firmware/web/web_server.hpp"

using namespace tg;
using namespace tg::firmware;

TEST_CASE("web: without the operator's certificate, one of our own made once into the state directory", "[web]") {
  test::TempDir d;
  auto made = web::ensure_self_signed(d.path() / "tls", "192.0.2.10");
  REQUIRE(made.ok());
  CHECK(made->created);
  struct stat st {};
  REQUIRE(::stat(made->key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto fp = web::certificate_fingerprint(made->cert);
  REQUIRE(fp.ok());
  // Its names: the served address (and loopback for the appliance itself).
  const std::string text_file = (d.path() / "cert.txt").string();
  REQUIRE(std::system(("openssl x509 -noout -text -in '" + made->cert.string() + "' > '" + text_file + "'").c_str()) == 0);
  std::ifstream in(text_file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("IP Address:192.0.2.10") && Catch::Contains("TLS Web Server Authentication") &&
                       Catch::Contains("prime256v1"));
  // The key matches: a TLS server starts with the pair.
  REQUIRE(std::system(("openssl x509 -noout -pubkey -in '" + made->cert.string() + "' > '" + text_file + ".a' && " +
                       "openssl pkey -pubout -in '" + made->key.string() + "' > '" + text_file + ".b' && cmp -s '" +
                       text_file + ".a' '" + text_file + ".b'").c_str()) == 0);
  // The next start keeps it: the fingerprint the operator pinned stays.
  auto again = web::ensure_self_signed(d.path() / "tls", "192.0.2.10");
  REQUIRE(again.ok());
  CHECK_FALSE(again->created);
  CHECK(web::certificate_fingerprint(again->cert).value() == *fp);
  // Half a pair is named, never silently replaced.
  std::filesystem::remove(made->key);
  auto half = web::ensure_self_signed(d.path() / "tls", "192.0.2.10");
  REQUIRE_FALSE(half.ok());
  CHECK_THAT(half.error().message, Catch::Contains("incomplete"));
}
