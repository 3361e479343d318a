#pragma once
// Media changer data (SMC-3): the READ ELEMENT STATUS reply (6.10.2-6.10.7)
// and the element address assignment mode page 0x1D (7.3.3).
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/scsi/cdb_smc.hpp"
#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

struct ElementRangeData {
  std::uint16_t first = 0, count = 0;
};

// Page 0x1D body: bytes 2-3/4-5 transport, 6-7/8-9 storage, 10-11/12-13
// import/export, 14-15/16-17 data transfer (first address, number).
struct ElementAddressPage {
  ElementRangeData transport, storage, import_export, data_transfer;
};
inline constexpr std::size_t kElementAddressPageLength = 20;
// `page` starts at the page code byte (as returned by find_mode_page).
Result<ElementAddressPage> parse_element_address_page(Bytes page);

struct ElementDescriptor {
  ElementTypeCode type = ElementTypeCode::storage;
  std::uint16_t address = 0;
  // Byte 2 flags; which apply depends on the type (SMC-3 tables 22-28).
  bool full = false, except = false, access = false;
  bool import_export = false, import_enabled = false, export_enabled = false;  // I/E elements
  std::uint8_t asc = 0, ascq = 0;   // bytes 4-5: why EXCEPT is set
  bool source_valid = false;        // byte 9 bit 7 SVALID
  bool invert = false;              // byte 9 bit 6
  std::uint16_t source = 0;         // bytes 10-11
  bool has_primary_tag = false, has_alternate_tag = false;
  std::string primary_tag;          // 32-byte volume identifier, trailing spaces removed
  std::string alternate_tag;
  // Device identifier (DVCID, SMC-3 6.10.3): code set, designator type and value.
  std::uint8_t id_code_set = 0, id_type = 0;
  std::vector<std::uint8_t> identifier;
};

// The serial part of a data transfer element's identifier: for a T10
// vendor id designator (type 1: vendor 8, product 16, serial...) the bytes
// after product, else the whole identifier as ASCII (or hex if binary).
std::string identifier_serial(const ElementDescriptor& d);

struct ElementStatusReport {
  std::uint16_t first_address = 0;      // header bytes 0-1
  std::uint16_t elements_available = 0; // header bytes 2-3
  std::uint32_t report_bytes = 0;       // header bytes 5-7: bytes of pages available (header excluded)
  std::vector<ElementDescriptor> elements;
  // More data exists than was received (allocation too small): re-ask,
  // from the address after the last element here or with a larger allocation.
  bool truncated = false;
  // The device sent less than its own page header promised (a tgt quirk):
  // the last descriptor may lack its identifier.
  bool device_cut_short = false;
};
inline constexpr std::size_t kElementStatusHeaderLength = 8;

// Parses every complete descriptor received. Lengths that contradict each
// other (descriptor larger than its page, page larger than the report,
// descriptor too short for the volume tags it claims) are errors.
// allocation: the allocation length the CDB asked for (0: unknown). A reply
// shorter than both it and the report is the device's own cut, not ours.
Result<ElementStatusReport> parse_element_status(Bytes reply, std::size_t allocation = 0);

}  // namespace tg::scsi
