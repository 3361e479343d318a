#pragma once
// Cleaning a drive with a CLN cartridge from the library: on request
// (`clean <drive>`) or automatically when TapeAlert asks and the board
// enables auto-clean.
#include <memory>
#include <string>
#include <vector>

#include "drivers/tape_drive.hpp"
#include "firmware/console/appliance.hpp"
#include "firmware/pools/drive_reservations.hpp"

namespace tg::firmware::console {

// TapeAlert flags 20 (clean now) and 21 (clean periodic), SSC-3 Annex A.
bool cleaning_requested(const std::vector<drivers::TapeAlert>& alerts);

// The job that cleans `drive`: takes over `held` (the drive's lease), or
// waits for the drive to be free; checks it is empty, loads the first CLN
// cartridge, waits for the cleaning cycle (TEST UNIT READY stops answering
// ready; bounded at 10 minutes), and puts the cartridge back home.
service::JobBody make_clean_job(Appliance& app, drivers::Library& lib, std::string drive,
                                std::shared_ptr<pools::DriveLease> held = nullptr);

}  // namespace tg::firmware::console
