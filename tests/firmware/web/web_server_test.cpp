// The web API end to end on loopback, as a monitoring system or a script
// would use it: the service's command table behind HTTP Basic, roles
// decided before the body is read, the same JSON as `--json`, a backup
// started by an operator followed to its end through /api/v1/job/status,
// /metrics accepted by promtool, and garbage answered with a 4xx while the
// server keeps serving.
#include "firmware/web/web_server.hpp"

#include <sys/stat.h>

#include <httplib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "firmware/access/user_store.hpp"
#include "firmware/console/bench.hpp"
#include "firmware/metrics/promtool.hpp"

using namespace tg;
using namespace tg::firmware;
using nlohmann::json;

namespace {

struct WebBench {
  WebBench() {
    bench.app.in_service = true;  // jobs in the background, as under `serve`
    access::UserStore users(bench.app.paths.users(), access::kMinPbkdf2Iterations);
    REQUIRE(users.add("vic", access::Role::viewer, "viewer-password").ok());
    REQUIRE(users.add("olga", access::Role::operator_, "operator-password").ok());
    REQUIRE(users.add("ada", access::Role::admin, "admin-password").ok());
    server = std::make_unique<web::WebServer>(bench.app, bench.table, web::WebOptions{.host = "127.0.0.1", .port = 0});
    auto report = server->start();
    INFO((report ? *report : report.error().message));
    REQUIRE(report.ok());
    CHECK_THAT(*report, Catch::Contains("http://127.0.0.1:" + std::to_string(server->port()) + "/api/v1/"));
  }
  ~WebBench() { server->stop(); }

  httplib::Client client(const std::string& user = "", const std::string& password = "") {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(60, 0);
    if (!user.empty()) c.set_basic_auth(user.c_str(), password.c_str());
    return c;
  }

