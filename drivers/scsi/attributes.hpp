#pragma once
// READ ATTRIBUTE replies (SPC-4 6.16, attribute format 7.4): medium
// auxiliary memory (MAM) of tape cartridges.
#include <cstdint>
#include <string>
#include <vector>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

// Attribute identifiers Tapegate names (SPC-4 tables 343-345).
namespace mam {
inline constexpr std::uint16_t remaining_capacity = 0x0000, maximum_capacity = 0x0001, tape_alert_flags = 0x0002,
                               load_count = 0x0003, mam_space_remaining = 0x0004, format_density = 0x0006,
                               initialization_count = 0x0007, volume_identifier = 0x0008,
                               total_mib_written = 0x0220, total_mib_read = 0x0221,
                               medium_manufacturer = 0x0400, medium_serial = 0x0401, medium_length = 0x0402,
                               medium_width = 0x0403, medium_density = 0x0405, manufacture_date = 0x0406,
                               mam_capacity = 0x0407, medium_type = 0x0408, application_vendor = 0x0800,
                               application_name = 0x0801, application_version = 0x0802,
                               user_medium_text_label = 0x0803, last_written_time = 0x0804,
                               text_localization = 0x0805, barcode = 0x0806, owning_host = 0x0807,
                               media_pool = 0x0808, application_format_version = 0x080B;
}

enum class AttributeFormat : std::uint8_t { binary = 0, ascii = 1, text = 2, reserved = 3 };

struct Attribute {
  std::uint16_t id = 0;          // bytes 0-1
  bool read_only = false;        // byte 2 bit 7
  AttributeFormat format = AttributeFormat::binary;  // byte 2 bits 1-0
  std::vector<std::uint8_t> value;
};

// "Barcode", "Load count", ...; "Attribute 0xNNNN" for ids without a name.
std::string attribute_name(std::uint16_t id);
// ASCII/text trimmed; binary up to 8 bytes as a decimal number; longer
// binary as hex.
std::string attribute_value_text(const Attribute& a);

struct AttributeList {
  std::uint32_t available = 0;  // bytes 0-3: bytes of attributes available
  std::vector<Attribute> attributes;
  bool truncated = false;       // available exceeds what was received
};

// Service action ATTRIBUTE VALUES: 4-byte length, then attributes (2-byte
// id, flags/format byte, 2-byte length, value).
Result<AttributeList> parse_attribute_values(Bytes reply);

}  // namespace tg::scsi
