#pragma once
// The element map of a simulated library on disk (<state>/board/library.state):
// which cartridge sits in which element, where it came from, whether the
// operator placed it, and which known cartridges were taken out of the
// library through a mail slot. One line per fact, replaced atomically.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "board/sim/sim_library.hpp"
#include "hal/result.hpp"

namespace tg::sim {

struct LibraryState {
  std::vector<ElementContents> occupied;  // only elements holding a cartridge
  std::set<std::string> outside;          // exported cartridges, kept out on restart
  // Drive elements whose cartridge was ejected (SSC UNLOAD) and still sits
  // in the drive unthreaded: it stays so across a restart, as on a real
  // library, until a LOAD or the changer takes it out.
  std::set<std::uint16_t> ejected;
  // Drive elements cleaned with a CLN cartridge: a configured "clean-drive"
  // fault (cleaning requested at power-on) is not raised again for them on a
  // restart, so a cleaning done in one run is still done in the next.
  std::set<std::uint16_t> cleaned;
};

std::string format_library_state(const LibraryState& s);
// `where` names the file in errors.
Result<LibraryState> parse_library_state(const std::string& text, const std::string& where);

}  // namespace tg::sim
