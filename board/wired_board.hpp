#pragma once
// A board wired from a description: transports (in-process to a simulated
// library, or real ones from the transport factory), the changer and drive
// drivers over them, and the drivers::Library the firmware sees.
#include <memory>
#include <string>
#include <vector>

#include "board/board.hpp"
#include "board/board_xml.hpp"
#include "hal/storage_paths.hpp"

namespace tg::board {

// A simulated library under paths.board(); drive i is named drive_names[i].
Result<std::unique_ptr<Board>> open_sim_board(const std::string& name, const sim::SimConfig& config,
                                              const std::vector<std::string>& drive_names, const BoardOptions& options,
                                              const hal::StoragePaths& paths);
// Explicit devices, each through make_transport().
Result<std::unique_ptr<Board>> open_device_board(const BoardDescription& d, const std::string& file,
                                                 const hal::StoragePaths& paths);

}  // namespace tg::board
