#pragma once
// Service mode (`tapegate serve`): boot banner, self-test, state restore,
// then the console on the service's terminal, a serial line and the
// control socket, with jobs in the background and saved jobs on schedule.
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "firmware/console/command_context.hpp"
#include "firmware/service/control_socket.hpp"
#include "firmware/service/scheduler.hpp"
#include "hal/serial/serial_port.hpp"

namespace tg::firmware::service {

// A step of restoring state at boot (catalog recovery, ...): returns a
// line for the boot report.
struct BootStep {
  std::string name;
  std::function<Result<std::string>()> run;
};

struct ServiceOptions {
  std::optional<std::string> serial;   // "PATH[,BAUD]"
  std::filesystem::path socket;        // control socket
  ControlSocketOptions socket_limits;  // its client limit and idle timeout
  bool console_on_stdin = false;       // stdin/stdout are a terminal
  std::vector<BootStep> boot_steps;    // run in order after the self-test
};

class Service {
 public:
  Service(console::Appliance& app, const console::CommandTable& table, ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Writes the boot report through `out` (line by line). Fails only when a
  // console endpoint the operator asked for cannot be opened.
  Status start(const std::function<void(const std::string&)>& out);
  // Starts saved jobs that are due; call about once a second.
  void tick();
  // True once the operator left the console on the service's own terminal
  // (`exit` there stops the service).
  bool finished() const { return finished_.load(); }
  void stop();

 private:
  void serial_loop(std::string path, hal::SerialSettings settings);
  std::string banner() const;

  console::Appliance& app_;
  const console::CommandTable& table_;
  ServiceOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::unique_ptr<ControlSocketServer> socket_;
  std::unique_ptr<Scheduler> scheduler_;
  std::thread serial_thread_, stdin_thread_;
};

}  // namespace tg::firmware::service
