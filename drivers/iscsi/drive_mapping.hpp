#pragma once
// Which tape LUN sits in which data transfer element of the changer. A
// wrong answer sends a cartridge to one drive and the writes to another,
// so the evidence is ranked and conflicts are errors, never guesses:
//  1. the changer's DVCID identifier for the element (READ ELEMENT STATUS
//     with DVCID=1, SMC-3 6.10) matched against the drive's VPD 0x80 serial;
//  2. a mapping written in the board file (LUN -> element address);
//  3. order: remaining LUNs ascending onto remaining elements ascending.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hal/result.hpp"

namespace tg::drivers::iscsi {

struct DriveLun {
  int lun = 0;
  std::string serial;  // VPD 0x80, trimmed
};

struct DriveElement {
  std::uint16_t address = 0;
  std::string identifier;  // DVCID identifier as the changer reports it, trimmed ("" = none)
};

enum class MappingSource : std::uint8_t { dvcid_serial, board_file, order, none };
const char* mapping_source_name(MappingSource s);  // "drive serial (DVCID)", "board file", "order", "not in changer"

struct DriveAssignment {
  int lun = 0;
  std::string serial;
  std::optional<std::uint16_t> element;  // nullopt: the LUN is in no element of this changer
  MappingSource source = MappingSource::none;
};

// True when the changer's identifier names this serial: equal, or the
// identifier ends with the serial as its last word (T10 vendor id form
// "VENDOR  PRODUCT  SERIAL").
bool identifier_names_serial(const std::string& identifier, const std::string& serial);

// One assignment per drive LUN, in LUN order. Errors (Errc::invalid_argument)
// when the board file names an element the changer lacks, maps two LUNs to
// one element, or contradicts the changer's DVCID report.
Result<std::vector<DriveAssignment>> map_drives_to_elements(const std::vector<DriveLun>& drives,
                                                           const std::vector<DriveElement>& elements,
                                                           const std::map<int, std::uint16_t>& board_map);

}  // namespace tg::drivers::iscsi
