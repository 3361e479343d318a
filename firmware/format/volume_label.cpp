// The volume label as a one-member POSIX tar archive. The ustar header
// layout is POSIX.1-2017, pax "ustar Interchange Format": name[100] mode[8]
// uid[8] gid[8] size[12] mtime[12] chksum[8] typeflag[1] linkname[100]
// magic[6] version[2] uname[32] gname[32] devmajor[8] devminor[8]
// prefix[155], numbers in zero-padded octal. The encoder is local because a
// label needs none of the data path's pax records (format/pax_header.hpp),
// and the decoder is deliberately strict: anything but exactly our label is
// "foreign".
#include "firmware/format/volume_label.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <string_view>

#include "firmware/format/tape_limits.hpp"
#include "firmware/version.hpp"

namespace tg::firmware::format {

namespace {

constexpr std::size_t kRecord = 512;
constexpr std::string_view kFormatPrefix = "TAPEGATE-";

// Field offsets and widths of the ustar header.
constexpr std::size_t kName = 0, kNameLen = 100;
constexpr std::size_t kMode = 100, kUid = 108, kGid = 116, kSize = 124, kMtime = 136, kChksum = 148;
constexpr std::size_t kTypeflag = 156, kMagic = 257, kVersion = 263, kUname = 265, kGname = 297;
constexpr std::size_t kPrefix = 345, kPrefixLen = 155;

void put_octal(std::uint8_t* h, std::size_t off, std::size_t width, std::uint64_t v) {
  // width-1 octal digits, zero padded, then NUL.
  for (std::size_t i = width - 1; i-- > 0;) {
    h[off + i] = static_cast<std::uint8_t>('0' + (v & 7));
    v >>= 3;
  }
  h[off + width - 1] = 0;
}

void put_text(std::uint8_t* h, std::size_t off, std::string_view s) {
  if (!s.empty()) std::memcpy(h + off, s.data(), s.size());
}

std::uint32_t header_checksum(std::span<const std::uint8_t> h) {
  // POSIX: the sum of all header bytes with the chksum field taken as spaces.
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < kRecord; ++i) sum += (i >= kChksum && i < kChksum + 8) ? ' ' : h[i];
  return sum;
}

std::optional<std::uint64_t> parse_octal(std::span<const std::uint8_t> h, std::size_t off, std::size_t width) {
  std::size_t i = off, end = off + width;
  while (i < end && h[i] == ' ') ++i;
  if (i == end || h[i] < '0' || h[i] > '7') return std::nullopt;
  std::uint64_t v = 0;
  for (; i < end && h[i] >= '0' && h[i] <= '7'; ++i) {
    if (v >> 60) return std::nullopt;
    v = (v << 3) | static_cast<std::uint64_t>(h[i] - '0');
  }
  for (; i < end; ++i)
    if (h[i] != 0 && h[i] != ' ') return std::nullopt;
  return v;
}

std::string c_string(std::span<const std::uint8_t> h, std::size_t off, std::size_t width) {
  const char* p = reinterpret_cast<const char*>(h.data() + off);
  return std::string(p, strnlen(p, width));
}

// Printable for an error message: at most 40 characters, others as '?'.
std::string printable(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 40)) out += (ch >= ' ' && ch <= '~') ? ch : '?';
  if (s.size() > 40) out += "...";
  return out;
}

bool clean_value(std::string_view v) {
  return std::none_of(v.begin(), v.end(), [](char ch) { return static_cast<unsigned char>(ch) < ' ' || ch == 0x7f; });
}

template <class T>
bool parse_number(const std::string& s, T& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

Error foreign(const std::string& why) { return make_error(Errc::foreign_medium, why); }

// "TAPEGATE-<n>" -> n
std::optional<std::uint32_t> format_generation(std::string_view f) {
  if (f.substr(0, kFormatPrefix.size()) != kFormatPrefix) return std::nullopt;
  std::uint32_t n = 0;
  std::string digits(f.substr(kFormatPrefix.size()));
  if (!parse_number(digits, n)) return std::nullopt;
  return n;
}

}  // namespace

