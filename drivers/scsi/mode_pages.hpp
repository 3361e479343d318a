#pragma once
// MODE SENSE replies and MODE SELECT parameter lists (SPC-4 7.5): the mode
// parameter header, the tape block descriptor (SSC-4 8.3.1), page lookup,
// and the data compression page 0x0F (SSC-4 8.3.2).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

struct BlockDescriptor {
  std::uint8_t density_code = 0;  // byte 0
  std::uint32_t blocks = 0;       // bytes 1-3
  std::uint32_t block_length = 0; // bytes 5-7; 0 = variable-block mode
};

struct ModeSense {
  std::uint8_t medium_type = 0;
  std::uint8_t device_specific = 0;  // SSC-4 8.3.1: bit 7 WP, bits 6-4 buffered mode, 3-0 speed
  bool write_protected() const { return device_specific & 0x80; }
  std::optional<BlockDescriptor> block;  // first block descriptor, when one was returned
  Bytes pages;  // the mode pages that follow, a view into the reply
};

// MODE SENSE(6) header: byte 0 mode data length (n-1), 1 medium type,
// 2 device-specific, 3 block descriptor length (SPC-4 7.5.5 table 360).
Result<ModeSense> parse_mode_sense6(Bytes reply);
// MODE SENSE(10) header: bytes 0-1 mode data length (n-2), 2 medium type,
// 3 device-specific, 4 bit 0 LONGLBA, 6-7 block descriptor length.
Result<ModeSense> parse_mode_sense10(Bytes reply);

// The whole page (header included) with this code/subpage, or
// Errc::not_found. Page headers: byte 0 PS(7) SPF(6) code(5-0); byte 1
// length (page_0 format) or subpage + bytes 2-3 length (sub_page format).
Result<Bytes> find_mode_page(Bytes pages, std::uint8_t page, std::uint8_t subpage = 0);

struct CompressionPage {
  bool dce = false;  // byte 2 bit 7: compress on write
  bool dcc = false;  // byte 2 bit 6: the drive is capable of compression
  bool dde = false;  // byte 3 bit 7: decompress on read
  std::uint32_t compression_algorithm = 0;    // bytes 4-7
  std::uint32_t decompression_algorithm = 0;  // bytes 8-11
};
inline constexpr std::size_t kCompressionPageLength = 16;
Result<CompressionPage> parse_compression_page(Bytes page);

// MODE SELECT(6) parameter lists. Byte 0 (mode data length) is reserved
// in MODE SELECT and written as 0; the PS bit of pages is cleared.
// Header + one block descriptor: sets density (keep the current one) and
// block length (0 = variable). buffered_mode: bits 6-4 of the current
// device-specific byte, kept so buffering is not switched off by accident.
inline constexpr std::size_t kBlockDescriptorSelectLength = 12;
std::size_t build_block_descriptor_select(MutableBytes out, std::uint8_t density_code,
                                          std::uint32_t block_length, std::uint8_t buffered_mode);
// Header without block descriptor + the compression page as read (so
// vendor bits survive) with DCE/DDE set or cleared.
inline constexpr std::size_t kCompressionSelectLength = 4 + kCompressionPageLength;
Result<std::size_t> build_compression_select(MutableBytes out, Bytes current_page, bool compress);

// LTO density codes of the block descriptor (SSC-4 Annex; drive SCSI
// references). The LTO-10 value (0x62) continues the series' step of 2 and should be
// checked against a real drive.
namespace density {
inline constexpr std::uint8_t lto5 = 0x58, lto6 = 0x5A, lto7 = 0x5C, lto7m8 = 0x5D, lto8 = 0x5E, lto9 = 0x60,
                              lto10 = 0x62;
}

// Human name of a tape density code (SSC-4 / LTO density codes): 0x58
// "LTO-5", ..., 0x60 "LTO-9", 0x62 "LTO-10"; "density 0xNN" otherwise.
std::string density_name(std::uint8_t density_code);

}  // namespace tg::scsi
