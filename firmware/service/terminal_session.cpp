#include "firmware/service/terminal_session.hpp"

#include <algorithm>

#include "firmware/console/command_line.hpp"
#include "firmware/console/dispatch.hpp"

namespace tg::firmware::service {
namespace {
// Editing beyond a quarter of the protocol limit is never a typed command.
constexpr std::size_t kTerminalLineLimit = console::kMaxLineBytes / 4;
}  // namespace

TerminalSession::TerminalSession(hal::SerialPort& port, const console::CommandTable& table, console::Appliance& app,
                                 const std::atomic<bool>& stop, bool allow_exit)
    : port_(port), table_(table), app_(app), stop_(stop), allow_exit_(allow_exit), editor_("tapegate> ", kTerminalLineLimit) {}

void TerminalSession::write(const std::string& text) {
  if (hung_up_ || text.empty()) return;
  if (auto s = port_.write(text); !s) hung_up_ = true;
}

void TerminalSession::report_rejected() {
  std::size_t n = editor_.take_rejected();
  bool over = editor_.take_overflowed();
  if (!n && !over) return;
  std::string msg = "\r\x1b[K";
  if (n) msg += "[console: ignored " + std::to_string(n) + " byte(s) that are not command text]\n";
  if (over) msg += "[console: line too long; the limit is " + std::to_string(kTerminalLineLimit) + " characters]\n";
  editor_.redraw(msg);
  write(msg);
}

Status TerminalSession::fill(std::chrono::milliseconds wait) {
  std::uint8_t buf[256];
  auto n = port_.read(buf, wait);
  if (!n) {
    if (n.error().code == Errc::connection_lost) hung_up_ = true;
    return std::move(n).error();
  }
  pending_.insert(pending_.end(), buf, buf + *n);
  return {};
}

Result<console::LineEditor::Event> TerminalSession::read_event() {
  for (;;) {
    std::string out;
    console::LineEditor::Event ev;
    // Bytes already read (typed ahead, pasted lines) go first.
    while (!pending_.empty() && ev.kind == console::LineEditor::Event::Kind::none) {
      ev = editor_.feed(pending_.front(), out);
      pending_.pop_front();
    }
    write(out);
    report_rejected();
    if (ev.kind != console::LineEditor::Event::Kind::none) return ev;
    if (stop_.load()) return Error(Errc::cancelled, "the service is stopping");
    if (hung_up_) return Error(Errc::connection_lost, port_.description() + ": line hung up");
    TG_CHECK(fill(std::chrono::milliseconds(200)));
  }
}

bool TerminalSession::confirm(const std::string& question) {
  std::string saved = editor_.prompt_output();
  editor_.set_prompt(question);
  editor_.set_history_enabled(false);
  std::string out;
  editor_.redraw(out);
  write(out);
  auto ev = read_event();
  editor_.set_prompt(saved);
  editor_.set_history_enabled(true);
  return ev && ev->kind == console::LineEditor::Event::Kind::line && ev->line == "yes";
}

void TerminalSession::stream(const std::string& text, bool) { write(text); }

bool TerminalSession::stop_requested() {
  if (stop_.load() || hung_up_) return true;
  (void)fill(std::chrono::milliseconds(0));
  // ctrl-C stops a streaming command; bytes typed before it are dropped
  // with it, bytes after it stay for the next prompt.
  auto it = std::find(pending_.begin(), pending_.end(), std::uint8_t{0x03});
  if (it == pending_.end()) return false;
  pending_.erase(pending_.begin(), it + 1);
  write("^C\n");
  return true;
}

Status TerminalSession::run(const std::string& greeting) {
  std::string out = greeting;
  editor_.redraw(out);
  write(out);
  for (;;) {
    auto ev = read_event();
    if (!ev) {
      // The line went away or the service stops: the session ends quietly.
      if (ev.error().code == Errc::connection_lost || ev.error().code == Errc::cancelled) return {};
      return std::move(ev).error();
    }
    std::string prompt;
    if (ev->kind == console::LineEditor::Event::Kind::line) {
      const std::string& line = ev->line;
      auto first = line.find_first_not_of(" \t");
      if (first != std::string::npos) {
        std::string word = line.substr(first, line.find_last_not_of(" \t") - first + 1);
        if (allow_exit_ && (word == "exit" || word == "quit")) return {};
        auto outcome = console::execute_line(table_, app_, *this, line);
        write(outcome.output);
      }
    }
    editor_.redraw(prompt);
    write(prompt);
  }
}

}  // namespace tg::firmware::service
