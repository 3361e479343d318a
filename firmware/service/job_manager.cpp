#include "firmware/service/job_manager.hpp"

namespace tg::firmware::service {
namespace {

// A job whose report says it failed: its error is the report's first
// sentence ("backup incomplete: ...", "restore of ...: 0 files ok, 3 failed").
Error report_failure(const console::Reply& report) {
  return Error(Errc::io_error, report.notes.empty() ? std::string("its report says it failed") : report.notes.front());
}

}  // namespace

const char* job_state_name(JobState s) {
  switch (s) {
    case JobState::running: return "running";
    case JobState::waiting_for_operator: return "waiting for operator";
    case JobState::succeeded: return "succeeded";
    case JobState::failed: return "failed";
    case JobState::cancelled: return "cancelled";
  }
  return "unknown";
}

std::string job_owner_name(std::uint64_t id, const std::string& name) {
  return "job " + std::to_string(id) + " (" + name + ")";
}

struct JobManager::Job {
  JobInfo info;
  JobBody body;
  bool resumed = false;
  std::string announced;  // the operator request on display: asked again while polling, not announced again
  std::thread thread;
};

class JobManager::Context final : public JobContext {
 public:
  Context(JobManager& m, std::shared_ptr<Job> job) : m_(m), job_(std::move(job)) {}

  bool cancelled() const override {
    std::lock_guard lk(m_.mu_);
    return job_->info.cancel_requested;
  }

  void progress(const ProgressSnapshot& p) override {
    {
      std::lock_guard lk(m_.mu_);
      end_operator_wait_locked();
      job_->info.progress = p;
      job_->info.has_progress = true;
      ++job_->info.generation;
    }
    m_.cv_.notify_all();
  }

  void log(LogLevel level, const std::string& text) override {
    {
      std::lock_guard lk(m_.mu_);
      end_operator_wait_locked();
      auto& tail = job_->info.log_tail;
      tail.push_back(text);
      if (tail.size() > 20) tail.erase(tail.begin());
      ++job_->info.generation;
    }
    m_.log_.add(level, "job " + std::to_string(job_->info.id), text);
    m_.cv_.notify_all();
  }

  // The same request again (the job polls the library between waits) keeps
  // the one prompt up: announced once, the job stays "waiting for operator".
  bool wait_for_operator(const std::string& request, std::chrono::milliseconds wait) override {
    std::unique_lock lk(m_.mu_);
    const bool repeat = job_->announced == request && job_->info.state == JobState::waiting_for_operator;
    job_->info.state = JobState::waiting_for_operator;
    job_->info.operator_request = request;
    job_->resumed = false;
    if (!repeat) {
      job_->announced = request;
      ++job_->info.generation;
      lk.unlock();
      m_.log_.add(LogLevel::notice, "job " + std::to_string(job_->info.id), "operator: " + request +
                                        " (then 'job continue " + std::to_string(job_->info.id) + "')");
      m_.cv_.notify_all();
      lk.lock();
    }
    m_.cv_.wait_for(lk, wait, [&] { return job_->resumed || job_->info.cancel_requested; });
    bool ok = !job_->info.cancel_requested;
    if (job_->resumed || !ok) {
      end_operator_wait_locked();
      lk.unlock();
      m_.cv_.notify_all();
    }
    return ok;
  }

  // id and name are set before the job's thread starts and never change.
  std::string owner_name() const override { return job_owner_name(job_->info.id, job_->info.name); }

 private:
  // The job goes on (it reports, logs, or the operator answered).
  void end_operator_wait_locked() {
    if (job_->info.state != JobState::waiting_for_operator) return;
    job_->info.state = JobState::running;
    job_->info.operator_request.clear();
    job_->announced.clear();
    ++job_->info.generation;
  }

