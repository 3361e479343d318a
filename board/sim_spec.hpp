#pragma once
// `sim:key=value,...`: a simulated library described on one line, e.g.
//   sim:drives=2,slots=24,mailslots=2,cartridges=8,cartridge-mb=64,speed-mbps=400,generation=9
// Every key is optional; an unknown key or a bad value is an error naming
// it. Fault keys may repeat. The keys are listed in board/README.md.
#include <string>

#include "board/board.hpp"
#include "board/sim/sim_config.hpp"
#include "hal/result.hpp"

namespace tg::board {

struct SimSpec {
  sim::SimConfig config;
  BoardOptions options;
  std::string state_name;  // directory name under the default state root
};

// spec includes the "sim:" prefix.
Result<SimSpec> parse_sim_spec(const std::string& spec);

}  // namespace tg::board
