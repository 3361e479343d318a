#include "firmware/web/web_server.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include "firmware/access/user_store.hpp"
#include "firmware/console/dispatch.hpp"
#include "firmware/console/escape.hpp"
#include "firmware/console/unattended.hpp"
#include "firmware/metrics/appliance_metrics.hpp"
#include "firmware/web/api_call.hpp"
#include "firmware/web/assets.hpp"
#include "firmware/web/basic_auth.hpp"
#include "firmware/web/login_guard.hpp"
#include "firmware/web/self_signed.hpp"
#include "firmware/web/sessions.hpp"
#include "hal/clock.hpp"
#include "hal/hex.hpp"

namespace tg::firmware::web {
namespace {

constexpr std::string_view kApiPrefix = "/api/v1/";
constexpr std::size_t kMaxBodyBytes = 64 * 1024;  // options of one command; 413 beyond
constexpr int kWorkerThreads = 8;
constexpr const char* kSessionCookie = "tapegate_session";
// Pages run only their own script and style and are never framed.
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void send_error(httplib::Response& res, int status, Errc code, const std::string& message) {
  res.status = status;
  res.set_content(console::render_error_json(Error(code, message)), "application/json");
}

// What a command's failure means to an HTTP client.
int status_for(const console::Outcome& o) {
  if (!o.is_error) return 200;  // a report, clean or not: its "ok" says which
  switch (o.code) {
    case Errc::invalid_argument:
    case Errc::parse_error: return 400;
    case Errc::not_found: return 404;
    case Errc::busy:
    case Errc::element_full:
    case Errc::element_empty:
    case Errc::cancelled: return 409;
    case Errc::unsupported: return 501;
    default: break;
  }
  return o.exit_status == console::kExitUsage ? 400 : 500;
}

// The users file's identity for the login cache: a change by `tapegate
// user` (rename over it) changes its inode and modification time.
std::string users_version(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return "absent";
  return std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

// The caller of the request this worker thread is serving, set by the
// pre-routing step (before the body is read) for the handler.
struct Caller {
  std::string user;
  access::Role role = access::Role::viewer;
  std::string csrf;  // when the caller is a browser session
};
thread_local Caller t_caller;

// The command a path names, from its first one or two parts, as the table
// knows it; nullptr when none (404).
const console::CommandSpec* command_of(const console::CommandTable& table, const std::vector<std::string>& parts) {
  if (parts.size() >= 2)
    if (const auto* two = table.find(parts[0] + " " + parts[1])) return two;
  return table.find(parts[0]);
}

// 401, with the Basic challenge for scripts and curl, but not for our own
// pages (they say so in X-Tapegate-Page): a browser answers a challenge
// with its own password dialog, and the page has its login form.
void unauthorized(const httplib::Request& req, httplib::Response& res, const std::string& why) {
  if (!req.has_header("X-Tapegate-Page")) res.set_header("WWW-Authenticate", "Basic realm=\"tapegate\", charset=\"UTF-8\"");
  send_error(res, 401, Errc::invalid_argument, why);
}

std::string role_word(access::Role r) { return std::string(access::role_name(r)); }

// The raw path after /api/v1/ (before any query), still percent-encoded:
// an argument may hold an encoded '/'.
std::string_view api_rest(const std::string& target) {
  std::string_view t(target);
  t = t.substr(0, t.find('?'));
  return t.size() >= kApiPrefix.size() ? t.substr(kApiPrefix.size()) : std::string_view();
}

}  // namespace

struct WebServer::Impl {
  Impl(console::Appliance& a, const console::CommandTable& t)
      : app(a), table(t), users(a.paths.users()), guard(hal::system_clock()), sessions(hal::system_clock()) {}

  httplib::Server::HandlerResponse authenticate(const httplib::Request& req, httplib::Response& res);
  bool serve_page(const httplib::Request& req, httplib::Response& res);
  bool locked_out(const std::string& client, httplib::Response& res);
  void login_failed(const std::string& user, const std::string& client);
  bool authorized(const console::CommandSpec& spec, bool force, const httplib::Request& req, httplib::Response& res);
  bool basic_caller(const httplib::Request& req, httplib::Response& res);
  bool session_caller(const httplib::Request& req, httplib::Response& res);
  void login(const httplib::Request& req, httplib::Response& res);
  void logout(const httplib::Request& req, httplib::Response& res);
  void session(httplib::Response& res);
  void api(const httplib::Request& req, httplib::Response& res);
  void metrics(httplib::Response& res);

