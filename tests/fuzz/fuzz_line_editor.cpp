// The line editor takes raw bytes from a serial line or a terminal: noise,
// half escape sequences, pasted binary. Checked beyond "no crash": the
// buffer never exceeds max_line, submitted lines hold only printable ASCII
// (what the editor accepts), and history stays within its bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "firmware/console/line_editor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tg::firmware::console::LineEditor;
  constexpr std::size_t kMaxLine = 40, kMaxHistory = 4;  // small, so the limits are reached
  LineEditor ed("> ", kMaxLine, kMaxHistory);
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0xFF && i + 1 < size) {  // an escape in the input: toggle history like a "yes?" prompt does
      ed.set_history_enabled((data[++i] & 1) != 0);
      continue;
    }
    auto ev = ed.feed(data[i], out);
    if (ed.buffer().size() > kMaxLine || ed.history().size() > kMaxHistory) __builtin_trap();
    if (ev.kind == LineEditor::Event::Kind::line)
      for (char ch : ev.line)
        if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7E) __builtin_trap();
    if (out.size() > 1 << 16) out.clear();
  }
  ed.redraw(out);
  (void)ed.take_rejected();
  (void)ed.take_overflowed();
  return 0;
}
