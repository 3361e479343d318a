#pragma once
// SSC-4 (sequential-access) command builders. Counts wider than their CDB
// field are a programming error: callers range-check against kMax24 /
// kSpace6Min..kSpace6Max first (the tape driver turns them into
// Errc::invalid_argument); builders assert.
#include <cstdint>
#include <optional>

#include "drivers/scsi/cdb.hpp"

namespace tg::scsi {

// SPACE code field (SSC-4 7.9 table 52).
enum class SpaceCode : std::uint8_t { blocks = 0, filemarks = 1, sequential_filemarks = 2, end_of_data = 3 };

// READ POSITION service actions (SSC-4 7.7 table 45).
enum class ReadPositionForm : std::uint8_t { short_form = 0x00, short_vendor = 0x01, long_form = 0x06, extended = 0x08 };

Cdb6 rewind(bool immediate);                                  // SSC-4 7.6
Cdb6 read_block_limits();                                     // SSC-4 7.5
// FIXED=1: length counts blocks of the mode's block size; else bytes of one block.
Cdb6 read6(std::uint32_t length, bool fixed, bool suppress_ili);  // SSC-4 6.4
Cdb6 write6(std::uint32_t length, bool fixed);                // SSC-4 6.9
Cdb6 write_filemarks6(std::uint32_t count, bool immediate);   // SSC-4 6.10
Cdb6 space6(SpaceCode code, std::int32_t count);              // SSC-4 6.7
Cdb16 space16(SpaceCode code, std::int64_t count);            // SSC-4 7.9
Cdb6 erase6(bool long_erase, bool immediate);                 // SSC-4 6.2
// LOAD=1 loads/threads, LOAD=0 unloads; HOLD keeps the cartridge in the drive.
Cdb6 load_unload(bool load, bool immediate, bool retension = false, bool end_of_tape = false,
                 bool hold = false);                          // SSC-4 7.2
// partition: when given, CP=1 and the drive changes to it first.
Cdb10 locate10(std::uint32_t block, bool immediate, std::optional<std::uint8_t> partition = {});  // SSC-4 7.3
Cdb16 locate16(std::uint64_t logical_object, bool immediate,
               std::optional<std::uint8_t> partition = {});   // SSC-4 7.4 (DEST_TYPE 000b: object)
Cdb10 read_position(ReadPositionForm form);                   // SSC-4 7.7

}  // namespace tg::scsi
