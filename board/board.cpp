#include "board/board.hpp"

#include "board/board_xml.hpp"
#include "board/iscsi_board.hpp"
#include "board/sim_spec.hpp"
#include "board/wired_board.hpp"

namespace tg::board {

Result<std::unique_ptr<Board>> open_board(const std::string& spec,
                                          const std::optional<std::filesystem::path>& state_override) {
  if (spec.rfind("iscsi://", 0) == 0) return open_iscsi_board(spec, state_override);
  if (spec == "sim" || spec.rfind("sim:", 0) == 0) {
    SimSpec s = TG_TRY(parse_sim_spec(spec));
    hal::StoragePaths paths{state_override ? *state_override : hal::default_state_root() / s.state_name};
    std::vector<std::string> names;
    return open_sim_board(s.config.name, s.config, names, s.options, paths);
  }
  std::filesystem::path file(spec);
  if (file.extension() != ".xml")
    return Error(Errc::invalid_argument, "board '" + spec + "' is not a board file (*.xml), a sim: spec or an iscsi:// URL");
  BoardDescription d = TG_TRY(load_board_file(file));
  hal::StoragePaths paths{state_override ? *state_override : d.state ? *d.state : hal::default_state_root() / d.name};
  if (d.sim) return open_sim_board(d.name, *d.sim, d.sim_drive_names, d.options, paths);
  return open_device_board(d, file.string(), paths);
}

}  // namespace tg::board
