// The tapegate executable: a thin main over the firmware. Only this file
// knows the board layer; the firmware gets a drivers::Library and paths.
//
//   tapegate [--board B] [--state DIR] [--json] [--force] <command> ...
//   tapegate [--board B] [--state DIR]                       (prompt on a terminal)
//   tapegate [--board B] [--state DIR] serve [--serial DEV[,BAUD]] [--socket PATH]
//                [--http ADDR:PORT [--tls-cert FILE --tls-key FILE]]
//   tapegate --socket PATH <command> ...                     (ask a running service)
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "board/board.hpp"
#include "drivers/iscsi/iscsi_url.hpp"
#include "firmware/catalog/catalog.hpp"
#include "firmware/console/command_line.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/dispatch.hpp"
#include "firmware/console/saved_backup.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "firmware/service/control_socket.hpp"
#include "firmware/service/service.hpp"
#include "firmware/service/terminal_session.hpp"
#include "firmware/version.hpp"
#include "firmware/web/web_server.hpp"
#include "hal/serial/serial_port.hpp"

namespace {

using namespace tg;
using namespace tg::firmware;

// Set by SIGINT in one-shot mode: a signal handler can only reach
// process-wide state, so this one flag is file-static.
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_sigint(int) { g_interrupted = 1; }

struct GlobalOptions {
  std::optional<std::string> board;
  std::optional<std::filesystem::path> state;
  std::optional<std::filesystem::path> socket;
  bool json = false;
  bool force = false;
  std::vector<std::string> words;
};

const char* kUsage =
    "usage: tapegate [--board B] [--state DIR] [--json] [--force] <command> ...\n"
    "       tapegate [--board B] [--state DIR] serve [--serial DEV[,BAUD]] [--socket PATH]\n"
    "                [--http ADDR:PORT [--tls-cert FILE --tls-key FILE]]\n"
    "       tapegate --socket PATH <command> ...\n"
    "Boards: an XML file, sim:drives=2,slots=24,..., or iscsi://host[:port]/target.\n"
    "Default board: $TAPEGATE_BOARD, else board/sim.xml of the source tree.\n"
    "'tapegate help' lists the commands.\n";

Result<GlobalOptions> parse_global(int argc, char** argv) {
  GlobalOptions g;
  int i = 1;
  auto value = [&](const std::string& opt) -> Result<std::string> {
    if (i + 1 >= argc) return Error(Errc::invalid_argument, opt + " needs a value");
    return std::string(argv[++i]);
  };
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--board") g.board = TG_TRY(value(a));
    else if (a.rfind("--board=", 0) == 0) g.board = a.substr(8);
    else if (a == "--state") g.state = TG_TRY(value(a));
    else if (a.rfind("--state=", 0) == 0) g.state = a.substr(8);
    else if (a == "--socket") g.socket = TG_TRY(value(a));
    else if (a.rfind("--socket=", 0) == 0) g.socket = a.substr(9);
    else if (a == "--json") g.json = true;
    else if (a == "--force") g.force = true;
    else if (a.size() > 1 && a[0] == '-' && a != "--help" && a != "-h") return Error(Errc::invalid_argument, "unknown option " + a);
    else break;
  }
  for (; i < argc; ++i) g.words.emplace_back(argv[i]);
  return g;
}

std::string default_board() {
  if (const char* b = std::getenv("TAPEGATE_BOARD"); b && *b) return b;
  // The source tree's default simulated board (this file is firmware/main.cpp).
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / "board" / "sim.xml").string();
}

// One-shot CLI: progress to stderr, ctrl-C cancels a foreground job.
class CliInteraction final : public console::Interaction {
 public:
  bool interactive() const override { return false; }
  bool confirm(const std::string&) override { return false; }
  void stream(const std::string& text, bool progress) override {
    std::fputs(text.c_str(), progress ? stderr : stdout);
    std::fflush(progress ? stderr : stdout);
  }
  bool stop_requested() override { return g_interrupted != 0; }
};

// Everything an Appliance points at, owned here.
// Declaration order is destruction order reversed: jobs go before the
// drive reservations, the log and the board they use.
struct Runtime {
  std::unique_ptr<board::Board> board;
  std::unique_ptr<EventLog> log;
  std::unique_ptr<library::DriveReservations> drives;
  std::unique_ptr<service::JobManager> jobs;
  std::unique_ptr<service::SavedJobStore> saved;
  console::Appliance app;
};

