#pragma once
// Where an append starts when the drive cannot say where end of data is.
// SPACE to end of data gets there, but a drive that never reports its
// position (tgt: READ POSITION answers zeros, field notes) leaves the block
// number unknown, and every tape file the job writes is recorded by it.
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/tape_drive.hpp"
#include "firmware/catalog/catalog.hpp"
#include "hal/result.hpp"

namespace tg::firmware::pools {

// Positions the drive at the end of the cartridge's data as the catalog
// knows it (`files`: its tape files, label included, in order) and checks
// on the tape that the data ends there:
//  - last tape file closed: LOCATE to its filemark (first_block +
//    block_count), READ that filemark, READ end of data;
//  - last tape file interrupted by a crash (open or incomplete): LOCATE to
//    the end of what it is known to hold, READ on to its filemark or to end
//    of data, close it with the blocks found (writing the filemark a crash
//    left out), and record that in the catalog.
// Returns the block where the next tape file starts, the drive positioned
// there. Data after what the catalog knows, or an end of data before it,
// refuses the cartridge (Errc::foreign_medium, naming the barcode): the
// caller takes another.
Result<std::uint64_t> position_at_catalog_end(catalog::Catalog& cat, drivers::TapeDrive& drive,
                                              const std::string& barcode,
                                              const std::vector<catalog::TapeFile>& files);

}  // namespace tg::firmware::pools
