#include "board/board.hpp"

namespace tg::board {

Result<std::unique_ptr<Board>> open_board(const std::string& spec,
                                          const std::optional<std::filesystem::path>&) {
  return Error(Errc::unsupported, "board spec '" + spec + "' not recognised yet");
}

}  // namespace tg::board
