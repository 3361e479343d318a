#pragma once
// Runs long work (erase, scans, backups, restores) as jobs in background
// threads. Each job sees the world through a firmware::JobContext; clients
// list, watch, cancel and answer them. Jobs belong to the manager, not to
// the client that started them: a client can leave and the job goes on.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "firmware/console/reply.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/log/event_log.hpp"
#include "hal/clock.hpp"

namespace tg::firmware::service {

enum class JobState : std::uint8_t { running, waiting_for_operator, succeeded, failed, cancelled };
const char* job_state_name(JobState s);  // "running", "waiting for operator", ...
inline bool job_finished(JobState s) { return s >= JobState::succeeded; }
// How a job is named where it holds something (JobContext::owner_name):
// "job 3 (backup nightly)".
std::string job_owner_name(std::uint64_t id, const std::string& name);

// The body of a job; its Reply is the job's summary.
using JobBody = std::function<Result<console::Reply>(JobContext&)>;

struct JobInfo {
  std::uint64_t id = 0;
  std::string name;              // "erase drive0", "backup nightly"
  std::string kind;              // "erase", "backup", ...
  JobState state = JobState::running;
  bool cancel_requested = false;
  std::int64_t started = 0, finished = 0;  // wall seconds; finished 0 while running
  ProgressSnapshot progress;
  bool has_progress = false;
  std::string operator_request;  // while waiting_for_operator
  Error error;                   // when failed/cancelled
  // When succeeded, and when failed by its own report (summary.failed: the
  // body returned a report that says the work failed, e.g. a restore whose
  // files all failed; error then holds its first note).
  console::Reply summary;
  std::vector<std::string> log_tail;  // the job's last log lines
  std::uint64_t generation = 0;  // bumps on every change (for watchers)
};

class JobManager {
 public:
  JobManager(EventLog& log, hal::Clock& clock, std::size_t max_running = 8, std::size_t keep_finished = 64);
  ~JobManager();
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Errc::busy when max_running jobs are already running.
  Result<std::uint64_t> start(std::string name, std::string kind, JobBody body);
  std::vector<JobInfo> list() const;
  Result<JobInfo> get(std::uint64_t id) const;
  // Asks the job to stop; it stops at its next cancellation check.
  Status cancel(std::uint64_t id);
  // The operator did what a waiting job asked ("job continue ID").
  Status resume(std::uint64_t id);
  // Returns the job once its generation exceeds `seen` or it has finished,
  // or when `timeout` passes (then unchanged).
  Result<JobInfo> wait(std::uint64_t id, std::uint64_t seen, std::chrono::milliseconds timeout) const;
  std::size_t running() const;
  // Cancels every job and joins their threads.
  void shutdown();

 private:
  struct Job;
  class Context;
  void prune_locked();

  EventLog& log_;
  hal::Clock& clock_;
  std::size_t max_running_, keep_finished_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::uint64_t, std::shared_ptr<Job>> jobs_;
  std::uint64_t next_id_ = 1;
  bool shutting_down_ = false;
};

}  // namespace tg::firmware::service
