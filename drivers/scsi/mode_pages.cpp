#include "drivers/scsi/mode_pages.hpp"

#include <algorithm>
#include <cassert>

#include "drivers/scsi/opcodes.hpp"
#include "drivers/scsi/reply_fields.hpp"

namespace tg::scsi {
namespace {

// The mode data length counts the bytes after itself; the device may
// return less than that when the allocation was short. Use what both
// agree on, never more than was received.
Result<ModeSense> split(Bytes reply, std::size_t header, std::size_t data_length, std::size_t bd_length,
                        const char* what) {
  const std::size_t total = std::min(reply.size(), data_length);
  if (total < header)
    return Error(Errc::parse_error, std::string(what) + ": mode data length " + std::to_string(data_length) +
                                        " is shorter than its own header");
  if (header + bd_length > total)
    return Error(Errc::parse_error, std::string(what) + ": block descriptor length " + std::to_string(bd_length) +
                                        " overruns the " + std::to_string(total) + " bytes of mode data");
  ModeSense m;
  if (bd_length >= 8) {
    // SSC-4 8.3.1 short block descriptor: density, 3-byte block count,
    // reserved, 3-byte block length.
    Bytes bd = reply.subspan(header, 8);
    m.block = BlockDescriptor{.density_code = bd[0], .blocks = get_be24(bd, 1), .block_length = get_be24(bd, 5)};
  }
  m.pages = reply.subspan(header + bd_length, total - header - bd_length);
  return m;
}

}  // namespace

Result<ModeSense> parse_mode_sense6(Bytes reply) {
  TG_CHECK(require_length(reply, 4, "MODE SENSE(6) header"));
  auto m = TG_TRY(split(reply, 4, 1u + reply[0], reply[3], "MODE SENSE(6)"));
  m.medium_type = reply[1];
  m.device_specific = reply[2];
  return m;
}

Result<ModeSense> parse_mode_sense10(Bytes reply) {
  TG_CHECK(require_length(reply, 8, "MODE SENSE(10) header"));
  if (reply[4] & 0x01)  // LONGLBA: 16-byte descriptors are for direct-access devices
    return Error(Errc::parse_error, "MODE SENSE(10): long LBA block descriptors are not used by tape devices");
  auto m = TG_TRY(split(reply, 8, 2u + get_be16(reply, 0), get_be16(reply, 6), "MODE SENSE(10)"));
  m.medium_type = reply[2];
  m.device_specific = reply[3];
  return m;
}

Result<Bytes> find_mode_page(Bytes pages, std::uint8_t page, std::uint8_t subpage) {
  std::size_t off = 0;
  while (off < pages.size()) {
    const std::string what = "mode page at byte " + std::to_string(off);
    TG_CHECK(require_length(pages.subspan(off), 2, what));
    const bool spf = pages[off] & 0x40;
    const std::uint8_t code = pages[off] & 0x3F;
    std::size_t header = 2, length = pages[off + 1], sub = 0;
    if (spf) {
      TG_CHECK(require_length(pages.subspan(off), 4, what + " (sub-page header)"));
      header = 4;
      sub = pages[off + 1];
      length = get_be16(pages, off + 2);
    }
    if (off + header + length > pages.size())
      return Error(Errc::parse_error, "mode page " + hex_byte(code) + ": page length " + std::to_string(length) +
                                          " overruns the mode data (" +
                                          std::to_string(pages.size() - off - header) + " bytes left)");
    if (code == page && sub == subpage) return pages.subspan(off, header + length);
    off += header + length;
  }
  return Error(Errc::not_found, "mode page " + hex_byte(page) + " not returned by the device");
}

Result<CompressionPage> parse_compression_page(Bytes page) {
  TG_CHECK(require_length(page, kCompressionPageLength, "data compression mode page 0x0F"));
  if ((page[0] & 0x3F) != mode_page::data_compression)
    return Error(Errc::parse_error, "data compression mode page: page code is " + hex_byte(page[0] & 0x3F));
  if (page[1] < kCompressionPageLength - 2)
    return Error(Errc::parse_error, "data compression mode page: page length " + std::to_string(page[1]) +
                                        ", need 14");
  return CompressionPage{.dce = bool(page[2] & 0x80),
                         .dcc = bool(page[2] & 0x40),
                         .dde = bool(page[3] & 0x80),
                         .compression_algorithm = get_be32(page, 4),
                         .decompression_algorithm = get_be32(page, 8)};
}

std::size_t build_block_descriptor_select(MutableBytes out, std::uint8_t density_code, std::uint32_t block_length,
                                          std::uint8_t buffered_mode) {
  assert(out.size() >= kBlockDescriptorSelectLength && block_length <= 0xFFFFFF);
  std::fill_n(out.begin(), kBlockDescriptorSelectLength, 0);
  out[2] = static_cast<std::uint8_t>((buffered_mode & 0x07) << 4);  // WP is ignored on select
  out[3] = 8;                                                        // block descriptor length
  out[4] = density_code;
  put_be24(out, 9, block_length);  // bytes 5-7 of the descriptor
  return kBlockDescriptorSelectLength;
}

Result<std::size_t> build_compression_select(MutableBytes out, Bytes current_page, bool compress) {
  auto parsed = TG_TRY(parse_compression_page(current_page));
  (void)parsed;
  if (out.size() < kCompressionSelectLength)
    return Error(Errc::internal, "compression MODE SELECT buffer too small");
  std::fill_n(out.begin(), 4, 0);  // header: no block descriptor
  std::copy_n(current_page.begin(), kCompressionPageLength, out.begin() + 4);
  MutableBytes page = out.subspan(4, kCompressionPageLength);
  page[0] &= 0x3F;  // PS is reserved in MODE SELECT (SPC-4 7.5.7)
  page[1] = kCompressionPageLength - 2;
  page[2] = static_cast<std::uint8_t>(compress ? (page[2] | 0x80) : (page[2] & ~0x80));
  page[3] |= 0x80;  // DDE: always decompress on read, whatever was written
  return kCompressionSelectLength;
}

std::string density_name(std::uint8_t density_code) {
  // LTO density codes as reported in the block descriptor (LTO SCSI
  // references; SSC-4 Annex lists the registered codes).
  switch (density_code) {
    case 0x40: return "LTO-1";
    case 0x42: return "LTO-2";
    case 0x44: return "LTO-3";
    case 0x46: return "LTO-4";
    case 0x58: return "LTO-5";
    case 0x5A: return "LTO-6";
    case 0x5C: return "LTO-7";
    case 0x5D: return "LTO-7 Type M (M8)";
    case 0x5E: return "LTO-8";
    case 0x60: return "LTO-9";
    case 0x62: return "LTO-10";
    case 0x00: return "default";
    default: return "density " + hex_byte(density_code);
  }
}

}  // namespace tg::scsi
