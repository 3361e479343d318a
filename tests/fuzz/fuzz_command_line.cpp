// Every operator line (prompt, serial line, control socket, CLI argv) goes
// through split_command_line, and element names through take_element_ref.
// Checked beyond "no crash": split(join(words)) == words, split accepts
// only what check_line_bytes accepts, and the limits hold.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "firmware/console/command_line.hpp"
#include "firmware/console/element_ref.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace c = tg::firmware::console;
  std::string_view line(reinterpret_cast<const char*>(data), size);
  const bool bytes_ok = c::check_line_bytes(line).ok();
  auto words = c::split_command_line(line);
  if (!words.ok()) return 0;
  if (!bytes_ok || words->size() > c::kMaxWords) __builtin_trap();
  const std::string joined = c::join_command_line(*words);
  auto again = c::split_command_line(joined);
  if (joined.size() <= c::kMaxLineBytes && (!again.ok() || *again != *words)) __builtin_trap();
  for (std::size_t pos = 0; pos < words->size();) {
    const std::size_t before = pos;
    if (!c::take_element_ref(*words, pos).ok()) break;
    if (pos <= before || pos > words->size()) __builtin_trap();  // must consume one or two words
  }
  return 0;
}
