#include "firmware/log/event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <fstream>

#include "hal/storage_paths.hpp"

namespace tg::firmware {
namespace {

constexpr LogLevel kLevels[] = {LogLevel::debug, LogLevel::info, LogLevel::notice, LogLevel::warning, LogLevel::error};

std::string iso_time(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::int64_t> parse_iso_time(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

// Log text is one line: newlines and control bytes from device strings or
// job messages must not forge extra entries in the file.
std::string one_line(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += (c < 0x20 || c == 0x7f) ? ' ' : static_cast<char>(c);
  return out;
}

}  // namespace

const char* log_level_name(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::notice: return "notice";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
  }
  return "info";
}

EventLog::EventLog(hal::Clock& clock, std::optional<std::filesystem::path> dir, std::size_t capacity,
                   std::uint64_t max_file_bytes)
    : clock_(clock), dir_(std::move(dir)), capacity_(capacity ? capacity : 1), max_file_bytes_(max_file_bytes) {
  if (!dir_) return;
  std::error_code ec;
  (void)hal::create_private_directories(*dir_);  // a log that cannot be kept leaves file_ null: in memory only
  load_tail();
  auto path = *dir_ / "events.log";
  // 0600 whatever the umask: the log names files, barcodes and hosts.
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    file_ = ::fdopen(fd, "a");
    if (!file_) ::close(fd);
  }
  if (file_) file_bytes_ = std::filesystem::file_size(path, ec);
}

EventLog::~EventLog() {
  if (file_) std::fclose(file_);
}

std::string EventLog::format(const LogEntry& e) {
  return iso_time(e.wall) + " " + log_level_name(e.level) + " " + e.source + ": " + e.text;
}

void EventLog::load_tail() {
  std::ifstream in(*dir_ / "events.log");
  std::string line;
  while (std::getline(in, line)) {
    // "TIME LEVEL SOURCE: TEXT"; lines that do not parse are skipped.
    auto sp1 = line.find(' ');
    if (sp1 == std::string::npos) continue;
    auto sp2 = line.find(' ', sp1 + 1);
    auto colon = line.find(": ", sp2 == std::string::npos ? line.size() : sp2);
    if (sp2 == std::string::npos || colon == std::string::npos) continue;
    auto wall = parse_iso_time(line.substr(0, sp1));
    if (!wall) continue;
    std::string lvl = line.substr(sp1 + 1, sp2 - sp1 - 1);
    LogEntry e;
    bool known = false;
    for (auto l : kLevels)
      if (lvl == log_level_name(l)) {
        e.level = l;
        known = true;
      }
    if (!known) continue;
    e.wall = *wall;
    e.source = line.substr(sp2 + 1, colon - sp2 - 1);
    e.text = line.substr(colon + 2);
    e.seq = next_seq_++;
    ring_.push_back(std::move(e));
    if (ring_.size() > capacity_) ring_.pop_front();
  }
}

void EventLog::append_file(const LogEntry& e) {
  if (!file_) return;
  std::string line = format(e) + "\n";
  if (file_bytes_ + line.size() > max_file_bytes_) {
    std::fclose(file_);
    std::error_code ec;
    std::filesystem::rename(*dir_ / "events.log", *dir_ / "events.log.1", ec);
    file_ = std::fopen((*dir_ / "events.log").c_str(), "ae");
    file_bytes_ = 0;
    if (!file_) return;
  }
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
  file_bytes_ += line.size();
}

void EventLog::add(LogLevel level, const std::string& source, const std::string& text) {
  {
    std::lock_guard lk(mu_);
    LogEntry e{.seq = next_seq_++, .wall = clock_.wall_seconds(), .level = level, .source = one_line(source), .text = one_line(text)};
    append_file(e);
    ring_.push_back(std::move(e));
    if (ring_.size() > capacity_) ring_.pop_front();
  }
  cv_.notify_all();
}

std::vector<LogEntry> EventLog::since(std::uint64_t after, std::size_t max) const {
  std::lock_guard lk(mu_);
  std::vector<LogEntry> out;
  for (const auto& e : ring_)
    if (e.seq > after && out.size() < max) out.push_back(e);
  return out;
}

std::vector<LogEntry> EventLog::last(std::size_t n) const {
  std::lock_guard lk(mu_);
  std::size_t skip = ring_.size() > n ? ring_.size() - n : 0;
  return {ring_.begin() + static_cast<std::ptrdiff_t>(skip), ring_.end()};
}

std::uint64_t EventLog::last_seq() const {
  std::lock_guard lk(mu_);
  return next_seq_ - 1;
}

bool EventLog::wait_newer(std::uint64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock lk(mu_);
  return cv_.wait_for(lk, timeout, [&] { return next_seq_ - 1 > after; });
}

}  // namespace tg::firmware