  console::Appliance& app;
  const console::CommandTable& table;
  access::UserStore users;
  LoginGuard guard;
  SessionStore sessions;
  bool tls = false;
  std::unique_ptr<httplib::Server> server;
};

// The pages: no login needed to fetch them (they hold no data; the data
// comes from the API with the user's session).
bool WebServer::Impl::serve_page(const httplib::Request& req, httplib::Response& res) {
  if (req.path == "/") {
    res.set_redirect("/ui/");
    return true;
  }
  if (req.path.rfind("/ui", 0) != 0) return false;
  const Asset* a = find_asset(req.path);
  if (a == nullptr || req.method == "POST") {
    send_error(res, 404, Errc::not_found, "no page " + console::terminal_text(req.path));
    return true;
  }
  res.set_header("Content-Security-Policy", kPagePolicy);
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::string(a->body), std::string(a->content_type).c_str());
  return true;
}

// True (answered 429) while `client` must wait after failed logins.
bool WebServer::Impl::locked_out(const std::string& client, httplib::Response& res) {
  auto wait = guard.locked_out(client);
  if (!wait) return false;
  res.set_header("Retry-After", std::to_string(wait->count()));
  send_error(res, 429, Errc::busy,
             "too many failed logins from " + client + "; try again in " + std::to_string(wait->count()) + " s");
  return true;
}

void WebServer::Impl::login_failed(const std::string& user, const std::string& client) {
  guard.failed(client);
  if (app.log) app.log->add(LogLevel::warning, "web", "failed login as '" + user + "' from " + client);
}

// Whether the caller may run `spec` (with --force: admin) this way: 403
// naming the role needed, or 405 for a GET of a command that changes
// something (browsers and proxies repeat and prefetch GETs). Asked from the
// path before the body is read, and again for the command the whole
// request names.
bool WebServer::Impl::authorized(const console::CommandSpec& spec, bool force, const httplib::Request& req,
                                 httplib::Response& res) {
  const access::Role need = force ? access::Role::admin : spec.role;
  if (!access::role_allows(t_caller.role, need)) {
    send_error(res, 403, Errc::invalid_argument,
               "'" + spec.name + (force ? " --force'" : "'") + " needs the " + role_word(need) + " role; " +
                   t_caller.user + " is " + role_word(t_caller.role));
    return false;
  }
  if (req.method != "POST" && spec.role != access::Role::viewer) {
    res.set_header("Allow", "POST");
    send_error(res, 405, Errc::invalid_argument, "'" + spec.name + "' changes the library or the catalog: use POST");
    return false;
  }
  return true;
}

// A script's request: HTTP Basic, checked against the users file (the
// slow hash once, then the remembered keyed hash). False: answered (401/503).
bool WebServer::Impl::basic_caller(const httplib::Request& req, httplib::Response& res) {
  const std::string client = req.remote_addr;
  auto creds = parse_basic_authorization(req.get_header_value("Authorization"));
  if (!creds) {
    guard.failed(client);
    unauthorized(req, res, creds.error().message);
    return false;
  }
  const std::string version = users_version(users.file());
  std::optional<access::Role> role = guard.remembered(creds->user, creds->password, version);
  if (!role) {
    auto checked = users.authenticate(creds->user, creds->password);
    if (!checked) {  // a damaged or readable users file: nobody is admitted, and the operator is told why
      send_error(res, 503, checked.error().code, checked.error().message);
      return false;
    }
    role = *checked;
    if (!role) {
      login_failed(creds->user, client);
      unauthorized(req, res, "wrong user name or password");
      return false;
    }
    guard.remember(creds->user, creds->password, *role, version);
  }
  guard.succeeded(client);
  t_caller = Caller{creds->user, *role, {}};
  return true;
}

// A browser's request: its session cookie, and for anything that changes
// state the session's CSRF token in X-CSRF-Token. False: answered (401/403).
bool WebServer::Impl::session_caller(const httplib::Request& req, httplib::Response& res) {
  const std::string token = cookie_value(req.get_header_value("Cookie"), kSessionCookie);
  auto s = sessions.find(token, users_version(users.file()));
  if (!s) {
    unauthorized(req, res, token.empty() ? "log in: HTTP Basic with a user from 'tapegate user add', or POST /api/v1/login"
                                    : "the session has ended; log in again");
    return false;
  }
  if (req.method == "POST" && !same_token(req.get_header_value("X-CSRF-Token"), s->csrf)) {
    send_error(res, 403, Errc::invalid_argument, "missing or wrong X-CSRF-Token for this session");
    return false;
  }
  t_caller = Caller{s->user, s->role, s->csrf};
  return true;
}

void WebServer::Impl::login(const httplib::Request& req, httplib::Response& res) {
  const std::string client = req.remote_addr;
  if (locked_out(client, res)) return;
  const auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("user") || !body["user"].is_string() ||
      !body.contains("password") || !body["password"].is_string())
    return send_error(res, 400, Errc::invalid_argument, "log in with a JSON body {\"user\": ..., \"password\": ...}");
  const std::string user = body["user"].get<std::string>();
  const std::string password = body["password"].get<std::string>();
  auto checked = users.authenticate(user, password);
  if (!checked) return send_error(res, 503, checked.error().code, checked.error().message);
  if (!*checked) {
    login_failed(user, client);
    return send_error(res, 401, Errc::invalid_argument, "wrong user name or password");
  }
  guard.succeeded(client);
  auto s = sessions.create(user, **checked, users_version(users.file()));
  if (!s) return send_error(res, 500, Errc::internal, "no randomness for a session token");
  if (app.log) app.log->add(LogLevel::info, "web", user + " logged in from " + client);
  res.set_header("Set-Cookie", std::string(kSessionCookie) + "=" + s->token + "; Path=/; HttpOnly; SameSite=Strict" +
                                   (tls ? "; Secure" : ""));
  const nlohmann::json out = {{"ok", true}, {"user", s->user}, {"role", role_word(s->role)}, {"csrf", s->csrf}};
  res.set_content(out.dump(), "application/json");
}

