#pragma once
// Everything that describes a simulated library before it is switched on:
// its element layout, drives, cartridges, personality (the device quirks as
// data) and injected faults. Built by the sim: spec parser, the board XML
// reader, or directly by tests.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/scsi/asc.hpp"

namespace tg::sim {

// What INQUIRY says: the quirks of a device are data, not code (mhvtl's
// "personality" files).
struct Personality {
  std::string vendor = "TAPEGATE";        // 8 ASCII chars, space padded on the wire
  std::string product = "SIM LTO DRIVE";  // 16
  std::string revision = "0100";          // 4
};

// Where a drive departs from SSC, as targets we test against do (field
// notes: tgt 1.0.85, usr/bs_ssc.c), so the host's workarounds get tests
// without that target. All off: an SSC-conforming LTO drive.
struct DriveQuirks {
  bool no_locate = false;               // LOCATE(10)/(16): ILLEGAL REQUEST 20/00 (not implemented)
  bool no_position = false;             // READ POSITION never knows: short form 0x14 flags, long form object 0 without BOP
  // SPACE blocks crosses filemarks as if they were blocks, and reports end
  // of data as NO SENSE 00/05 without a residual, also when the last
  // object spaced over lands on it.
  bool space_counts_filemarks = false;
};

struct SimDriveConfig {
  std::uint16_t element = 0;   // data transfer element address in the changer
  std::string serial;          // VPD 0x80 and the changer's DVCID; "" = derived
  int generation = 0;          // 0 = the library's generation
};

struct SimCartridgeConfig {
  std::string barcode;                 // volume tag; the media suffix gives the generation
  std::optional<std::uint16_t> slot;   // storage or mail slot; nullopt = next free slot
  std::uint64_t capacity_bytes = 0;    // 0 = SimConfig::cartridge_bytes
  bool write_protected = false;
};

// Faults are injected at open (from the spec or board XML) or later through
// SimLibrary's methods. Block numbers are logical object numbers, as READ
// POSITION and LOCATE count them (filemarks count too).
struct MediumErrorFault {
  std::string barcode;
  std::uint64_t block = 0;
  bool on_read = true;     // READ at that position: MEDIUM ERROR 11/00
  bool on_write = false;   // WRITE at that position: MEDIUM ERROR 0C/00, not written
};
struct CorruptBlockFault {  // the block reads back with flipped bytes and GOOD status
  std::string barcode;
  std::uint64_t block = 0;
};
struct UnitAttentionFault {
  int lun = 0;                     // 0 = changer, 1.. = drives
  std::uint8_t asc = scsi::asc::power_on_reset.asc, ascq = scsi::asc::power_on_reset.ascq;  // the default
};
struct SimFaults {
  std::vector<MediumErrorFault> medium_errors;
  std::vector<CorruptBlockFault> corrupt_blocks;
  std::vector<UnitAttentionFault> unit_attentions;
  std::vector<std::string> write_protected;   // barcodes (not stored with the cartridge)
  std::vector<int> cleaning_requested;        // drive indexes: TapeAlert 20 "clean now"
  bool stuck_picker = false;                  // MOVE MEDIUM: HARDWARE ERROR 53/00
};

struct SimConfig {
  std::string name = "sim";
  int generation = 9;                  // LTO generation of drives and new cartridges
  std::string barcode_prefix = "TG";   // generated barcodes: TG0001L9, TG0002L9, ...

  // Element addresses: deliberately not 1-based nor contiguous by default,
  // as in real libraries (field notes): drivers must read them from the
  // device.
  std::uint16_t picker_address = 1;
  std::uint16_t first_mailslot = 10;
  std::uint16_t mailslot_count = 2;
  std::uint16_t first_slot = 1000;
  std::uint16_t slot_count = 24;
  std::vector<SimDriveConfig> drives;          // empty -> drive_count drives from 500
  std::uint16_t drive_count = 2;
  std::uint16_t first_drive = 500;
  std::vector<SimCartridgeConfig> cartridges;  // empty -> cartridge_count generated
  std::uint16_t cartridge_count = 8;

  std::uint64_t cartridge_bytes = 64ull << 20;
  // Early-warning zone before the physical end; 0 = automatic
  // (capacity / 32, at least 1 MiB and 2 maximum blocks, at most 1 GiB).
  std::uint64_t early_warning_bytes = 0;
  std::uint32_t max_block_bytes = 1u << 20;    // READ BLOCK LIMITS maximum

  // Speed model: 0 = off (as fast as the data comes). Otherwise the native
  // rate in MB/s; the generation's speed-matching steps are scaled to it.
  std::uint32_t speed_mbps = 0;
  std::uint32_t drive_buffer_mb = 256;          // the drive's data buffer
  std::chrono::milliseconds backhitch_penalty{3000};  // stop, reverse, restart

  bool power_on_unit_attention = true;   // 29/00 on every LUN after (re)start
  // fdatasync on WRITE FILEMARKS IMMED=0, rewind and unload; fsync of the
  // element map and cartridge metadata before they replace the old ones.
  bool sync_on_flush = true;

  Personality drive_personality{"TAPEGATE", "SIM LTO DRIVE", "0100"};
  DriveQuirks drive_quirks;              // every drive of the library
  Personality changer_personality{"TAPEGATE", "SIM LIBRARY", "0100"};
  std::string changer_serial;            // "" = derived from the name

  SimFaults faults;
};

}  // namespace tg::sim
