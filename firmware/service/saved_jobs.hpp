#pragma once
// Saved job definitions, one file each in STATE/jobs/NAME.job (key=value
// lines, written to a temporary file and renamed so a crash never leaves a
// half-written definition).
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "firmware/service/schedule.hpp"
#include "hal/result.hpp"

namespace tg::firmware::service {

struct SavedJob {
  std::string name;                 // [A-Za-z0-9._-], 1..64, no leading dot
  std::string kind = "backup";      // which engine runs it
  std::string source;               // repository path
  std::string pool;                 // media pool
  std::optional<Schedule> schedule;
  std::map<std::string, std::string> extra;  // other engine options, kept verbatim
  std::int64_t last_run = 0;        // UNIX seconds of the last start (0 = never)
  std::string last_result;          // "succeeded", "failed: ...", ...
};

Status check_job_name(const std::string& name);

class SavedJobStore {
 public:
  explicit SavedJobStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }

  // Files that do not parse are reported in `problems`, not fatal.
  std::vector<SavedJob> load_all(std::vector<std::string>* problems = nullptr) const;
  Result<SavedJob> load(const std::string& name) const;
  Status save(const SavedJob& job) const;  // create or replace
  Status remove(const std::string& name) const;
  bool exists(const std::string& name) const;

 private:
  std::filesystem::path path_for(const std::string& name) const { return dir_ / (name + ".job"); }
  std::filesystem::path dir_;
};

}  // namespace tg::firmware::service
