#pragma once
// Line editing for a raw terminal (serial line, pseudo-terminal, the
// service's own tty): printable text, backspace, ctrl-U (kill line), ctrl-C
// (drop line), ctrl-A/ctrl-E, left/right, home/end, delete, up/down for
// history. Bytes in, echo bytes out: no I/O here, so it is tested byte by
// byte. Anything else (stray control bytes, unknown escape sequences,
// non-ASCII garbage from a noisy line) is dropped and counted.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace tg::firmware::console {

class LineEditor {
 public:
  struct Event {
    enum class Kind : std::uint8_t { none, line, interrupt } kind = Kind::none;
    std::string line;
  };

  explicit LineEditor(std::string prompt = "tapegate> ", std::size_t max_line = 1024, std::size_t max_history = 100);

  // The prompt (at the start of a line).
  std::string prompt_output() const { return prompt_; }
  void set_prompt(std::string p) { prompt_ = std::move(p); }
  // Feeds one byte; echo/redraw bytes are appended to `out`.
  Event feed(std::uint8_t byte, std::string& out);
  // Redraws the prompt and the line being edited (after other output).
  void redraw(std::string& out) const;

  // Dropped bytes since the last call (for a one-line notice).
  std::size_t take_rejected();
  // Whether typing ran past max_line since the last call.
  bool take_overflowed();

  const std::string& buffer() const { return buf_; }
  const std::deque<std::string>& history() const { return history_; }
  void set_history_enabled(bool on) { history_enabled_ = on; }  // off for "yes" answers

 private:
  enum class State : std::uint8_t { normal, esc, csi, ss3 };
  void insert(char c, std::string& out);
  void backspace(std::string& out);
  void delete_at(std::string& out);
  void move_to(std::size_t pos, std::string& out);
  void replace_line(const std::string& text, std::string& out);
  void history_step(int dir, std::string& out);
  void handle_csi(char final_byte, std::string& out);
  Event submit(std::string& out);

  std::string prompt_;
  std::size_t max_line_, max_history_;
  std::string buf_;
  std::size_t cursor_ = 0;
  State state_ = State::normal;
  std::string csi_;
  bool last_cr_ = false;
  std::deque<std::string> history_;
  std::size_t hist_pos_ = 0;  // == history_.size(): editing a new line
  std::string saved_line_;    // the new line while browsing history
  std::size_t rejected_ = 0;
  bool overflowed_ = false;
  bool history_enabled_ = true;
};

}  // namespace tg::firmware::console
