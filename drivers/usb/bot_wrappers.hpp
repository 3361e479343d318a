#pragma once
// USB Mass Storage Class, Bulk-Only Transport rev. 1.0: the two wrappers
// that frame every command on the bulk pipes. Both directions are here,
// encode and parse, because the host (BotProtocol) and a device model
// (tests) must agree byte for byte. Fields are little-endian (BOT 5.1/5.2).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::usb {

inline constexpr std::uint32_t kCbwSignature = 0x43425355;  // "USBC" (BOT 5.1)
inline constexpr std::uint32_t kCswSignature = 0x53425355;  // "USBS" (BOT 5.2)
inline constexpr std::size_t kCbwLength = 31;
inline constexpr std::size_t kCswLength = 13;
inline constexpr std::size_t kMaxCdbLength = 16;
inline constexpr std::uint8_t kMaxLun = 15;  // bCBWLUN is 4 bits

// bCSWStatus (BOT 5.2, table 5.3).
enum class CswStatus : std::uint8_t { passed = 0, failed = 1, phase_error = 2 };

struct CommandBlockWrapper {
  std::uint32_t tag = 0;
  std::uint32_t data_transfer_length = 0;
  bool data_in = false;           // bmCBWFlags bit 7: 1 = device to host
  std::uint8_t lun = 0;           // 0..15
  std::array<std::uint8_t, kMaxCdbLength> cdb{};
  std::uint8_t cdb_length = 0;    // 1..16

  std::span<const std::uint8_t> cdb_bytes() const { return {cdb.data(), cdb_length}; }
};

struct CommandStatusWrapper {
  std::uint32_t tag = 0;
  std::uint32_t data_residue = 0;
  std::uint8_t status = 0;        // raw bCSWStatus; 3..255 are reserved
};

// Builds the 31 CBW bytes. Fails on a CDB that is empty or longer than 16
// bytes, or a LUN above 15: those cannot be expressed in the wrapper.
Result<std::array<std::uint8_t, kCbwLength>> encode_cbw(const CommandBlockWrapper& cbw);

// Device side: a CBW is "valid" only if it is exactly 31 bytes with the
// signature (BOT 6.2.1) and "meaningful" only if reserved bits are zero and
// bCBWCBLength is 1..16 (BOT 6.2.2). Both failures are parse errors here;
// the device answers either by stalling (BOT 6.6.1).
Result<CommandBlockWrapper> parse_cbw(Bytes raw);

std::array<std::uint8_t, kCswLength> encode_csw(const CommandStatusWrapper& csw);

// Host side: checks length and signature only (BOT 6.3.1 "valid"). Whether
// the tag matches and the status/residue are meaningful is the protocol's
// call, because it depends on the CBW that was sent.
Result<CommandStatusWrapper> parse_csw(Bytes raw);

}  // namespace tg::usb
