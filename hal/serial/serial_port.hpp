#pragma once
// Serial console seam: a byte stream to a terminal (a UART, a USB serial
// adapter, a pseudo-terminal or the process's own tty). The console's line
// editor sits on top; it never sees termios.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "hal/result.hpp"

namespace tg::hal {

class SerialPort {
 public:
  virtual ~SerialPort() = default;
  // Waits up to `timeout` for input; returns the bytes read into buf (0 on
  // timeout). Errc::connection_lost when the line hung up (EOF, HUP).
  virtual Result<std::size_t> read(std::span<std::uint8_t> buf, std::chrono::milliseconds timeout) = 0;
  // Writes all of data (blocking). Errc::connection_lost on hang-up.
  virtual Status write(std::span<const std::uint8_t> data) = 0;
  virtual const std::string& description() const = 0;

  Status write(const std::string& text) {
    return write(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }
};

struct SerialSettings {
  std::uint32_t baud = 115200;
};

// "PATH" or "PATH,BAUD" (the --serial argument). Baud must be a standard rate.
Result<std::pair<std::string, SerialSettings>> parse_serial_spec(const std::string& spec);

// Opens a tty device in raw mode (8N1, no echo, no canonical processing, no
// flow control, no signal keys: the console does its own line editing).
// The previous settings are restored when the port is destroyed.
Result<std::unique_ptr<SerialPort>> open_serial_port(const std::string& path, const SerialSettings& settings);

// Wraps an already open terminal (e.g. stdin/stdout) in raw mode without
// changing its speed. Does not close the descriptors; restores the settings.
Result<std::unique_ptr<SerialPort>> adopt_terminal(int in_fd, int out_fd, std::string description);

}  // namespace tg::hal