void WebServer::Impl::logout(const httplib::Request& req, httplib::Response& res) {
  sessions.remove(cookie_value(req.get_header_value("Cookie"), kSessionCookie));
  res.set_header("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  res.set_content("{\"ok\":true}", "application/json");
}

void WebServer::Impl::session(httplib::Response& res) {
  // The page asks on load: who is logged in, and the CSRF token again.
  nlohmann::json out = {{"ok", true}, {"user", t_caller.user}, {"role", role_word(t_caller.role)}};
  if (!t_caller.csrf.empty()) out["csrf"] = t_caller.csrf;
  res.set_content(out.dump(), "application/json");
}

httplib::Server::HandlerResponse WebServer::Impl::authenticate(const httplib::Request& req, httplib::Response& res) {
  using HR = httplib::Server::HandlerResponse;
  if (req.method != "GET" && req.method != "POST" && req.method != "HEAD") {
    res.set_header("Allow", "GET, POST");
    send_error(res, 405, Errc::invalid_argument, "method " + console::terminal_text(req.method) + " is not served here");
    return HR::Handled;
  }
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  if (serve_page(req, res)) return HR::Handled;
  res.set_header("Cache-Control", "no-store");
  if (req.path == "/api/v1/login") {
    if (req.method != "POST") {
      res.set_header("Allow", "POST");
      send_error(res, 405, Errc::invalid_argument, "log in with POST");
      return HR::Handled;
    }
    return HR::Unhandled;  // checked by its handler, with the body
  }
  const bool api = req.path.rfind(kApiPrefix, 0) == 0;
  if (!api && req.path != "/metrics") {
    send_error(res, 404, Errc::not_found, "nothing at " + console::terminal_text(req.path) + "; the API is under /api/v1/");
    return HR::Handled;
  }
  if (locked_out(req.remote_addr, res)) return HR::Handled;
  if (req.has_header("Authorization") ? !basic_caller(req, res) : !session_caller(req, res)) return HR::Handled;
  if (req.path == "/api/v1/logout" || req.path == "/api/v1/session") return HR::Unhandled;
  if (!api) return HR::Unhandled;  // /metrics: any user
  // Authorization from the path alone, before the body is read.
  auto parts = split_api_path(api_rest(req.target));
  if (!parts) {
    send_error(res, 400, Errc::invalid_argument, parts.error().message);
    return HR::Handled;
  }
  const auto* spec = command_of(table, *parts);
  if (spec == nullptr) {
    send_error(res, 404, Errc::not_found, "no command '" + console::terminal_text((*parts)[0]) + "'; GET /api/v1/help lists them");
    return HR::Handled;
  }
  if (!authorized(*spec, /*force=*/false, req, res)) return HR::Handled;
  // A body in any form but JSON is refused unread: no browser form posted
  // from another site can start a job with this user's login.
  if (req.method == "POST" && req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0" &&
      req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
    send_error(res, 415, Errc::invalid_argument, "the body must be application/json");
    return HR::Handled;
  }
  return HR::Unhandled;
}

void WebServer::Impl::api(const httplib::Request& req, httplib::Response& res) {
  auto parts = split_api_path(api_rest(req.target));
  if (!parts) return send_error(res, 400, Errc::invalid_argument, parts.error().message);
  QueryParams query;
  for (const auto& [k, v] : req.params) query.emplace_back(k, v);
  auto words = api_words(*parts, query, req.method == "POST" ? std::string_view(req.body) : std::string_view());
  if (!words) return send_error(res, 400, Errc::invalid_argument, words.error().message);
  auto parsed = table.parse(*words);
  if (!parsed) return send_error(res, 400, parsed.error().code, parsed.error().message);
  // The words may name a different command than the path's first parts
  // ("inventory" with read-labels), and --force: what they name counts.
  if (!authorized(*parsed->spec, parsed->force, req, res)) return;
  // Commands that follow until something ends hold a connection open for
  // hours; the API polls instead.
  if (parsed->spec->name == "job watch" || parsed->args.has("follow"))
    return send_error(res, 400, Errc::invalid_argument,
                      "'" + parsed->spec->name + "' follows until the job ends; poll GET /api/v1/job/status/ID instead");
  if (parsed->spec->name == "dump")
    return send_error(res, 400, Errc::invalid_argument, "'dump' writes a tape file to the terminal's output; run it on the console");
  if (app.log && parsed->spec->role != access::Role::viewer)
    app.log->add(LogLevel::info, "web", t_caller.user + " ran '" + parsed->spec->name + "'");
  console::Unattended io;
  auto outcome = console::execute_words(table, app, io, *words, /*json=*/true);
  res.status = status_for(outcome);
  res.set_content(outcome.output, "application/json");
}

void WebServer::Impl::metrics(httplib::Response& res) {
  auto text = metrics::render_exposition(metrics::collect_appliance_metrics(app));
  if (!text) return send_error(res, 500, text.error().code, text.error().message);
  res.set_content(*text, "text/plain; version=0.0.4; charset=utf-8");
}

Result<WebOptions> parse_http_address(std::string_view text) {
  WebOptions o;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return Error(Errc::invalid_argument, "--http " + std::string(text) + ": expected [IPV6]:PORT");
    o.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || text.find(':') != colon)
      return Error(Errc::invalid_argument, "--http " + console::terminal_text(text) + ": expected ADDRESS:PORT (e.g. 127.0.0.1:8080)");
    o.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  int p = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || p > 65535) return Error(Errc::invalid_argument, "--http: port '" + console::terminal_text(port) + "' is not a number");
    p = p * 10 + (c - '0');
  }
  if (port.empty() || p < 1 || p > 65535)
    return Error(Errc::invalid_argument, "--http: port '" + console::terminal_text(port) + "' is not 1..65535");
  o.port = p;
  return o;
}

