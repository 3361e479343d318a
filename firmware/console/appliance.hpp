#pragma once
// What console commands work on: the library the board wired (changer and
// drives), the state directory, and the service's parts. Filled by main
// (which alone knows the board); the firmware never includes board/.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "firmware/log/event_log.hpp"
#include "firmware/service/job_manager.hpp"
#include "firmware/service/saved_jobs.hpp"
#include "hal/clock.hpp"
#include "hal/storage_paths.hpp"

namespace tg::firmware::console {

struct BoardInfo {
  std::string name;                     // board name
  std::string spec;                     // what --board said
  std::vector<std::string> transports;  // one line each, for the banner
  bool auto_clean = false;              // clean when TapeAlert asks
  std::uint32_t block_size = 0;         // 0 = firmware default
  // The board describes a simulated library. Read from the description
  // when no library is open (one-shot `help`), so help lists the sim
  // commands there as at the prompt; with a library, its hands decide.
  bool simulated = false;
};

struct Appliance;
// Turns a saved job into a job body; one per job kind ("backup"), supplied
// by the part that implements that kind. The body waits for a drive when
// all are busy (wait_for_drive in library_ops.hpp).
using SavedJobRunner = std::function<Result<service::JobBody>(const service::SavedJob&, Appliance&)>;

struct Appliance {
  drivers::Library* library = nullptr;  // null until a board is open
  // The one owner of the library's drives and of its changer's moves: set
  // with `library`; jobs and console commands reserve from it.
  library::DriveReservations* drives = nullptr;
  hal::StoragePaths paths;
  BoardInfo board;
  hal::Clock* clock = nullptr;
  EventLog* log = nullptr;
  service::JobManager* jobs = nullptr;
  service::SavedJobStore* saved = nullptr;
  std::map<std::string, SavedJobRunner> runners;  // by SavedJob::kind
  bool in_service = false;  // jobs outlive the command (serve) vs. foreground (CLI)
};

}  // namespace tg::firmware::console
