#pragma once
// The `clean <drive>` job and the one an unload starts when TapeAlert asks
// for cleaning with auto-clean on; the cleaning itself is
// library::clean_drive.
#include <memory>
#include <string>

#include "firmware/console/appliance.hpp"
#include "firmware/library/drive_reservations.hpp"

namespace tg::firmware::console {

// The job that cleans `drive`: takes over `held` (the drive's lease), or
// waits for the drive to be free, then library::clean_drive.
service::JobBody make_clean_job(Appliance& app, drivers::Library& lib, std::string drive,
                                std::shared_ptr<library::DriveLease> held = nullptr);

}  // namespace tg::firmware::console