Status open_runtime(Runtime& rt, const GlobalOptions& g, bool with_board) {
  hal::StoragePaths paths{g.state ? *g.state : hal::default_state_root()};
  if (with_board) {
    std::string spec = g.board ? *g.board : default_board();
    auto b = board::open_board(spec, g.state);
    if (!b) return std::move(b).error().with_context("board '" + drivers::iscsi::redact_secret(spec) + "'");
    rt.board = std::move(*b);
    paths = rt.board->paths();
    rt.app.library = &rt.board->library();
    rt.drives = std::make_unique<library::DriveReservations>(rt.board->library());
    rt.app.drives = rt.drives.get();
    rt.app.board = {.name = rt.board->name(), .spec = drivers::iscsi::redact_secret(spec), .transports = rt.board->transport_descriptions(),
                    .auto_clean = rt.board->options().auto_clean, .block_size = rt.board->options().block_size};
  }
  TG_CHECK(paths.ensure());
  rt.app.paths = paths;
  rt.app.clock = &hal::system_clock();
  rt.log = std::make_unique<EventLog>(hal::system_clock(), paths.log());
  if (rt.board) {
    // What a drive driver finds out once about its device (no LOCATE) goes to the event log.
    for (auto& d : rt.board->library().drives)
      d.drive->set_notice_sink([log = rt.log.get(), name = d.drive->name()](const std::string& text) {
        log->add(LogLevel::notice, name, text);
      });
  }
  rt.jobs = std::make_unique<service::JobManager>(*rt.log, hal::system_clock());
  rt.saved = std::make_unique<service::SavedJobStore>(paths.jobs());
  rt.app.log = rt.log.get();
  rt.app.jobs = rt.jobs.get();
  rt.app.saved = rt.saved.get();
  rt.app.runners["backup"] = console::saved_backup_runner;  // saved and scheduled backups
  return {};
}

int fail(const Error& e, bool json) {
  if (json) std::fputs(console::render_error_json(e).c_str(), stdout);
  else std::fputs(console::render_error_text(e).c_str(), stderr);
  return e.code == Errc::invalid_argument ? console::kExitUsage : console::kExitFailed;
}

int run_client(const GlobalOptions& g) {
  auto words = g.words;
  if (g.json) words.push_back("--json");
  if (g.force) words.push_back("--force");
  auto ans = service::call_control_socket(*g.socket, console::join_command_line(words), [](bool out, const std::string& text) {
    std::fputs(text.c_str(), out ? stdout : stderr);
    std::fflush(out ? stdout : stderr);
  });
  if (!ans) return fail(ans.error(), g.json);
  return ans->exit_status;
}

int run_serve(const GlobalOptions& g, const console::CommandTable& table) {
  service::ServiceOptions opts;
  std::optional<web::WebOptions> http;
  std::filesystem::path tls_cert, tls_key;
  constexpr const char* kUsage = "serve [--serial DEV[,BAUD]] [--socket PATH] [--http ADDR:PORT [--tls-cert FILE --tls-key FILE]]";
  for (std::size_t i = 1; i < g.words.size(); ++i) {
    const auto& w = g.words[i];
    const bool takes_value = w == "--serial" || w == "--socket" || w == "--http" || w == "--tls-cert" || w == "--tls-key";
    if (takes_value && i + 1 < g.words.size()) {
      const std::string& v = g.words[++i];
      if (w == "--serial") opts.serial = v;
      else if (w == "--socket") opts.socket = v;
      else if (w == "--tls-cert") tls_cert = v;
      else if (w == "--tls-key") tls_key = v;
      else {
        auto parsed = web::parse_http_address(v);
        if (!parsed) return fail(parsed.error(), false);
        http = *parsed;
      }
    } else {
      return fail(Error(Errc::invalid_argument, "serve: unexpected '" + w + "'; usage: " + kUsage), false);
    }
  }
  if (!http && (!tls_cert.empty() || !tls_key.empty()))
    return fail(Error(Errc::invalid_argument, "serve: --tls-cert and --tls-key are for --http ADDR:PORT"), false);
  if (http) {
    http->tls_cert = tls_cert;
    http->tls_key = tls_key;
    // Refused before anything opens: a service that would send passwords
    // in the clear does not start.
    if (auto ok = web::check_web_options(*http); !ok) return fail(ok.error(), false);
  }
  Runtime rt;
  if (auto s = open_runtime(rt, g, true); !s) return fail(s.error(), false);
  if (opts.socket.empty()) opts.socket = g.socket ? *g.socket : rt.app.paths.run() / "tapegate.sock";
  opts.console_on_stdin = ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO);
  // Catalog crash recovery runs when the catalog is opened (the catalog
  // part's rule): the service opens it once at boot and reports.
  opts.boot_steps.push_back({"catalog", [catalog_file = rt.app.paths.catalog()]() -> Result<std::string> {
                               auto cat = TG_TRY(catalog::Catalog::open(catalog_file, hal::system_clock()));
                               const auto& rep = cat->recovery();
                               if (rep.skipped_in_use) return std::string("in use by another process; recovery left to it");
                               if (!rep.any()) return std::string("consistent");
                               return "recovered: " + std::to_string(rep.interrupted_jobs) + " interrupted job(s), " +
                                      std::to_string(rep.dropped_pieces) + " piece(s) never made durable dropped, " +
                                      std::to_string(rep.incomplete_tape_files) + " tape file(s) left open" +
                                      (rep.incomplete_detail.empty() ? "" : " (" + rep.incomplete_detail + ")");
                             }});

  // Signals are taken synchronously by this thread (sigtimedwait below);
  // every thread the service starts inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  service::Service svc(rt.app, table, opts);
  auto started = svc.start([](const std::string& text) {
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  });
  if (!started) {
    svc.stop();
    return fail(started.error(), false);
  }
  std::unique_ptr<web::WebServer> web_server;
  if (http) {
    web_server = std::make_unique<web::WebServer>(rt.app, table, *http);
    auto report = web_server->start();
    if (!report) {
      svc.stop();
      return fail(report.error(), false);
    }
    std::fputs(report->c_str(), stdout);
    std::fflush(stdout);
  }
  while (!svc.finished()) {
    timespec ts{.tv_sec = 1, .tv_nsec = 0};
    int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
      rt.log->add(LogLevel::notice, "service", std::string("signal ") + (sig == SIGTERM ? "TERM" : sig == SIGINT ? "INT" : "HUP") + ": stopping");
      break;
    }
    svc.tick();
  }
  if (web_server) web_server->stop();
  svc.stop();
  return 0;
}

