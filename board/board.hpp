#pragma once
// A board: one appliance/library description, wired into transports and
// drivers. Specs accepted by open_board():
//   path/to/board.xml                     an XML board (see board/README.md)
//   sim:drives=2,slots=24,...             a quick simulated library
//   iscsi://host[:port]/target-iqn        a library discovered on a portal
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"
#include "hal/storage_paths.hpp"

namespace tg::sim {
class SimLibrary;
}

namespace tg::board {

struct BoardOptions {
  bool auto_clean = false;          // load a CLN cartridge when TapeAlert asks
  std::uint32_t block_size = 0;     // 0 = the firmware default
};

class Board {
 public:
  virtual ~Board() = default;
  virtual const std::string& name() const = 0;
  virtual const hal::StoragePaths& paths() const = 0;
  virtual drivers::Library& library() = 0;
  virtual const BoardOptions& options() const = 0;
  // "simulated", "iscsi", ... one line per transport for the boot banner.
  virtual std::vector<std::string> transport_descriptions() const = 0;
  // The simulated library behind a simulated board (fault injection, speed
  // model counters for benchmarks); nullptr for real hardware.
  virtual sim::SimLibrary* simulated_library() { return nullptr; }
};

// state_override: --state DIR; else the board's own state dir; else default.
Result<std::unique_ptr<Board>> open_board(const std::string& spec,
                                          const std::optional<std::filesystem::path>& state_override);

// Whether `spec` describes a simulated library, read without opening it
// (no state touched, no device reached): what `help` needs to list the
// simulated operator's commands without a board. Errors as open_board's
// for a spec that is none of the three kinds or a board file that does
// not parse.
Result<bool> is_simulated_board(const std::string& spec);

}  // namespace tg::board