const char* medium_content_name(MediumContent c) {
  switch (c) {
    case MediumContent::blank: return "blank";
    case MediumContent::ours: return "ours";
    case MediumContent::foreign: return "foreign";
  }
  return "?";
}

Result<std::vector<std::uint8_t>> encode_volume_label(const VolumeLabel& l) {
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_argument, "volume label for " + printable(l.barcode) + ": " + why);
  };
  if (l.barcode.empty() || l.barcode.size() > 32 ||
      std::any_of(l.barcode.begin(), l.barcode.end(), [](char ch) { return ch <= ' ' || ch > '~'; }))
    return bad("barcode must be 1-32 printable characters without spaces");
  if (l.pool.empty()) return bad("pool is empty");
  if (l.block_size > kMaxTapeBlockBytes) return bad("block size above the SSC variable block limit");
  if (l.media_set.empty() != (l.sequence == 0))
    return bad("media set and sequence must be given together (or neither, for a cartridge not in a set)");
  if (!format_generation(l.format)) return bad("format '" + printable(l.format) + "' is not TAPEGATE-<n>");
  for (const std::string* v : {&l.barcode, &l.pool, &l.media_set, &l.format, &l.host})
    if (!clean_value(*v)) return bad("a field contains a control character");

  std::string content = "# Tapegate volume label: this cartridge belongs to a Tapegate media pool\n";
  content += "format=" + l.format + "\n";
  content += "barcode=" + l.barcode + "\n";
  content += "pool=" + l.pool + "\n";
  content += "media_set=" + l.media_set + "\n";
  content += "sequence=" + std::to_string(l.sequence) + "\n";
  content += "label_time=" + std::to_string(l.label_time) + "\n";
  content += "block_size=" + std::to_string(l.block_size) + "\n";
  content += "host=" + l.host + "\n";
  std::size_t padded = (content.size() + kRecord - 1) / kRecord * kRecord;
  if (kRecord + padded + 2 * kRecord > kMaxLabelBytes) return bad("label content too long");

  std::vector<std::uint8_t> out(kRecord + padded + 2 * kRecord, 0);
  std::uint8_t* h = out.data();
  put_text(h, kName, kLabelMemberName);
  put_octal(h, kMode, 8, 0444);
  put_octal(h, kUid, 8, 0);
  put_octal(h, kGid, 8, 0);
  put_octal(h, kSize, 12, content.size());
  put_octal(h, kMtime, 12, l.label_time > 0 ? static_cast<std::uint64_t>(l.label_time) : 0);
  h[kTypeflag] = '0';
  put_text(h, kMagic, std::string_view("ustar\0", 6));
  put_text(h, kVersion, "00");
  put_text(h, kUname, "tapegate");
  put_text(h, kGname, "tapegate");
  // chksum: six octal digits, NUL, space (the form POSIX tar writes).
  std::uint32_t sum = header_checksum(std::span<const std::uint8_t>(h, kRecord));
  put_octal(h, kChksum, 7, sum);
  h[kChksum + 7] = ' ';
  std::memcpy(h + kRecord, content.data(), content.size());
  return out;
}