int run_prompt(const GlobalOptions& g, const console::CommandTable& table) {
  Runtime rt;
  if (auto s = open_runtime(rt, g, true); !s) return fail(s.error(), false);
  rt.app.in_service = true;  // jobs run in the background while the prompt stays usable
  auto port = hal::adopt_terminal(STDIN_FILENO, STDOUT_FILENO, "terminal");
  if (!port) return fail(port.error(), false);
  std::atomic<bool> stop{false};
  service::TerminalSession session(**port, table, rt.app, stop, true);
  auto s = session.run("tapegate " + std::string(version()) + " on board " + rt.app.board.name +
                       "; 'help' lists the commands, 'exit' leaves\n");
  rt.jobs->shutdown();
  return s ? 0 : fail(s.error(), false);
}

// A CHAP password given in an iscsi:// URL on the command line is kept
// (parse_global copied it) but taken out of argv, so `ps` and
// /proc/PID/cmdline show iscsi://user%***@... from here on.
void scrub_secrets_from_argv(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string redacted = drivers::iscsi::redact_secret(argv[i]);
    const std::size_t len = std::strlen(argv[i]);
    if (redacted == argv[i]) continue;
    if (redacted.size() > len) {  // a password of one or two bytes: "***" does not fit, hide the whole word
      std::memset(argv[i], '*', len);
      continue;
    }
    std::memcpy(argv[i], redacted.data(), redacted.size());
    std::memset(argv[i] + redacted.size(), 0, len - redacted.size());
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto g = parse_global(argc, argv);
  scrub_secrets_from_argv(argc, argv);
  if (!g) {
    std::fputs(console::render_error_text(g.error()).c_str(), stderr);
    std::fputs(kUsage, stderr);
    return console::kExitUsage;
  }
  auto table = console::make_command_table();
  if (!table) return fail(table.error(), false);

  if (g->socket && (g->words.empty() || g->words[0] != "serve")) {
    if (g->words.empty()) return fail(Error(Errc::invalid_argument, "--socket needs a command to send"), g->json);
    return run_client(*g);
  }
  if (g->words.empty()) {
    if (::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO)) return run_prompt(*g, *table);
    std::fputs(kUsage, stderr);
    return console::kExitUsage;
  }
  if (g->words[0] == "serve") return run_serve(*g, *table);

  // One-shot: parse first, so `help` and bad lines need no board.
  auto words = g->words;
  if (g->json) words.push_back("--json");
  if (g->force) words.push_back("--force");
  auto req = table->parse(words);
  Runtime rt;
  bool needs_board = req.ok() && req->spec->needs_library;
  if (auto s = open_runtime(rt, *g, needs_board); !s) return fail(s.error(), g->json);
  if (!needs_board && req.ok() && req->spec->name == "help") {
    // Help needs no board, but lists the simulated operator's commands
    // when the board is simulated. A board that cannot be read is not
    // help's error: the commands that use it report it.
    auto sim = board::is_simulated_board(g->board ? *g->board : default_board());
    rt.app.board.simulated = sim.ok() && *sim;
  }
  std::signal(SIGINT, on_sigint);
  CliInteraction io;
  auto outcome = console::execute_words(*table, rt.app, io, words);
  std::fputs(outcome.output.c_str(), outcome.is_error && !g->json ? stderr : stdout);
  rt.jobs->shutdown();
  return outcome.exit_status;
}
