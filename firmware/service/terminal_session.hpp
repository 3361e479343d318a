#pragma once
// The console on a terminal: a serial line, a pseudo-terminal or the
// service's own tty, through hal::SerialPort. One thread runs one session;
// it lives until the line hangs up, `stop` is set, or (when allowed) the
// operator types `exit`.
#include <atomic>
#include <cstdint>
#include <deque>
#include <string>

#include "firmware/console/command_context.hpp"
#include "firmware/console/line_editor.hpp"
#include "hal/serial/serial_port.hpp"

namespace tg::firmware::service {

class TerminalSession final : public console::Interaction {
 public:
  TerminalSession(hal::SerialPort& port, const console::CommandTable& table, console::Appliance& app,
                  const std::atomic<bool>& stop, bool allow_exit);

  // Greets, then reads and runs lines. Returns when the session ends.
  Status run(const std::string& greeting);

  bool interactive() const override { return true; }
  bool confirm(const std::string& question) override;
  void stream(const std::string& text, bool progress) override;
  bool stop_requested() override;

 private:
  // Feeds bytes to the editor until a line (or ctrl-C) arrives.
  Result<console::LineEditor::Event> read_event();
  // Moves whatever the line has now (waiting up to `wait`) into pending_.
  Status fill(std::chrono::milliseconds wait);
  void write(const std::string& text);
  void report_rejected();

  hal::SerialPort& port_;
  const console::CommandTable& table_;
  console::Appliance& app_;
  const std::atomic<bool>& stop_;
  bool allow_exit_;
  console::LineEditor editor_;
  std::deque<std::uint8_t> pending_;  // read from the line, not yet edited
  bool hung_up_ = false;
};

}  // namespace tg::firmware::service
