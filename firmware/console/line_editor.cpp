#include "firmware/console/line_editor.hpp"

namespace tg::firmware::console {
namespace {

constexpr char kBell = '\a';
constexpr std::size_t kMaxEscapeBytes = 16;

}  // namespace

LineEditor::LineEditor(std::string prompt, std::size_t max_line, std::size_t max_history)
    : prompt_(std::move(prompt)), max_line_(max_line), max_history_(max_history) {}

std::size_t LineEditor::take_rejected() {
  std::size_t n = rejected_;
  rejected_ = 0;
  return n;
}

bool LineEditor::take_overflowed() {
  bool o = overflowed_;
  overflowed_ = false;
  return o;
}

void LineEditor::redraw(std::string& out) const {
  // CR, prompt, text, clear to end of line (ECMA-48 EL), then back to the
  // cursor with CUB.
  out += "\r" + prompt_ + buf_ + "\x1b[K";
  if (cursor_ < buf_.size()) out += "\x1b[" + std::to_string(buf_.size() - cursor_) + "D";
}

void LineEditor::insert(char c, std::string& out) {
  if (buf_.size() >= max_line_) {
    overflowed_ = true;
    out += kBell;
    return;
  }
  buf_.insert(buf_.begin() + static_cast<std::ptrdiff_t>(cursor_), c);
  ++cursor_;
  if (cursor_ == buf_.size()) out += c;  // typing at the end: plain echo
  else redraw(out);
}

void LineEditor::backspace(std::string& out) {
  if (cursor_ == 0) {
    out += kBell;
    return;
  }
  buf_.erase(--cursor_, 1);
  if (cursor_ == buf_.size()) out += "\b \b";
  else redraw(out);
}

void LineEditor::delete_at(std::string& out) {
  if (cursor_ >= buf_.size()) {
    out += kBell;
    return;
  }
  buf_.erase(cursor_, 1);
  redraw(out);
}

void LineEditor::move_to(std::size_t pos, std::string& out) {
  if (pos > buf_.size()) pos = buf_.size();
  cursor_ = pos;
  redraw(out);
}

void LineEditor::replace_line(const std::string& text, std::string& out) {
  buf_ = text.substr(0, max_line_);
  cursor_ = buf_.size();
  redraw(out);
}

void LineEditor::history_step(int dir, std::string& out) {
  if (history_.empty()) {
    out += kBell;
    return;
  }
  if (dir < 0) {
    if (hist_pos_ == 0) {
      out += kBell;
      return;
    }
    if (hist_pos_ == history_.size()) saved_line_ = buf_;
    --hist_pos_;
    replace_line(history_[hist_pos_], out);
  } else {
    if (hist_pos_ >= history_.size()) {
      out += kBell;
      return;
    }
    ++hist_pos_;
    replace_line(hist_pos_ == history_.size() ? saved_line_ : history_[hist_pos_], out);
  }
}

void LineEditor::handle_csi(char f, std::string& out) {
  // ECMA-48 / VT100 cursor keys: A up, B down, C right, D left; H/F and
  // 1~/4~/7~/8~ home/end; 3~ delete.
  if (f == 'A') history_step(-1, out);
  else if (f == 'B') history_step(+1, out);
  else if (f == 'C') move_to(cursor_ < buf_.size() ? cursor_ + 1 : cursor_, out);
  else if (f == 'D') move_to(cursor_ ? cursor_ - 1 : 0, out);
  else if (f == 'H') move_to(0, out);
  else if (f == 'F') move_to(buf_.size(), out);
  else if (f == '~' && (csi_ == "1" || csi_ == "7")) move_to(0, out);
  else if (f == '~' && (csi_ == "4" || csi_ == "8")) move_to(buf_.size(), out);
  else if (f == '~' && csi_ == "3") delete_at(out);
  else ++rejected_;
}

LineEditor::Event LineEditor::submit(std::string& out) {
  out += "\n";
  Event e{Event::Kind::line, buf_};
  bool blank = buf_.find_first_not_of(" \t") == std::string::npos;
  if (history_enabled_ && !blank && (history_.empty() || history_.back() != buf_)) {
    history_.push_back(buf_);
    if (history_.size() > max_history_) history_.pop_front();
  }
  buf_.clear();
  cursor_ = 0;
  hist_pos_ = history_.size();
  saved_line_.clear();
  return e;
}

LineEditor::Event LineEditor::feed(std::uint8_t b, std::string& out) {
  const bool after_cr = last_cr_;
  last_cr_ = false;
  switch (state_) {
    case State::esc:
      if (b == '[') {
        state_ = State::csi;
        csi_.clear();
      } else if (b == 'O') {
        state_ = State::ss3;
      } else {
        state_ = State::normal;
        ++rejected_;
      }
      return {};
    case State::ss3:
      state_ = State::normal;
      csi_.clear();
      if (b >= 0x40 && b <= 0x7e) handle_csi(static_cast<char>(b), out);
      else ++rejected_;
      return {};
    case State::csi:
      if (b >= 0x40 && b <= 0x7e) {
        state_ = State::normal;
        handle_csi(static_cast<char>(b), out);
      } else if (b >= 0x20 && b <= 0x3f && csi_.size() < kMaxEscapeBytes) {
        csi_ += static_cast<char>(b);
      } else {
        state_ = State::normal;  // malformed or endless sequence: drop it
        ++rejected_;
      }
      return {};
    case State::normal:
      break;
  }
  switch (b) {
    case '\r':
      last_cr_ = true;
      return submit(out);
    case '\n':
      if (after_cr) return {};  // CR LF is one Enter
      return submit(out);
    case 0x7f:
    case 0x08:
      backspace(out);
      return {};
    case 0x15:  // ctrl-U: kill the whole line
      buf_.clear();
      cursor_ = 0;
      redraw(out);
      return {};
    case 0x03:  // ctrl-C: drop the line, fresh prompt
      out += "^C\n";
      buf_.clear();
      cursor_ = 0;
      hist_pos_ = history_.size();
      return {Event::Kind::interrupt, {}};
    case 0x01:
      move_to(0, out);
      return {};
    case 0x05:
      move_to(buf_.size(), out);
      return {};
    case 0x1b:
      state_ = State::esc;
      return {};
    case '\t':
      insert(' ', out);
      return {};
    default:
      break;
  }
  if (b >= 0x20 && b < 0x7f) insert(static_cast<char>(b), out);
  else ++rejected_;  // other control bytes and non-ASCII: not command text
  return {};
}

}  // namespace tg::firmware::console
