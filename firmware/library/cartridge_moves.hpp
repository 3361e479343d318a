#pragma once
// Moving cartridges: the one place the library is driven from, for console
// commands and jobs alike. Each move is decided on an inventory read under
// the changer lock (DriveReservations::lock_changer) and made before the
// lock is released; drive motion (rewinding, unthreading, becoming ready)
// happens outside it, so other drives keep loading and unloading.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "hal/result.hpp"

namespace tg::firmware::library {

// The changer's inventory. A UNIT ATTENTION (power on, reset, an operator at
// the door or the mail slots) says the element map may have changed, which
// is what reading it again answers: once (AttentionLimit::once). The caller
// holds the changer lock for it and the moves it decides; the overload on
// reservations takes the lock, for callers that only look.
Result<drivers::Inventory> read_inventory(drivers::Library& lib);
Result<drivers::Inventory> read_inventory(library::DriveReservations& drives);

// Barcodes in storage slots and drives (what a job may load now).
Result<std::vector<std::string>> barcodes_in_library(library::DriveReservations& drives);

// Where a cartridge leaving `drive` goes home to: the slot it came from when
// the changer remembers it (SVALID) and that slot is empty, else the first
// empty storage slot the picker can reach; nullptr when there is none.
const drivers::ElementStatus* home_slot(const drivers::Inventory& inv, const drivers::ElementStatus& drive);

// Moves every cartridge the operator put in a mail slot into a free storage
// slot; the barcodes moved in. Exports waiting to be taken out stay.
Result<std::vector<std::string>> import_mailslots(library::DriveReservations& drives);

// Moves `barcode` from a storage slot (or the leased drive, which is
// unloaded first) to a free mail slot; the mail slot's address.
struct Exported {
  std::uint16_t mail_slot = 0;
};
Result<Exported> export_cartridge(library::DriveReservations& drives, const std::string& barcode,
                                  library::DriveLease* lease = nullptr);

// Loads `barcode` into the leased drive and waits until it is ready
// (load_timeout() of the cartridge), recording it in the lease. Already in
// the leased drive: made ready (a cartridge left unthreaded by an
// interrupted unload is loaded again). Another cartridge in the drive goes
// home first. Errors: not_found (not in the library: the operator is asked
// to insert it into a mail slot), invalid_argument (in a mail slot: import
// first), busy (already in another drive, named).
struct Loaded {
  std::uint16_t from = 0;  // the element it came from (0: it was in the drive)
};
Result<Loaded> load_cartridge(drivers::Library& lib, library::DriveLease& lease, const std::string& barcode);

// Unloads the leased drive (SSC UNLOAD, then the move home) and reads the
// drive's TapeAlert flags once the cartridge is out, so every unload learns
// whether the drive asks for cleaning. An empty drive is left as it is.
struct Unloaded {
  std::string barcode;              // "" when the drive was empty or the cartridge has no barcode
  bool was_loaded = false;
  std::uint16_t to = 0;             // the storage slot it went to
  bool cleaning_requested = false;  // TapeAlert 20/21 after the unload
};
Result<Unloaded> unload_cartridge(drivers::Library& lib, library::DriveLease& lease);
// The same, for callers that only need the cartridge home (a job reads
// TapeAlert at its end: drive_cleaning.hpp).
Status unload_home(drivers::Library& lib, library::DriveLease& lease);

}  // namespace tg::firmware::library