bool is_loopback_host(std::string_view host) {
  // Numeric only (and "localhost"): a name like 127.example.net could
  // resolve anywhere.
  const std::string h(host);
  unsigned char v4[4];
  if (inet_pton(AF_INET, h.c_str(), v4) == 1) return v4[0] == 127;
  unsigned char v6[16];
  if (inet_pton(AF_INET6, h.c_str(), v6) == 1) return h == "::1" || std::string_view(h) == "0:0:0:0:0:0:0:1";
  return h == "localhost";
}

Status check_web_options(const WebOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty())
    return Error(Errc::invalid_argument, "--tls-cert and --tls-key go together: give both");
  return {};
}

Result<std::string> certificate_fingerprint(const std::filesystem::path& pem) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(pem.c_str(), "r"), &std::fclose);
  if (!f) return Error(Errc::io_error, "cannot read the TLS certificate " + pem.string());
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return Error(Errc::parse_error, pem.string() + " is not a PEM certificate");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &n) != 1) return Error(Errc::internal, "OpenSSL could not hash " + pem.string());
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    if (i) out += ':';
    hal::append_hex(out, md[i], /*upper=*/true);
  }
  return out;
}

WebServer::WebServer(console::Appliance& app, const console::CommandTable& table, WebOptions options)
    : impl_(std::make_unique<Impl>(app, table)), options_(std::move(options)) {}

