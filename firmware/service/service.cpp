#include "firmware/service/service.hpp"

#include <unistd.h>

#include <sstream>

#include "firmware/console/dispatch.hpp"
#include "firmware/service/terminal_session.hpp"
#include "firmware/version.hpp"
#include "firmware/console/unattended.hpp"
#include "hal/serial/serial_port.hpp"

namespace tg::firmware::service {

Service::Service(console::Appliance& app, const console::CommandTable& table, ServiceOptions options)
    : app_(app), table_(table), options_(std::move(options)) {}

Service::~Service() { stop(); }

std::string Service::banner() const {
  std::string b = std::string("tapegate ") + firmware::version() + " (tape format " + firmware::tape_format_name() + ")\n";
  b += "board: " + (app_.board.name.empty() ? std::string("(none)") : app_.board.name);
  if (!app_.board.spec.empty()) b += " [" + app_.board.spec + "]";
  b += "\nstate: " + app_.paths.root.string() + "\n";
  for (const auto& t : app_.board.transports) b += "transport: " + t + "\n";
  if (app_.library)
    for (auto& d : app_.library->drives)
      if (d.drive) b += "drive: " + d.drive->name() + " at element " + std::to_string(d.element_address) + "\n";
  return b;
}

Status Service::start(const std::function<void(const std::string&)>& out) {
  app_.in_service = true;
  out(banner());
  if (app_.log) app_.log->add(LogLevel::notice, "service", std::string("starting tapegate ") + firmware::version());

  if (app_.library) {
    console::Unattended quiet;
    auto st = console::execute_words(table_, app_, quiet, {"selftest"});
    out(st.output);
    if (st.exit_status != console::kExitOk) out("self-test reported problems; the console stays available to fix them\n");
  } else {
    out("no board open: device commands are unavailable\n");
  }
  for (const auto& step : options_.boot_steps) {
    auto r = step.run();
    out(step.name + ": " + (r ? *r : "FAILED: " + r.error().message) + "\n");
    if (!r && app_.log) app_.log->add(LogLevel::error, "service", step.name + " failed: " + r.error().message);
  }
  if (app_.saved) {
    std::vector<std::string> problems;
    auto jobs = app_.saved->load_all(&problems);
    std::size_t scheduled = 0;
    for (const auto& j : jobs)
      if (j.schedule) ++scheduled;
    out("saved jobs: " + std::to_string(jobs.size()) + " (" + std::to_string(scheduled) + " scheduled)\n");
    for (const auto& p : problems) out("saved job skipped: " + p + "\n");
  }
  scheduler_ = std::make_unique<Scheduler>(app_, app_.clock ? app_.clock->wall_seconds() : 0);

  if (!options_.socket.empty()) {
    auto s = ControlSocketServer::listen(options_.socket, table_, app_, options_.socket_limits);
    if (!s) return std::move(s).error();
    socket_ = std::move(*s);
    socket_->start();
    out("control socket: " + options_.socket.string() + "\n");
  }
  if (options_.serial) {
    auto spec = TG_TRY(hal::parse_serial_spec(*options_.serial));
    // Open once here so a wrong device fails the start, not silently later.
    auto port = hal::open_serial_port(spec.first, spec.second);
    if (!port) return std::move(port).error();
    port->reset();
    serial_thread_ = std::thread([this, spec] { serial_loop(spec.first, spec.second); });
    out("serial console: " + spec.first + " at " + std::to_string(spec.second.baud) + " baud\n");
  }
  if (options_.console_on_stdin) {
    auto port = hal::adopt_terminal(STDIN_FILENO, STDOUT_FILENO, "the service's terminal");
    if (!port) return std::move(port).error();
    stdin_thread_ = std::thread([this, p = std::shared_ptr<hal::SerialPort>(std::move(*port))] {
      TerminalSession session(*p, table_, app_, stop_, true);
      (void)session.run("console ready; 'help' lists the commands, 'exit' stops the service\n");
      finished_ = true;
    });
  }
  if (app_.log) app_.log->add(LogLevel::notice, "service", "ready");
  return {};
}

void Service::serial_loop(std::string path, hal::SerialSettings settings) {
  bool first = true;
  while (!stop_.load()) {
    auto port = hal::open_serial_port(path, settings);
    if (port) {
      TerminalSession session(**port, table_, app_, stop_, false);
      (void)session.run(first ? "\ntapegate " + std::string(firmware::version()) + " serial console; 'help' lists the commands\n"
                              : "\n");
      first = false;
      if (app_.log && !stop_.load()) app_.log->add(LogLevel::notice, "serial", path + ": line hung up; reopening");
    } else if (app_.log && first) {
      app_.log->add(LogLevel::error, "serial", port.error().message);
      first = false;
    }
    // Reopen after a hang-up, at most once a second.
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::seconds(1), [&] { return stop_.load(); });
  }
}

void Service::tick() {
  if (scheduler_ && app_.clock) scheduler_->tick(app_.clock->wall_seconds());
}

void Service::stop() {
  {
    std::lock_guard lk(mu_);
    if (stop_.exchange(true) && !socket_ && !serial_thread_.joinable() && !stdin_thread_.joinable()) return;
  }
  cv_.notify_all();
  if (socket_) socket_->stop();
  socket_.reset();
  if (serial_thread_.joinable()) serial_thread_.join();
  if (stdin_thread_.joinable()) stdin_thread_.join();
  if (app_.jobs) app_.jobs->shutdown();
  if (app_.log) app_.log->add(LogLevel::notice, "service", "stopped");
}

}  // namespace tg::firmware::service