  JobManager& m_;
  std::shared_ptr<Job> job_;
};

JobManager::JobManager(EventLog& log, hal::Clock& clock, std::size_t max_running, std::size_t keep_finished)
    : log_(log), clock_(clock), max_running_(max_running), keep_finished_(keep_finished) {}

JobManager::~JobManager() { shutdown(); }

std::size_t JobManager::running() const {
  std::lock_guard lk(mu_);
  std::size_t n = 0;
  for (const auto& [id, j] : jobs_)
    if (!job_finished(j->info.state)) ++n;
  return n;
}

void JobManager::prune_locked() {
  std::size_t finished = 0;
  for (const auto& [id, j] : jobs_)
    if (job_finished(j->info.state)) ++finished;
  for (auto it = jobs_.begin(); it != jobs_.end() && finished > keep_finished_;) {
    if (job_finished(it->second->info.state) && it->second->thread.joinable()) {
      // The thread has set its final state and only returns now; joining
      // under the lock is safe because it no longer takes the lock.
      it->second->thread.join();
      it = jobs_.erase(it);
      --finished;
    } else {
      ++it;
    }
  }
}

Result<std::uint64_t> JobManager::start(std::string name, std::string kind, JobBody body) {
  std::shared_ptr<Job> job;
  {
    std::lock_guard lk(mu_);
    if (shutting_down_) return Error(Errc::cancelled, "the service is shutting down; job '" + name + "' not started");
    std::size_t n = 0;
    for (const auto& [id, j] : jobs_)
      if (!job_finished(j->info.state)) ++n;
    if (n >= max_running_)
      return Error(Errc::busy, std::to_string(n) + " jobs are running (the limit); job '" + name + "' not started");
    prune_locked();
    job = std::make_shared<Job>();
    job->info.id = next_id_++;
    job->info.name = std::move(name);
    job->info.kind = std::move(kind);
    job->info.started = clock_.wall_seconds();
    job->body = std::move(body);
    jobs_[job->info.id] = job;
    log_.add(LogLevel::info, "job " + std::to_string(job->info.id), "started: " + job->info.name);
    // Created under the lock: prune_locked() reads `thread` under it too.
    job->thread = std::thread([this, job] {
    Context ctx(*this, job);
    Result<console::Reply> r = job->body(ctx);
    // Whatever the body holds (drive leases, buffers) goes now, not when
    // the finished job is pruned.
    job->body = nullptr;
    std::string line;
    LogLevel level = LogLevel::info;
    {
      std::lock_guard lk(mu_);
      job->info.finished = clock_.wall_seconds();
      if (r.ok() && !r->failed) {
        job->info.state = JobState::succeeded;
        job->info.summary = std::move(r).value();
        line = "succeeded: " + job->info.name;
      } else if (r.ok()) {
        // The work ran to its end but its report says it failed (a restore
        // whose files failed, an incomplete backup): Reply::failed, the
        // verdict the one-shot CLI turns into exit status 1, decides here too.
        job->info.summary = std::move(r).value();
        job->info.error = report_failure(job->info.summary);
        job->info.state = JobState::failed;
        line = "failed: " + job->info.name + ": " + job->info.error.message;
        level = LogLevel::error;
      } else {
        job->info.error = std::move(r).error();
        bool cancelled = job->info.error.code == Errc::cancelled || job->info.cancel_requested;
        job->info.state = cancelled ? JobState::cancelled : JobState::failed;
        line = (cancelled ? "cancelled: " : "failed: ") + job->info.name + ": " + job->info.error.message;
        level = cancelled ? LogLevel::notice : LogLevel::error;
      }
      ++job->info.generation;
    }
    log_.add(level, "job " + std::to_string(job->info.id), line);
    cv_.notify_all();
  });
  }
  return job->info.id;
}

std::vector<JobInfo> JobManager::list() const {
  std::lock_guard lk(mu_);
  std::vector<JobInfo> out;
  for (const auto& [id, j] : jobs_) out.push_back(j->info);
  return out;
}

Result<JobInfo> JobManager::get(std::uint64_t id) const {
  std::lock_guard lk(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return Error(Errc::not_found, "no job " + std::to_string(id) + "; 'job list' shows the jobs");
  return it->second->info;
}

Status JobManager::cancel(std::uint64_t id) {
  {
    std::lock_guard lk(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return Error(Errc::not_found, "no job " + std::to_string(id) + "; 'job list' shows the jobs");
    if (job_finished(it->second->info.state))
      return Error(Errc::invalid_argument, "job " + std::to_string(id) + " has already " + job_state_name(it->second->info.state));
    it->second->info.cancel_requested = true;
    ++it->second->info.generation;
  }
  log_.add(LogLevel::notice, "job " + std::to_string(id), "cancel requested");
  cv_.notify_all();
  return {};
}

Status JobManager::resume(std::uint64_t id) {
  {
    std::lock_guard lk(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return Error(Errc::not_found, "no job " + std::to_string(id));
    if (it->second->info.state != JobState::waiting_for_operator)
      return Error(Errc::invalid_argument, "job " + std::to_string(id) + " is not waiting for the operator");
    it->second->resumed = true;
  }
  cv_.notify_all();
  return {};
}

Result<JobInfo> JobManager::wait(std::uint64_t id, std::uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lk(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return Error(Errc::not_found, "no job " + std::to_string(id));
  auto job = it->second;
  cv_.wait_for(lk, timeout, [&] { return job->info.generation > seen || job_finished(job->info.state); });
  return job->info;
}

void JobManager::shutdown() {
  std::vector<std::shared_ptr<Job>> all;
  {
    std::lock_guard lk(mu_);
    shutting_down_ = true;
    for (auto& [id, j] : jobs_) {
      if (!job_finished(j->info.state)) j->info.cancel_requested = true;
      all.push_back(j);
    }
  }
  cv_.notify_all();
  for (auto& j : all)
    if (j->thread.joinable()) j->thread.join();
}

}  // namespace tg::firmware::service
