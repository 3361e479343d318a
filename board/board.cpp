#include "board/board.hpp"

#include "board/board_xml.hpp"
#include "board/iscsi_board.hpp"
#include "board/sim_spec.hpp"
#include "board/wired_board.hpp"

namespace tg::board {
namespace {

bool is_sim_spec(const std::string& spec) { return spec == "sim" || spec.rfind("sim:", 0) == 0; }
bool is_iscsi_spec(const std::string& spec) { return spec.rfind("iscsi://", 0) == 0; }

Result<std::filesystem::path> board_file(const std::string& spec) {
  std::filesystem::path file(spec);
  if (file.extension() != ".xml")
    return Error(Errc::invalid_argument, "board '" + spec + "' is not a board file (*.xml), a sim: spec or an iscsi:// URL");
  return file;
}

}  // namespace

Result<std::unique_ptr<Board>> open_board(const std::string& spec,
                                          const std::optional<std::filesystem::path>& state_override) {
  if (is_iscsi_spec(spec)) return open_iscsi_board(spec, state_override);
  if (is_sim_spec(spec)) {
    SimSpec s = TG_TRY(parse_sim_spec(spec));
    hal::StoragePaths paths{state_override ? *state_override : hal::default_state_root() / s.state_name};
    std::vector<std::string> names;
    return open_sim_board(s.config.name, s.config, names, s.options, paths);
  }
  const std::filesystem::path file = TG_TRY(board_file(spec));
  BoardDescription d = TG_TRY(load_board_file(file));
  hal::StoragePaths paths{state_override ? *state_override : d.state ? *d.state : hal::default_state_root() / d.name};
  if (d.sim) return open_sim_board(d.name, *d.sim, d.sim_drive_names, d.options, paths);
  return open_device_board(d, file.string(), paths);
}

Result<bool> is_simulated_board(const std::string& spec) {
  if (is_iscsi_spec(spec)) return false;
  if (is_sim_spec(spec)) return true;
  const std::filesystem::path file = TG_TRY(board_file(spec));
  const BoardDescription d = TG_TRY(load_board_file(file));
  return d.sim.has_value();
}

}  // namespace tg::board
