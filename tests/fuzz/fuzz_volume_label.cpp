// Block 0 of every cartridge that enters the library: ours, blank, or
// somebody else's (another backup product, a tar of random files, garbage).
// Misreading a foreign tape as ours, or crashing on it, risks overwriting
// the only copy of someone's data. Checked beyond "no crash": a label that
// decodes re-encodes (when its fields are encodable) to bytes that decode
// to the same label, and classify_medium agrees with decode.
// Input: one control byte (bit 0: repair the header checksum, so mutations
// reach the fields behind it), then the bytes of block 0.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "firmware/format/volume_label.hpp"

namespace {

using tg::firmware::format::VolumeLabel;

bool same(const VolumeLabel& a, const VolumeLabel& b) {
  return a.barcode == b.barcode && a.pool == b.pool && a.media_set == b.media_set && a.sequence == b.sequence &&
         a.format == b.format && a.label_time == b.label_time && a.block_size == b.block_size && a.host == b.host;
}

// POSIX ustar chksum: sum of the header with its own field read as spaces.
void repair_checksum(std::vector<std::uint8_t>& b) {
  if (b.size() < 512) return;
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : b[i];
  for (int i = 5; i >= 0; --i, sum >>= 3) b[148 + i] = static_cast<std::uint8_t>('0' + (sum & 7));
  b[154] = 0;
  b[155] = ' ';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace f = tg::firmware::format;
  if (size < 1) return 0;
  std::vector<std::uint8_t> bytes(data + 1, data + size);
  if (data[0] & 1) repair_checksum(bytes);
  std::span<const std::uint8_t> block0(bytes);
  auto label = f::decode_volume_label(block0);
  auto cls = f::classify_medium(false, block0);
  (void)f::medium_content_name(cls.content);
  if (label.ok() != (cls.content == f::MediumContent::ours)) __builtin_trap();
  if (label.ok()) {
    if (!cls.label || !same(*cls.label, *label)) __builtin_trap();
    if (auto again = f::encode_volume_label(*label); again.ok()) {
      auto back = f::decode_volume_label(*again);
      if (!back.ok() || !same(*back, *label)) __builtin_trap();
    }
  }
  if (f::classify_medium(true, block0).content != f::MediumContent::blank) __builtin_trap();
  return 0;
}