Result<VolumeLabel> decode_volume_label(std::span<const std::uint8_t> b) {
  if (b.size() < kRecord)
    return foreign("block 0 holds " + std::to_string(b.size()) + " bytes, less than one tar header (512)");
  auto h = b.first(kRecord);
  if (std::all_of(h.begin(), h.end(), [](std::uint8_t x) { return x == 0; }))
    return foreign("block 0 starts with a zero record (an empty archive or wiped data), not a Tapegate label");
  auto stored = parse_octal(h, kChksum, 8);
  if (!stored || *stored != header_checksum(h))
    return foreign("block 0 is not a tar header (checksum mismatch): data of another product or format");
  if (std::memcmp(h.data() + kMagic, "ustar\0", 6) != 0 || std::memcmp(h.data() + kVersion, "00", 2) != 0)
    return foreign("block 0 is a tar archive without the POSIX ustar magic (old or GNU tar), not a Tapegate label");
  std::string name = c_string(h, kName, kNameLen);
  std::string prefix = c_string(h, kPrefix, kPrefixLen);
  if (!prefix.empty()) name = prefix + "/" + name;
  if (h[kTypeflag] != '0' || name != kLabelMemberName)
    return foreign("block 0 is a tar archive whose first member is '" + printable(name) + "' (type '" +
                   printable(std::string(1, static_cast<char>(h[kTypeflag]))) + "'), not " + kLabelMemberName);
  auto size = parse_octal(h, kSize, 12);
  if (!size || *size == 0 || *size > kMaxLabelBytes - 3 * kRecord)
    return foreign(std::string(kLabelMemberName) + " in block 0 has an implausible size");
  if (b.size() < kRecord + *size)
    return foreign(std::string(kLabelMemberName) + " in block 0 is truncated (" + std::to_string(b.size()) +
                   " bytes, needs " + std::to_string(kRecord + *size) + ")");

  std::string_view text(reinterpret_cast<const char*>(b.data() + kRecord), *size);
  std::map<std::string, std::string> kv;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos)
      return foreign(std::string(kLabelMemberName) + ": line " + std::to_string(line_no) + " is not terminated");
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0 || !clean_value(line))
      return foreign(std::string(kLabelMemberName) + ": line " + std::to_string(line_no) +
                     " is not key=value: '" + printable(line) + "'");
    std::string key(line.substr(0, eq));
    if (kv.count(key))
      return foreign(std::string(kLabelMemberName) + ": key '" + printable(key) + "' appears twice");
    kv[key] = std::string(line.substr(eq + 1));
  }
  auto need = [&](const char* key) -> const std::string* {
    auto it = kv.find(key);
    return it == kv.end() ? nullptr : &it->second;
  };
  const std::string* format = need("format");
  if (!format) return foreign(std::string(kLabelMemberName) + " has no format= line");
  auto gen = format_generation(*format);
  auto ours = format_generation(tape_format_name());
  if (!gen || !ours) return foreign(std::string(kLabelMemberName) + ": unknown format '" + printable(*format) + "'");
  if (*gen > *ours)
    return make_error(Errc::unsupported, "the cartridge was labelled with tape format " + *format +
                                             ", newer than this firmware's " + tape_format_name() +
                                             ": upgrade the firmware to read or reuse it");

  VolumeLabel l;
  l.format = *format;
  for (const char* key : {"barcode", "pool", "media_set", "sequence", "label_time", "block_size"})
    if (!need(key)) return foreign(std::string(kLabelMemberName) + " has no " + key + "= line");
  l.barcode = *need("barcode");
  l.pool = *need("pool");
  l.media_set = *need("media_set");
  if (const std::string* host = need("host")) l.host = *host;
  if (!parse_number(*need("sequence"), l.sequence) || !parse_number(*need("label_time"), l.label_time) ||
      !parse_number(*need("block_size"), l.block_size))
    return foreign(std::string(kLabelMemberName) + ": sequence, label_time or block_size is not a number");
  if (l.barcode.empty() || l.pool.empty() || l.media_set.empty() != (l.sequence == 0))
    return foreign(std::string(kLabelMemberName) + ": barcode, pool, media set and sequence are inconsistent");
  // The block size sizes every later read buffer of this cartridge.
  TG_CHECK(check_tape_bound("cartridge " + printable(l.barcode) + " label", "block_size", l.block_size,
                            kMaxTapeBlockBytes, "the SSC variable block limit"));
  return l;
}

MediumClassification classify_medium(bool blank_at_block0, std::span<const std::uint8_t> block0) {
  if (blank_at_block0) return MediumClassification{.content = MediumContent::blank};
  auto label = decode_volume_label(block0);
  if (label) return MediumClassification{.content = MediumContent::ours, .label = std::move(*label)};
  // A label of a newer Tapegate format is not ours to write over either.
  return MediumClassification{.content = MediumContent::foreign, .reason = label.error().message};
}

}  // namespace tg::firmware::format
