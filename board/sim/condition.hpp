#pragma once
// What a simulated device answers when a command does not end GOOD: a check
// condition, rendered as fixed-format sense data (SPC-4 4.5.3), the format
// LTO drives and libraries return by default.
#include <cstdint>
#include <optional>

#include "drivers/scsi/asc.hpp"
#include "drivers/scsi/sense.hpp"
#include "hal/scsi_target.hpp"

namespace tg::sim {

// The sense keys and ASC/ASCQ names are the drivers' (drivers/scsi): the
// target answers in the very terms its initiator decodes.
namespace key = scsi::sense_key;
namespace asc = scsi::asc;

// SPC-4 4.5.2.4.2: the field pointer of an ILLEGAL REQUEST names the
// offending byte (and bit) of the CDB or of the parameter list.
struct FieldPointer {
  bool in_cdb = true;                 // C/D bit
  std::uint16_t byte = 0;
  std::optional<std::uint8_t> bit;    // BPV + bit pointer
};

struct Condition {
  std::uint8_t key = key::no_sense;
  std::uint8_t asc = 0, ascq = 0;
  bool filemark = false, eom = false, ili = false;   // SSC stream bits, byte 2
  std::optional<std::int64_t> information;           // sets VALID; 32-bit two's complement
  std::optional<FieldPointer> field;                 // sets SKSV

  static Condition of(std::uint8_t sense_key, scsi::AscPair code) { return {sense_key, code.asc, code.ascq}; }
  static Condition illegal(scsi::AscPair code) { return of(key::illegal_request, code); }
  // 24/00 INVALID FIELD IN CDB pointing at byte (and bit).
  static Condition invalid_cdb_field(std::uint16_t byte, std::optional<std::uint8_t> bit = std::nullopt) {
    Condition c = illegal(asc::invalid_field_in_cdb);
    c.field = FieldPointer{true, byte, bit};
    return c;
  }
  // 26/00 INVALID FIELD IN PARAMETER LIST.
  static Condition invalid_param_field(std::uint16_t byte, std::optional<std::uint8_t> bit = std::nullopt) {
    Condition c = illegal(asc::invalid_field_in_parameter_list);
    c.field = FieldPointer{false, byte, bit};
    return c;
  }
  static Condition invalid_opcode() { return illegal(asc::invalid_command_operation_code); }
  static Condition medium_not_present() { return of(key::not_ready, asc::medium_not_present); }
};

inline constexpr std::size_t kFixedSenseLength = 18;

// Writes the 18-byte fixed-format sense of c into out (at least 18 bytes).
void encode_fixed_sense(const Condition& c, std::span<std::uint8_t> out);

hal::TargetReply check_condition(const Condition& c, std::size_t data_length = 0);
inline hal::TargetReply good(std::size_t data_length = 0) {
  hal::TargetReply r;
  r.data_length = data_length;
  return r;
}

}  // namespace tg::sim
