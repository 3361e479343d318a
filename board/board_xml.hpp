#pragma once
// Board files: an appliance's library described as XML (format and every
// attribute, typed, with defaults: board/README.md). Either a simulated
// library, or the real devices with the transport that reaches each one.
// Errors name the file, the line and the problem.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "board/board.hpp"
#include "board/sim/sim_config.hpp"
#include "hal/result.hpp"

namespace tg::board {

struct BoardDevice {
  std::string name;            // "changer", "drive0", ...
  std::uint16_t element = 0;   // drives: data transfer element address
  std::string transport;       // iscsi://..., sg:/dev/sgN, usb:VID:PID[:serial]
  int line = 0;                // in the board file, for later errors
};

struct BoardDescription {
  std::string name;
  std::optional<std::filesystem::path> state;  // relative paths resolved against the file's directory
  BoardOptions options;
  // A simulated library, or explicit devices (exactly one of the two).
  std::optional<sim::SimConfig> sim;
  std::vector<std::string> sim_drive_names;    // one per sim drive, in order
  std::optional<BoardDevice> changer;
  std::vector<BoardDevice> drives;
};

// where: the file name used in errors; base_dir: for relative state paths.
Result<BoardDescription> parse_board_xml(const std::string& text, const std::string& where,
                                         const std::filesystem::path& base_dir);
Result<BoardDescription> load_board_file(const std::filesystem::path& file);

}  // namespace tg::board
