#pragma once
// The appliance's event log: a bounded in-memory ring that the console
// reads (`log`, `log --follow`), also appended to STATE/log/events.log so
// the history survives a restart. Bounded both ways: the ring drops the
// oldest entry, the file rotates once (events.log -> events.log.1).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "firmware/job/job_context.hpp"
#include "hal/clock.hpp"

namespace tg::firmware {

const char* log_level_name(LogLevel l);  // "info", "warning", ...

struct LogEntry {
  std::uint64_t seq = 0;        // 1, 2, ... within this process
  std::int64_t wall = 0;        // UNIX seconds
  LogLevel level = LogLevel::info;
  std::string source;           // "console", "job 3", "drive0"
  std::string text;
};

class EventLog {
 public:
  // dir: STATE/log, or nullopt for memory only. The file's last lines are
  // read back into the ring so `log` shows history after a restart.
  EventLog(hal::Clock& clock, std::optional<std::filesystem::path> dir, std::size_t capacity = 1000,
           std::uint64_t max_file_bytes = 8u << 20);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void add(LogLevel level, const std::string& source, const std::string& text);

  // Entries with seq > after, oldest first, at most max.
  std::vector<LogEntry> since(std::uint64_t after, std::size_t max = SIZE_MAX) const;
  std::vector<LogEntry> last(std::size_t n) const;
  std::uint64_t last_seq() const;
  // Blocks until an entry newer than `after` exists or the timeout passes.
  bool wait_newer(std::uint64_t after, std::chrono::milliseconds timeout) const;

  static std::string format(const LogEntry& e);  // "2026-11-25T13:30:00Z warning drive0: ..."

 private:
  void append_file(const LogEntry& e);
  void load_tail();

  hal::Clock& clock_;
  std::optional<std::filesystem::path> dir_;
  std::size_t capacity_;
  std::uint64_t max_file_bytes_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<LogEntry> ring_;
  std::uint64_t next_seq_ = 1;
  std::FILE* file_ = nullptr;
  std::uint64_t file_bytes_ = 0;
};

}  // namespace tg::firmware
