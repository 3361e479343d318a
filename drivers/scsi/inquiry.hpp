#pragma once
// INQUIRY replies: standard data (SPC-4 6.6.2), Unit Serial Number VPD page
// 0x80 (SPC-4 7.8.15) and Device Identification VPD page 0x83 (SPC-4 7.8.6).
#include <cstdint>
#include <string>
#include <vector>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

struct StandardInquiry {
  std::uint8_t qualifier = 0;    // byte 0 bits 7-5 (0 = connected)
  std::uint8_t device_type = 0;  // byte 0 bits 4-0
  bool removable = false;        // byte 1 bit 7 RMB
  std::uint8_t version = 0;      // byte 2
  std::string vendor, product, revision;  // bytes 8-15, 16-31, 32-35
};

// Needs the 36 bytes every SPC-2+ device returns.
Result<StandardInquiry> parse_standard_inquiry(Bytes reply);

// Unit serial number (page 0x80), ASCII, trimmed.
Result<std::string> parse_unit_serial(Bytes reply);

struct Designator {
  std::uint8_t code_set = 0;     // 1 binary, 2 ASCII, 3 UTF-8
  std::uint8_t association = 0;  // 0 logical unit, 1 target port, 2 target device
  std::uint8_t type = 0;         // 0 vendor, 1 T10 vendor id, 2 EUI-64, 3 NAA, 8 SCSI name
  std::vector<std::uint8_t> value;
};
// Printable form: "naa:5000e11156304001", "t10:IBM ULT3580-TD9 1013000123".
std::string designator_text(const Designator& d);

Result<std::vector<Designator>> parse_device_identification(Bytes reply);

// Supported VPD pages (page 0x00, SPC-4 7.8.14).
Result<std::vector<std::uint8_t>> parse_supported_vpd_pages(Bytes reply);

}  // namespace tg::scsi
