// A tape file read back for restore, verify or catalog rebuild is a tar
// stream we may not have written (foreign media, damage, a truncated
// volume). The first input byte picks the tape block size the stream is cut
// into, so headers and pax payloads straddle feed() calls at every offset;
// the second says whether to repair the checksum of every record carrying
// the "ustar" magic (else nearly every mutation dies at the checksum and
// the fields behind it go unexplored); the rest is the stream. Checked beyond "no crash": the reader never hands
// out more data than the member's header announced, and entry/data/end
// events come in order.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "firmware/format/tar_reader.hpp"

namespace {

using tg::firmware::format::TarEntry;

class CheckingEvents : public tg::firmware::format::TarEvents {
 public:
  tg::Status on_entry(const TarEntry& entry) override {
    if (in_entry_) __builtin_trap();  // a new member before the last one ended
    in_entry_ = true;
    size_ = entry.carries_data() ? entry.size : 0;
    got_ = 0;
    (void)entry.original_path();
    (void)entry.file_offset();
    (void)entry.keyword("path");
    return {};
  }
  tg::Status on_data(std::span<const std::uint8_t> bytes) override {
    if (!in_entry_) __builtin_trap();
    got_ += bytes.size();
    if (got_ > size_) __builtin_trap();  // more data than the header said
    return {};
  }
  tg::Status on_entry_end() override {
    if (!in_entry_ || got_ != size_) __builtin_trap();
    in_entry_ = false;
    return {};
  }

 private:
  bool in_entry_ = false;
  std::uint64_t size_ = 0, got_ = 0;
};

// POSIX ustar: chksum (offset 148, 8 bytes) is the sum of the header's
// bytes with the field itself taken as spaces, 6 octal digits, NUL, space.
void repair_checksums(std::vector<std::uint8_t>& s) {
  for (std::size_t r = 0; r + 512 <= s.size(); r += 512) {
    std::uint8_t* h = s.data() + r;
    if (std::memcmp(h + 257, "ustar", 5) != 0) continue;
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : h[i];
    for (int i = 5; i >= 0; --i, sum >>= 3) h[148 + i] = static_cast<std::uint8_t>('0' + (sum & 7));
    h[154] = 0;
    h[155] = ' ';
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // 1..256 records of 512, or odd sizes that no tape would use but a
  // transport's short reads can produce.
  const std::size_t selector = data[0];
  const std::size_t block = (selector & 0x80) ? (selector & 0x7F) + 1 : ((selector & 0x7F) + 1) * 512;
  std::vector<std::uint8_t> bytes(data + 2, data + size);
  if (data[1] & 1) repair_checksums(bytes);
  std::span<const std::uint8_t> stream(bytes);

  tg::firmware::format::TarReader reader({.max_pax_payload = 64 * 1024});
  CheckingEvents events;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    const std::size_t n = std::min(block, stream.size() - pos);
    const std::uint64_t before = reader.offset();
    if (!reader.feed(stream.subspan(pos, n), events).ok()) break;
    if (reader.offset() != before + n) __builtin_trap();  // every byte accounted for
    pos += n;
  }
  (void)reader.finish();

  // The two helpers the catalog copy reader also uses.
  (void)tg::firmware::format::parse_pax_records(
      std::string_view(reinterpret_cast<const char*>(stream.data()), std::min<std::size_t>(stream.size(), 4096)));
  (void)tg::firmware::format::parse_tar_number(stream.subspan(0, std::min<std::size_t>(stream.size(), 12)));
  return 0;
}
