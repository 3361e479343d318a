#pragma once
// The local control socket: `tapegate --socket PATH <command>` sends one
// line and prints the answer; the command runs inside the service.
//
// Protocol (one connection may carry many requests, one at a time):
//   client -> server:  one command line, '\n'-terminated, at most
//                      kMaxLineBytes bytes, UTF-8 without control bytes
//   server -> client:  frames "out LEN\n<LEN bytes>" (standard output),
//                      "err LEN\n<LEN bytes>" (progress, to stderr),
//                      then "exit STATUS\n" ends the answer.
// A malformed request gets an error answer; the connection stays usable
// unless the line was longer than the limit (then it is closed after the
// answer, since the rest of it cannot be told from the next request).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "firmware/console/command_context.hpp"
#include "firmware/service/client_sessions.hpp"

namespace tg::firmware::service {

// Limits of the control socket (docs/console.md, "Control socket").
struct ControlSocketOptions {
  // Clients served at once, a thread each. At the limit a new client takes
  // the place of the one idle longest; it is refused ("busy") only when
  // every session is running a command.
  std::size_t max_clients = 8;
  // A client that sends no request for this long is disconnected (its
  // thread ends). Counted from its last answer, or from its connection.
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(2);
};

class ControlSocketServer {
 public:
  // Creates the socket owner-only (mode 0600) in a directory that is
  // created 0700. A stale socket (no service answering) is replaced; a live
  // one is Errc::busy.
  static Result<std::unique_ptr<ControlSocketServer>> listen(const std::filesystem::path& path,
                                                             const console::CommandTable& table,
                                                             console::Appliance& app, ControlSocketOptions options = {});
  ~ControlSocketServer();
  ControlSocketServer(const ControlSocketServer&) = delete;
  ControlSocketServer& operator=(const ControlSocketServer&) = delete;

  // Starts the accept thread.
  void start();
  // Stops accepting, ends every client session, removes the socket file.
  void stop();
  const std::filesystem::path& path() const { return path_; }
  // Client threads started and not yet joined (the soak test watches it).
  std::size_t client_threads() const { return sessions_.threads(); }

 private:
  ControlSocketServer(int fd, int wake_fd, std::filesystem::path path, const console::CommandTable& table,
                      console::Appliance& app, ControlSocketOptions options);
  void wake();
  void accept_loop();
  void admit(int fd);
  void serve_client(ClientSessions::Session& session);

  int fd_;
  int wake_fd_;  // eventfd: a client ended (reap it) or stop() was called
  std::filesystem::path path_;
  const console::CommandTable& table_;
  console::Appliance& app_;
  const ControlSocketOptions options_;
  std::atomic<bool> stop_{false};
  ClientSessions sessions_;
  std::thread acceptor_;
};

struct RemoteAnswer {
  int exit_status = 0;
  std::string out, err;
};

// Client: sends `line`, collects the answer. on_frame (optional) sees each
// frame as it arrives (stdout=true for "out"), for live progress.
Result<RemoteAnswer> call_control_socket(const std::filesystem::path& path, const std::string& line,
                                         const std::function<void(bool stdout_frame, const std::string&)>& on_frame = {});

}  // namespace tg::firmware::service