WebServer::~WebServer() { stop(); }

Result<std::string> WebServer::start() {
  TG_CHECK(check_web_options(options_));
  std::string report;
  // Plain HTTP only on loopback: elsewhere a password would cross the
  // network in the clear. Without the operator's certificate, our own.
  if (options_.tls_cert.empty() && !is_loopback_host(options_.host)) {
    const auto own = TG_TRY(ensure_self_signed(impl_->app.paths.tls(), options_.host));
    options_.tls_cert = own.cert;
    options_.tls_key = own.key;
    report = std::string("web: ") + (own.created ? "made a self-signed certificate " : "self-signed certificate ") +
             own.cert.string() + " (give --tls-cert/--tls-key to use your own)\n";
  }
  const bool tls = !options_.tls_cert.empty();
  if (tls) {
    const std::string fp = TG_TRY(certificate_fingerprint(options_.tls_cert));
    auto s = std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
    if (!s->is_valid())
      return Error(Errc::invalid_argument, "TLS certificate " + options_.tls_cert.string() + " and key " +
                                               options_.tls_key.string() + " could not be used together");
    impl_->server = std::move(s);
    impl_->tls = true;
    report += "web: TLS certificate SHA-256 fingerprint " + fp + "\n";
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  auto& s = *impl_->server;
  s.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  s.set_payload_max_length(kMaxBodyBytes);
  s.set_read_timeout(10, 0);
  s.set_write_timeout(10, 0);
  s.set_keep_alive_timeout(5);
  s.set_keep_alive_max_count(100);
  Impl* impl = impl_.get();
  s.set_pre_routing_handler([impl](const httplib::Request& req, httplib::Response& res) { return impl->authenticate(req, res); });
  s.Get("/metrics", [impl](const httplib::Request&, httplib::Response& res) { impl->metrics(res); });
  // Before the command routes: these three are not commands.
  s.Post("/api/v1/login", [impl](const httplib::Request& req, httplib::Response& res) { impl->login(req, res); });
  s.Post("/api/v1/logout", [impl](const httplib::Request& req, httplib::Response& res) { impl->logout(req, res); });
  s.Get("/api/v1/session", [impl](const httplib::Request&, httplib::Response& res) { impl->session(res); });
  s.Get(R"(/api/v1/.+)", [impl](const httplib::Request& req, httplib::Response& res) { impl->api(req, res); });
  s.Post(R"(/api/v1/.+)", [impl](const httplib::Request& req, httplib::Response& res) { impl->api(req, res); });
  // Errors the library answers itself (a malformed request, a body over the
  // limit, no route) get a JSON body like every other error.
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const char* what = res.status == 413 ? "the request body is larger than 64 KiB"
                       : res.status == 404 ? "nothing here; the API is under /api/v1/"
                                           : "the request could not be understood";
    send_error(res, res.status, Errc::invalid_argument, what);
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unexpected failure";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what += std::string(": ") + e.what();
    } catch (...) {
    }
    send_error(res, 500, Errc::internal, what);
  });
  const std::string where = (options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host);
  if (options_.port == 0) {
    port_ = s.bind_to_any_port(options_.host);
    if (port_ <= 0) return Error(Errc::io_error, "--http: cannot listen on " + where);
  } else {
    if (!s.bind_to_port(options_.host, options_.port))
      return Error(Errc::io_error, "--http " + where + ":" + std::to_string(options_.port) +
                                       ": cannot listen there (address in use, or not this machine's)");
    port_ = options_.port;
  }
  thread_ = std::thread([&s] { s.listen_after_bind(); });
  // stop() only reaches a server that is listening: wait until it is.
  for (int i = 0; i < 5000 && !s.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!s.is_running()) {
    s.stop();
    thread_.join();
    return Error(Errc::io_error, "--http " + where + ":" + std::to_string(port_) + ": the server did not start");
  }
  report += std::string("web: ") + (tls ? "https://" : "http://") + where + ":" + std::to_string(port_) +
            "/api/v1/ (JSON API) and /metrics, users from 'tapegate user'\n";
  return report;
}

void WebServer::stop() {
  if (impl_ && impl_->server) impl_->server->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tg::firmware::web
