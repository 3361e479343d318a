// `sim:key=value,...` comes from the command line, a board spec or the
// console; every bad key or value must be an error that names it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "board/sim_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const std::string& spec : {text, "sim:" + text}) {
    auto s = tg::board::parse_sim_spec(spec);
    if (!s.ok() && s.error().message.empty()) __builtin_trap();
  }
  return 0;
}
