#pragma once
// `serve --http ADDR:PORT`: the JSON API (/api/v1/, the console's command
// table) and the Prometheus metrics (/metrics) over HTTP, served by
// cpp-httplib (Debian libcpp-httplib-dev) on a thread pool of its own.
// Every request is authenticated (HTTP Basic, users from `tapegate user`)
// and authorized by the command's role before its body is read. Plain HTTP
// only on a loopback address; elsewhere TLS with the operator's certificate
// or, without one, a self-signed one made into STATE/tls/ on first start.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "firmware/console/command_context.hpp"
#include "hal/result.hpp"

namespace tg::firmware::web {

struct WebOptions {
  std::string host;  // numeric address or "localhost"
  int port = 0;      // 0: any free port (tests)
  std::filesystem::path tls_cert, tls_key;  // PEM; both or neither
};

// "127.0.0.1:8080", "[::1]:8080", "localhost:8080" -> host and port;
// Errc::invalid_argument naming what is wrong.
Result<WebOptions> parse_http_address(std::string_view text);
bool is_loopback_host(std::string_view host);

// A certificate needs its key (and the reverse).
Status check_web_options(const WebOptions& options);

// "AB:CD:..." SHA-256 fingerprint of a PEM certificate, as browsers show it.
Result<std::string> certificate_fingerprint(const std::filesystem::path& pem);

class WebServer {
 public:
  WebServer(console::Appliance& app, const console::CommandTable& table, WebOptions options);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds and starts serving on a thread of its own; the lines of the boot
  // report (URL, TLS fingerprint) come back. Errors name the address.
  Result<std::string> start();
  void stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  WebOptions options_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace tg::firmware::web
