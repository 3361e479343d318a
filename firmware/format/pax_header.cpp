#include "firmware/format/pax_header.hpp"

#include <algorithm>
#include <cstring>

#include "firmware/format/pax_keywords.hpp"

namespace tg::firmware::format {
namespace {

// Appends into a fixed span; remembers overflow instead of writing past it.
class FixedWriter {
 public:
  explicit FixedWriter(std::span<std::uint8_t> out) : out_(out) {}
  std::uint8_t* take(std::size_t n) {
    if (failed_ || out_.size() - used_ < n) {
      failed_ = true;
      return nullptr;
    }
    std::uint8_t* p = out_.data() + used_;
    used_ += n;
    return p;
  }
  void append(std::string_view s) {
    // An empty view may have no data at all (the member table's unset
    // fields): memcpy must not see its null pointer, even for 0 bytes.
    if (s.empty()) return;
    if (auto* p = take(s.size())) std::memcpy(p, s.data(), s.size());
  }
  void pad_to_record() {
    std::size_t n = padded_to_record(used_) - used_;
    if (auto* p = take(n)) std::memset(p, 0, n);
  }
  std::size_t used() const { return used_; }
  bool failed() const { return failed_; }
  std::uint8_t* at(std::size_t off) { return out_.data() + off; }

 private:
  std::span<std::uint8_t> out_;
  std::size_t used_ = 0;
  bool failed_ = false;
};

std::size_t decimal_digits(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

// Writes v as decimal into buf (which must hold 20 chars); returns length.
std::size_t format_decimal(std::uint64_t v, char* buf) {
  char tmp[24];
  std::size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  for (std::size_t i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  return n;
}

std::size_t format_signed(std::int64_t v, char* buf) {
  if (v < 0) {
    buf[0] = '-';
    return 1 + format_decimal(static_cast<std::uint64_t>(-(v + 1)) + 1, buf + 1);
  }
  return format_decimal(static_cast<std::uint64_t>(v), buf);
}

// One pax record: "<len> <key>=<value>\n", where len counts the whole record
// including its own digits (POSIX.1-2017 pax, "pax Extended Header").
void append_record(FixedWriter& w, std::string_view key, std::string_view value) {
  std::size_t body = 1 + key.size() + 1 + value.size() + 1;  // ' ' key '=' value '\n'
  std::size_t len = body + 1;
  while (decimal_digits(len) + body != len) len = decimal_digits(len) + body;
  char num[24];
  std::size_t nd = format_decimal(len, num);
  w.append({num, nd});
  w.append(" ");
  w.append(key);
  w.append("=");
  w.append(value);
  w.append("\n");
}

void append_number_record(FixedWriter& w, std::string_view key, std::uint64_t v) {
  char num[24];
  append_record(w, key, {num, format_decimal(v, num)});
}

// Octal ustar field of `width` bytes: width-1 zero-padded digits and a NUL,
// as GNU tar writes them. Returns false if v does not fit.
bool put_octal(std::uint8_t* field, std::size_t width, std::uint64_t v) {
  std::size_t digits = width - 1;
  if (digits < 22 && (v >> (3 * digits)) != 0) return false;
  for (std::size_t i = digits; i-- > 0;) {
    field[i] = static_cast<std::uint8_t>('0' + (v & 7));
    v >>= 3;
  }
  field[digits] = 0;
  return true;
}

void put_text(std::uint8_t* field, std::size_t width, std::string_view s) {
  if (!s.empty()) std::memcpy(field, s.data(), s.size() < width ? s.size() : width);
}

// Mode and numeric owner of a ustar header; extended headers keep the
// defaults.
struct Ownership {
  std::uint32_t mode = 0644, uid = 0, gid = 0;
};
Ownership ownership_of(const MemberMeta& m) { return {m.mode & 07777, m.uid, m.gid}; }

// The largest id the 8-byte ustar uid/gid field holds (7 octal digits).
constexpr std::uint32_t kMaxUstarId = 07777777;

// POSIX pax: a uid or gid that does not fit its ustar field goes in a
// record, which overrides the field.
void append_large_id_records(FixedWriter& w, const MemberMeta& m) {
  if (m.uid > kMaxUstarId) append_number_record(w, "uid", m.uid);
  if (m.gid > kMaxUstarId) append_number_record(w, "gid", m.gid);
}

// ustar header (POSIX.1-2017 "ustar Interchange Format"): offsets of the
// fields in the 512-byte record.
void append_ustar(FixedWriter& w, std::string_view name, char typeflag, std::uint64_t size, std::int64_t mtime,
                  Ownership own = {}) {
  std::uint8_t* h = w.take(kRecordSize);
  if (!h) return;
  std::memset(h, 0, kRecordSize);
  put_text(h + 0, 100, name);
  put_octal(h + 100, 8, own.mode);
  // Too large: 0 here, the pax record holds it.
  if (!put_octal(h + 108, 8, own.uid)) put_octal(h + 108, 8, 0);
  if (!put_octal(h + 116, 8, own.gid)) put_octal(h + 116, 8, 0);
  // Larger sizes travel in the pax `size` record, which overrides this one.
  if (!put_octal(h + 124, 12, size)) put_octal(h + 124, 12, 0);
  std::uint64_t mt = mtime < 0 ? 0 : static_cast<std::uint64_t>(mtime);
  if (!put_octal(h + 136, 12, mt)) put_octal(h + 136, 12, 0);
  h[156] = static_cast<std::uint8_t>(typeflag);
  std::memcpy(h + 257, "ustar\0" "00", 8);
  // Names only for id 0, root everywhere: GNU tar extracting as root maps
  // a name to the local id before the number, and this appliance's names
  // are not the source's. Empty, the numbers are used.
  if (own.uid == 0) put_text(h + 265, 32, "root");
  if (own.gid == 0) put_text(h + 297, 32, "root");
  // Checksum: sum of all bytes with the checksum field taken as spaces;
  // written as six octal digits, NUL, space.
  std::memset(h + 148, ' ', 8);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < kRecordSize; ++i) sum += h[i];
  put_octal(h + 148, 7, sum);
  h[155] = ' ';
}

std::string_view dir_of(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view(".") : path.substr(0, slash);
}
std::string_view base_of(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "<dir>/<middle>/<base><suffix>" into a 100-byte-capped name buffer.
std::string_view compose_name(char (&buf)[101], std::string_view dir, std::string_view middle,
                              std::string_view base, std::string_view suffix) {
  std::size_t n = 0;
  auto add = [&](std::string_view s) {
    std::size_t k = s.size() < 100 - n ? s.size() : 100 - n;
    if (k) std::memcpy(buf + n, s.data(), k);
    n += k;
  };
  add(dir);
  add("/");
  add(middle);
  add("/");
  add(base);
  add(suffix);
  return {buf, n};
}

// The x header + records that every member carries after the standard ones.
void append_tapegate_records(FixedWriter& w, const MemberMeta& m) {
  // TAPEGATE-1 members carry the hash before the data; TAPEGATE-2 members
  // are hashed while they stream, so theirs is in the manifest that follows.
  if (!m.sha256_hex.empty()) append_record(w, pax::kSha256, m.sha256_hex);
  append_record(w, pax::kRepository, m.repository);
  append_record(w, pax::kJob, m.job);
  append_record(w, pax::kGroup, m.group);
  append_record(w, pax::kKind, m.kind);
}

// Writes an extended header ('x' or 'g') whose records are produced by
// `fill` straight into the output after a placeholder ustar record.
template <class Fill>
void append_extended(FixedWriter& w, std::string_view name, char typeflag, Fill&& fill) {
  std::size_t header_at = w.used();
  if (!w.take(kRecordSize)) return;
  std::size_t records_at = w.used();
  fill(w);
  if (w.failed()) return;
  std::size_t payload = w.used() - records_at;
  w.pad_to_record();
  if (w.failed()) return;
  // Fill in the header now that the payload length is known.
  FixedWriter hw(std::span<std::uint8_t>(w.at(header_at), kRecordSize));
  append_ustar(hw, name, typeflag, payload, 0);
}

}  // namespace

Status validate_member(const MemberMeta& m) {
  if (m.path.empty()) return make_error(Errc::invalid_argument, "tar member path is empty");
  if (m.path.size() > kMaxPathBytes)
    return make_error(Errc::invalid_argument, "tar member path longer than 4096 bytes");
  if (m.path.front() == '/')
    return make_error(Errc::invalid_argument, "tar member path '" + std::string(m.path) + "' is absolute");
  if (m.path.find('\0') != std::string_view::npos)
    return make_error(Errc::invalid_argument, "tar member path contains a NUL byte");
  std::size_t start = 0;
  while (start <= m.path.size()) {
    std::size_t end = m.path.find('/', start);
    if (end == std::string_view::npos) end = m.path.size();
    if (m.path.substr(start, end - start) == "..")
      return make_error(Errc::invalid_argument, "tar member path '" + std::string(m.path) + "' contains '..'");
    start = end + 1;
  }
  if (m.sha256_hex.empty()) return {};  // TAPEGATE-2: the hash follows in the manifest
  if (m.sha256_hex.size() != 64)
    return make_error(Errc::invalid_argument, "SHA-256 for '" + std::string(m.path) + "' is not 64 hex digits");
  for (char c : m.sha256_hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return make_error(Errc::invalid_argument, "SHA-256 for '" + std::string(m.path) + "' is not lowercase hex");
  return {};
}

Result<std::size_t> encode_member_preamble(const MemberMeta& m, std::span<std::uint8_t> out) {
  TG_CHECK(validate_member(m));
  FixedWriter w(out);
  char xname[101];
  append_extended(w, compose_name(xname, dir_of(m.path), "PaxHeaders", base_of(m.path), ""), 'x',
                  [&](FixedWriter& rw) {
                    append_record(rw, "path", m.path);
                    append_number_record(rw, "size", m.size);
                    char num[24];
                    append_record(rw, "mtime", {num, format_signed(m.mtime, num)});
                    append_large_id_records(rw, m);
                    append_tapegate_records(rw, m);
                  });
  append_ustar(w, m.path.substr(0, m.path.size() < 100 ? m.path.size() : 100), '0', m.size, m.mtime,
               ownership_of(m));
  if (w.failed()) return make_error(Errc::internal, "tar preamble does not fit its buffer");
  return w.used();
}

Result<std::size_t> encode_continuation_preamble(const MemberMeta& m, std::uint64_t offset,
                                                 std::uint32_t volume_number, std::span<std::uint8_t> out) {
  TG_CHECK(validate_member(m));
  if (offset > m.size) return make_error(Errc::invalid_argument, "continuation offset beyond the file's size");
  if (volume_number < 2) return make_error(Errc::invalid_argument, "continuation volume number must be >= 2");
  FixedWriter w(out);
  char num[24];
  std::size_t nd = format_decimal(volume_number, num);
  char gname[101];
  append_extended(w, compose_name(gname, ".", "", "GlobalHead.", {num, nd}), 'g', [&](FixedWriter& rw) {
    append_record(rw, pax::kVolumeFilename, m.path);
    append_number_record(rw, pax::kVolumeSize, m.size - offset);
    append_number_record(rw, pax::kVolumeOffset, offset);
  });
  char suffix[26] = ".";
  std::memcpy(suffix + 1, num, nd);
  std::string_view sfx(suffix, nd + 1);
  char xname[101];
  // GNU tar 1.34 writes atime=0 and ctime=0 here; we add our own records so
  // that a continuation alone still says which file and hash it belongs to.
  append_extended(w, compose_name(xname, dir_of(m.path), "GNUFileParts/PaxHeaders", base_of(m.path), sfx), 'x',
                  [&](FixedWriter& rw) {
                    append_record(rw, "atime", "0");
                    append_record(rw, "ctime", "0");
                    append_large_id_records(rw, m);
                    append_tapegate_records(rw, m);
                  });
  char pname[101];
  // The same mode and owner as the original member: a restore that starts
  // from a continuation (the cut fell right after the headers) reads them here.
  append_ustar(w, compose_name(pname, dir_of(m.path), "GNUFileParts", base_of(m.path), sfx), '0', m.size - offset, 0,
               ownership_of(m));
  if (w.failed()) return make_error(Errc::internal, "tar continuation preamble does not fit its buffer");
  return w.used();
}

Result<std::vector<std::uint8_t>> encode_single_member_archive(const MemberMeta& m,
                                                               std::span<const std::uint8_t> data,
                                                               std::size_t block_size) {
  if (block_size == 0 || block_size % kRecordSize != 0)
    return make_error(Errc::invalid_argument, "block size must be a positive multiple of 512");
  if (m.size != data.size()) return make_error(Errc::invalid_argument, "member size does not match its data");
  std::vector<std::uint8_t> out(kMaxPreambleBytes);
  std::size_t pre = TG_TRY(encode_member_preamble(m, out));
  std::uint64_t archive = pre + padded_to_record(data.size()) + kEndOfArchiveBytes;
  std::uint64_t total = (archive + block_size - 1) / block_size * block_size;
  out.resize(total, 0);
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(pre), out.end(), 0);
  if (!data.empty()) std::memcpy(out.data() + pre, data.data(), data.size());
  return out;
}

}  // namespace tg::firmware::format
