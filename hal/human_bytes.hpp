#pragma once
// A byte count as people read it: "512 B", "878.9 KiB", "1.2 GiB" (binary
// units, one decimal). The one formatter for summaries, progress and tables;
// `--json` carries the exact number beside it.
#include <cstdint>
#include <string>

namespace tg::hal {

std::string human_bytes(std::uint64_t bytes);

}  // namespace tg::hal