  test::Bench bench;
  std::unique_ptr<web::WebServer> server;
};

json body_of(const httplib::Result& r) {
  REQUIRE(r);
  INFO(r->body);
  auto j = json::parse(r->body, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

}  // namespace

TEST_CASE("web API: 401 without a login, the console's JSON with one, 403 naming the role needed", "[web][integration]") {
  WebBench w;
  auto anon = w.client().Get("/api/v1/inventory");
  REQUIRE(anon);
  CHECK(anon->status == 401);
  CHECK_THAT(anon->get_header_value("WWW-Authenticate"), Catch::StartsWith("Basic realm="));
  auto wrong = w.client("vic", "not-the-password").Get("/api/v1/inventory");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  CHECK(body_of(wrong)["error"]["message"] == "wrong user name or password");

  // The same barcodes as `tapegate --json inventory`.
  auto viewer = w.client("vic", "viewer-password");
  auto inv = viewer.Get("/api/v1/inventory");
  REQUIRE(inv);
  CHECK(inv->status == 200);
  CHECK(inv->get_header_value("Content-Type") == "application/json");
  auto console = w.bench.run({"--json", "inventory"});
  REQUIRE(console.exit_status == firmware::console::kExitOk);
  CHECK(json::parse(inv->body) == json::parse(console.output));
  std::vector<std::string> barcodes;
  const json listed = json::parse(inv->body);
  for (const auto& s : listed["slots"])
    if (s["full"] == true) barcodes.push_back(s["barcode"]);
  CHECK(barcodes.size() == 4);

  // A viewer may not start a backup: refused before the body is looked at.
  auto denied = viewer.Post("/api/v1/backup", "{not even json", "application/json");
  REQUIRE(denied);
  CHECK(denied->status == 403);
  CHECK(body_of(denied)["error"]["message"] == "'backup' needs the operator role; vic is viewer");
  // --force needs admin, whatever the command needs otherwise.
  auto operator_ = w.client("olga", "operator-password");
  auto forced = operator_.Post("/api/v1/export", R"({"args": ["TG0001L9"], "force": true})", "application/json");
  REQUIRE(forced);
  CHECK(forced->status == 403);
  CHECK_THAT(body_of(forced)["error"]["message"].get<std::string>(), Catch::Contains("needs the admin role"));
  // A destructive command without force: the console's confirmation rule.
  auto erase = w.client("ada", "admin-password").Post("/api/v1/drive/erase", R"({"args": ["drive0"]})", "application/json");
  REQUIRE(erase);
  CHECK(erase->status == 400);
  CHECK_THAT(body_of(erase)["error"]["message"].get<std::string>(), Catch::Contains("--force"));
  // Commands that change something are POST only.
  auto get_backup = operator_.Get("/api/v1/load/TG0001L9");
  REQUIRE(get_backup);
  CHECK(get_backup->status == 405);
  CHECK(get_backup->get_header_value("Allow") == "POST");
}

TEST_CASE("web API: an operator's backup runs as a job and its progress is visible at /api/v1/jobs", "[web][integration]") {
  WebBench w;
  const auto repo = w.bench.tmp.path() / "repo";
  std::filesystem::create_directories(repo / "vm-1");
  std::ofstream(repo / "vm-1" / "full.vbk", std::ios::binary) << std::string(3 << 20, 'x');
  std::ofstream(repo / "vm-1" / "inc.vib", std::ios::binary) << std::string(4096, 'y');
  auto admin = w.client("ada", "admin-password");
  auto pool = admin.Post("/api/v1/pool/create/weekly", "", "application/json");
  REQUIRE(pool);
  CHECK(pool->status == 200);

  auto op = w.client("olga", "operator-password");
  const json req = {{"source", repo.string()}, {"pool", "weekly"}};
  auto started = op.Post("/api/v1/backup", req.dump(), "application/json");
  REQUIRE(started);
  INFO(started->body);
  REQUIRE(started->status == 200);
  const auto id = body_of(started)["job"].get<std::int64_t>();
  CHECK(id > 0);

  std::string state;
  REQUIRE(test::eventually([&] {
    auto st = op.Get("/api/v1/job/status/" + std::to_string(id));
    if (!st || st->status != 200) return false;
    auto j = json::parse(st->body, nullptr, false);
    state = j.value("state", "");
    return state == "succeeded" || state == "failed" || state == "cancelled";
  }));
  CHECK(state == "succeeded");
  auto jobs = w.client("vic", "viewer-password").Get("/api/v1/job/list");
  REQUIRE(jobs);
  CHECK(jobs->status == 200);
  CHECK_THAT(jobs->body, Catch::Contains("\"state\":\"succeeded\""));
  CHECK_THAT(jobs->body, Catch::Contains("backup"));
}

TEST_CASE("web: /metrics for any user, accepted by promtool, naming every drive", "[web][integration]") {
  WebBench w;
  auto anon = w.client().Get("/metrics");
  REQUIRE(anon);
  CHECK(anon->status == 401);
  auto m = w.client("vic", "viewer-password").Get("/metrics");
  REQUIRE(m);
  CHECK(m->status == 200);
  CHECK_THAT(m->get_header_value("Content-Type"), Catch::StartsWith("text/plain; version=0.0.4"));
  CHECK_THAT(m->body, Catch::Contains("tapegate_drive_loaded{drive=\"drive0\""));
  CHECK_THAT(m->body, Catch::Contains("tapegate_drive_loaded{drive=\"drive1\""));
  auto [status, verdict] = test::promtool_check(w.bench.tmp.path(), m->body);
  INFO(verdict);
  CHECK(status == 0);
}

TEST_CASE("web: garbage gets a clear 4xx and the server keeps serving", "[web][integration]") {
  WebBench w;
  auto op = w.client("olga", "operator-password");
  auto status_of = [](const httplib::Result& r) { return r ? r->status : -1; };
  CHECK(status_of(op.Post("/api/v1/backup", "{\"pool\": ", "application/json")) == 400);
  CHECK(status_of(op.Post("/api/v1/backup", "pool=weekly", "application/x-www-form-urlencoded")) == 415);
  CHECK(status_of(op.Post("/api/v1/backup", std::string(100 * 1024, 'a'), "application/json")) == 413);
  CHECK(status_of(op.Delete("/api/v1/status")) == 405);
  CHECK(status_of(op.Get("/api/v1/no/such/command")) == 404);
  CHECK(status_of(op.Get("/api/v1/")) == 400);
  CHECK(status_of(op.Get("/index.html")) == 404);
  CHECK(status_of(op.Get("/api/v1/drive/info/--force")) == 400);
  CHECK(status_of(op.Get("/api/v1/drive/info/drive0%00")) == 400);
  CHECK(status_of(op.Get("/api/v1/job/watch/1")) == 400);  // follows forever: poll instead
  httplib::Headers huge{{"X-Filler", std::string(20000, 'h')}};
  const int huge_status = status_of(op.Get("/api/v1/status", huge));
  CHECK((huge_status == 400 || huge_status == 431 || huge_status == -1));
  auto bad_auth = w.client();
  httplib::Headers garbage{{"Authorization", "Basic !!!not-base64"}};
  CHECK(status_of(bad_auth.Get("/api/v1/status", garbage)) == 401);
  httplib::Headers cookie{{"Cookie", std::string(4000, ';')}};
  CHECK(status_of(bad_auth.Get("/api/v1/status", cookie)) == 401);
  // Still serving.
  auto ok = op.Get("/api/v1/status");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("web: plain HTTP only on loopback, TLS options go together, addresses are checked", "[web]") {
  CHECK(web::parse_http_address("127.0.0.1:8080").value().port == 8080);
  CHECK(web::parse_http_address("[::1]:9443").value().host == "::1");
  CHECK_FALSE(web::parse_http_address("8080").ok());
  CHECK_FALSE(web::parse_http_address("127.0.0.1:0").ok());
  CHECK_FALSE(web::parse_http_address("127.0.0.1:70000").ok());
  CHECK_FALSE(web::parse_http_address("127.0.0.1:80x").ok());
  CHECK_FALSE(web::parse_http_address("::1:80").ok());
  CHECK(web::is_loopback_host("127.0.0.1"));
  CHECK(web::is_loopback_host("127.1.2.3"));
  CHECK(web::is_loopback_host("::1"));
  CHECK(web::is_loopback_host("localhost"));
  CHECK_FALSE(web::is_loopback_host("0.0.0.0"));
  CHECK_FALSE(web::is_loopback_host("192.0.2.1"));
  CHECK_FALSE(web::is_loopback_host("127.example.com"));  // a name could resolve anywhere
  CHECK(web::check_web_options({.host = "127.0.0.1", .port = 8080}).ok());
  CHECK(web::check_web_options({.host = "0.0.0.0", .port = 8080}).ok());  // served with TLS: our own certificate
  CHECK_FALSE(web::check_web_options({.host = "127.0.0.1", .port = 8080, .tls_cert = "c.pem"}).ok());
  CHECK(web::check_web_options({.host = "0.0.0.0", .port = 8443, .tls_cert = "c.pem", .tls_key = "k.pem"}).ok());
}

TEST_CASE("web: TLS with the operator's certificate, its fingerprint in the boot report", "[web][integration]") {
  test::Bench b;
  const auto dir = b.tmp.path();
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=tapegate-test -keyout '" +
                          (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  access::UserStore users(b.app.paths.users(), access::kMinPbkdf2Iterations);
  REQUIRE(users.add("vic", access::Role::viewer, "viewer-password").ok());
  web::WebServer server(b.app, b.table,
                        {.host = "127.0.0.1", .port = 0, .tls_cert = dir / "cert.pem", .tls_key = dir / "key.pem"});
  auto report = server.start();
  INFO((report ? *report : report.error().message));
  REQUIRE(report.ok());
  auto fp = web::certificate_fingerprint(dir / "cert.pem");
  REQUIRE(fp.ok());
  CHECK(fp->size() == 32 * 3 - 1);
  CHECK_THAT(*report, Catch::Contains(*fp) && Catch::Contains("https://127.0.0.1:"));
  httplib::SSLClient c("127.0.0.1", server.port());
  c.enable_server_certificate_verification(false);  // self-signed, pinned by its fingerprint in real use
  c.set_basic_auth("vic", "viewer-password");
  auto r = c.Get("/api/v1/version");
  REQUIRE(r);
  CHECK(r->status == 200);
  // Plain HTTP to the TLS port gets nothing useful.
  httplib::Client plain("127.0.0.1", server.port());
  auto p = plain.Get("/api/v1/version");
  CHECK((!p || p->status >= 400));
  server.stop();

  web::WebServer broken(b.app, b.table, {.host = "127.0.0.1", .port = 0, .tls_cert = dir / "key.pem", .tls_key = dir / "key.pem"});
  auto bad = broken.start();
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("not a PEM certificate"));
}

TEST_CASE("web: the pages need no login but their data does, and a browser session needs its CSRF token to change anything",
          "[web][integration]") {
  WebBench w;
  auto c = w.client();
  auto root = c.Get("/");
  REQUIRE(root);
  CHECK(root->status == 302);
  CHECK(root->get_header_value("Location") == "/ui/");
  for (const char* page : {"/ui/", "/ui/app.js", "/ui/app.css"}) {
    auto p = c.Get(page);
    REQUIRE(p);
    CHECK(p->status == 200);
    CHECK_THAT(p->get_header_value("Content-Security-Policy"), Catch::Contains("default-src 'none'"));
  }
  CHECK(c.Get("/ui/../users")->status == 404);
  CHECK(c.Get("/ui/nothing.js")->status == 404);

  // The page's own requests get no Basic challenge (no browser dialog).
  httplib::Headers from_page{{"X-Tapegate-Page", "1"}};
  auto anon = c.Get("/api/v1/session", from_page);
  REQUIRE(anon);
  CHECK(anon->status == 401);
  CHECK_FALSE(anon->has_header("WWW-Authenticate"));

  CHECK(c.Post("/api/v1/login", R"({"user": "olga", "password": "nope"})", "application/json")->status == 401);
  CHECK(c.Post("/api/v1/login", R"({"user": "olga"})", "application/json")->status == 400);
  CHECK(c.Get("/api/v1/login")->status == 405);
  auto login = c.Post("/api/v1/login", R"({"user": "olga", "password": "operator-password"})", "application/json");
  REQUIRE(login);
  REQUIRE(login->status == 200);
  const std::string set_cookie = login->get_header_value("Set-Cookie");
  CHECK_THAT(set_cookie, Catch::StartsWith("tapegate_session=") && Catch::Contains("HttpOnly") &&
                             Catch::Contains("SameSite=Strict"));
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const auto session = body_of(login);
  CHECK(session["user"] == "olga");
  CHECK(session["role"] == "operator");
  const std::string csrf = session["csrf"];

  httplib::Headers with_cookie{{"Cookie", cookie}};
  auto who = c.Get("/api/v1/session", with_cookie);
  REQUIRE(who);
  CHECK(who->status == 200);
  CHECK(body_of(who)["csrf"] == csrf);
  CHECK(c.Get("/api/v1/inventory", with_cookie)->status == 200);
  // Changing something: the cookie alone is not enough (another site's
  // page could make the browser send it), the CSRF token is.
  auto forged = c.Post("/api/v1/load/TG0001L9", with_cookie, "{}", "application/json");
  REQUIRE(forged);
  CHECK(forged->status == 403);
  CHECK_THAT(body_of(forged)["error"]["message"].get<std::string>(), Catch::Contains("X-CSRF-Token"));
  httplib::Headers with_token{{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  auto loaded = c.Post("/api/v1/load/TG0001L9", with_token, "{}", "application/json");
  REQUIRE(loaded);
  CHECK(loaded->status == 200);

  auto out = c.Post("/api/v1/logout", with_token, "", "application/json");
  REQUIRE(out);
  CHECK(out->status == 200);
  CHECK(c.Get("/api/v1/inventory", with_cookie)->status == 401);
}
