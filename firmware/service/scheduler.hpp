#pragma once
// Starts saved jobs when their schedule says so. The service calls tick()
// from its main loop; nothing here sleeps. A job still running when its
// next time comes is not started twice.
#include <cstdint>
#include <string>

#include "firmware/console/appliance.hpp"

namespace tg::firmware::service {

// Starts one saved job now (also `job run NAME`): the kind's runner makes
// the body; the definition's last_run/last_result are updated when the
// job starts and when it ends.
Result<std::uint64_t> start_saved_job(console::Appliance& app, const SavedJob& job);

class Scheduler {
 public:
  // since: service start; schedules count from max(since, last_run), so a
  // time missed while the appliance was off does not fire at boot.
  Scheduler(console::Appliance& app, std::int64_t since) : app_(app), since_(since) {}
  // Starts every job that is due at `now`; returns how many started.
  std::size_t tick(std::int64_t now);
  // The earliest due time of any scheduled job (or now + 3600 if none).
  std::int64_t next_due(std::int64_t now) const;

 private:
  console::Appliance& app_;
  std::int64_t since_;
};

}  // namespace tg::firmware::service
