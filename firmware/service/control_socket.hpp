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
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "firmware/console/command_context.hpp"

namespace tg::firmware::service {

class ControlSocketServer {
 public:
  // Creates the socket owner-only (mode 0600) in a directory that is
  // created 0700. A stale socket (no service answering) is replaced; a live
  // one is Errc::busy.
  static Result<std::unique_ptr<ControlSocketServer>> listen(const std::filesystem::path& path,
                                                             const console::CommandTable& table,
                                                             console::Appliance& app, std::size_t max_clients = 8);
  ~ControlSocketServer();
  ControlSocketServer(const ControlSocketServer&) = delete;
  ControlSocketServer& operator=(const ControlSocketServer&) = delete;

  // Starts the accept thread.
  void start();
  // Stops accepting, ends every client session, removes the socket file.
  void stop();
  const std::filesystem::path& path() const { return path_; }

 private:
  ControlSocketServer(int fd, std::filesystem::path path, const console::CommandTable& table, console::Appliance& app,
                      std::size_t max_clients);
  void accept_loop();
  void serve_client(int fd);

  int fd_;
  std::filesystem::path path_;
  const console::CommandTable& table_;
  console::Appliance& app_;
  std::size_t max_clients_;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> clients_;
  std::atomic<std::size_t> active_{0};
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
