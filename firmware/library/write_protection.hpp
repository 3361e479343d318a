#pragma once
// WORM and write-protect refusal, decided once: before a command would
// overwrite what is on the loaded cartridge (erase, a new label), the
// firmware refuses it itself rather than leaving it to the drive's DATA
// PROTECT (WORM cartridges cannot be overwritten: field lessons).
#include <string>

#include "drivers/tape_drive.hpp"
#include "hal/result.hpp"

namespace tg::firmware::library {

// Errc::data_protect naming `what` ("the cartridge in drive drive0") when
// the medium is WORM or its write-protect tab is set; Errc::not_ready when
// the drive holds no cartridge.
Status refuse_overwrite(drivers::TapeDrive& drive, const std::string& what);

}  // namespace tg::firmware::library
