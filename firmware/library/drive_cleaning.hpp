#pragma once
// Cleaning drives with a CLN cartridge from the library, and what a job does
// with a drive whose TapeAlert asks for cleaning: clean it first when the
// board has auto-clean on, otherwise refuse it and say why (the caller may
// take another drive).
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "firmware/job/job_context.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "hal/clock.hpp"
#include "hal/result.hpp"

namespace tg::firmware::library {

// TapeAlert flags 20 (clean now) and 21 (clean periodic), SSC-4 Annex A.
bool cleaning_requested(const std::vector<drivers::TapeAlert>& alerts);

struct Cleaned {
  std::string cartridge;            // the CLN cartridge used
  std::uint16_t home = 0;           // the slot it went back to
  bool still_requested = false;     // TapeAlert still asks afterwards
};
// Cleans the leased drive: it must be empty (Errc::element_full otherwise);
// loads the first CLN cartridge in a storage slot, waits for the cleaning
// cycle (the drive stops answering ready when it ejects the cartridge;
// bounded at 10 minutes, checked once a second on `clock`, ends early when
// the job is cancelled), and puts the cartridge back home.
Result<Cleaned> clean_drive(drivers::Library& lib, library::DriveLease& lease, JobContext& ctx, hal::Clock& clock);

// Readies a drive a job just reserved: takes the unit attentions a drive
// holds after power-on (so the job's first real command, READ BLOCK LIMITS,
// is not the one that receives them), then reads TapeAlert. When it asks for
// cleaning: with `auto_clean` the drive is emptied (the cartridge goes home)
// and cleaned, and the job's log says so; without, Errc::busy naming the
// drive and the remedy ('clean DRIVE', or auto-clean on the board), so the
// caller can take another drive or stop.
struct DriveReadiness {
  bool cleaned = false;
  std::string cleaning_cartridge;
};
Result<DriveReadiness> ready_for_job(drivers::Library& lib, library::DriveLease& lease, bool auto_clean, JobContext& ctx,
                                     hal::Clock& clock);

// At the end of a job, the cartridge gone home: reads the drive's TapeAlert
// and, when it asks for cleaning, cleans it now with `auto_clean` (reading
// TapeAlert clears its flags on real drives, so the request cannot be left
// for the next job), or says in the job's log that it must be cleaned.
// True when cleaning was asked for.
bool clean_if_asked_at_end(drivers::Library& lib, library::DriveLease& lease, bool auto_clean, JobContext& ctx,
                           hal::Clock& clock);

}  // namespace tg::firmware::library
