#include "firmware/format/tar_reader.hpp"

#include <algorithm>
#include <cstring>

namespace tg::firmware::format {
namespace {

// ustar header field offsets and widths (POSIX.1-2017, pax, "ustar
// Interchange Format").
struct Field {
  std::size_t off, len;
};
constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12},
    kMtime{136, 12}, kChksum{148, 8}, kLinkname{157, 100}, kMagic{257, 6}, kUname{265, 32},
    kGname{297, 32}, kPrefix{345, 155};
constexpr std::size_t kTypeflag = 156;

std::span<const std::uint8_t> field(const std::uint8_t* rec, Field f) { return {rec + f.off, f.len}; }

// A NUL-terminated (or full-width) string field.
std::string text(const std::uint8_t* rec, Field f) {
  const char* p = reinterpret_cast<const char*>(rec + f.off);
  return std::string(p, strnlen(p, f.len));
}

bool all_zero(const std::uint8_t* rec) {
  return std::all_of(rec, rec + kTarRecord, [](std::uint8_t b) { return b == 0; });
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 64) out += "...";
  return out;
}

Result<std::uint64_t> decimal(const std::string& key, const std::string& v) {
  if (v.empty() || v.size() > 19) return make_error(Errc::parse_error, "pax " + key + " value '" + printable(v) + "' is not a number");
  std::uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return make_error(Errc::parse_error, "pax " + key + " value '" + printable(v) + "' is not a number");
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

// pax time values are "seconds[.fraction]", possibly negative.
Result<std::int64_t> pax_time(const std::string& key, const std::string& v) {
  std::string whole = v.substr(0, v.find('.'));
  bool neg = !whole.empty() && whole[0] == '-';
  if (neg) whole.erase(0, 1);
  auto n = decimal(key, whole);
  if (!n) return std::move(n).error();
  auto s = static_cast<std::int64_t>(*n);
  return neg ? -s : s;
}

}  // namespace

bool TarEntry::carries_data() const {
  // POSIX: no data records follow links, symlinks, devices, directories
  // and FIFOs, whatever their size field says.
  switch (typeflag) {
    case '1': case '2': case '3': case '4': case '5': case '6': return false;
    default: return true;
  }
}

std::string TarEntry::original_path() const { return continuation ? continuation->filename : path; }

const std::string* TarEntry::keyword(const std::string& key) const {
  auto it = pax.find(key);
  return it == pax.end() ? nullptr : &it->second;
}

Result<std::uint64_t> parse_tar_number(std::span<const std::uint8_t> f) {
  if (f.empty()) return make_error(Errc::parse_error, "empty numeric field");
  if (f[0] & 0x80) {
    // GNU base-256: first byte 0x80 positive, 0xff negative; big-endian.
    if (f[0] != 0x80) return make_error(Errc::parse_error, "negative base-256 number");
    std::uint64_t n = 0;
    for (std::size_t i = 1; i < f.size(); ++i) {
      if (n >> 56) return make_error(Errc::parse_error, "base-256 number exceeds 64 bits");
      n = (n << 8) | f[i];
    }
    return n;
  }
  std::size_t i = 0;
  while (i < f.size() && f[i] == ' ') ++i;   // leading spaces (old tars)
  std::uint64_t n = 0;
  std::size_t digits = 0;
  for (; i < f.size() && f[i] >= '0' && f[i] <= '7'; ++i, ++digits) {
    if (n >> 61) return make_error(Errc::parse_error, "octal number exceeds 64 bits");
    n = (n << 3) | static_cast<std::uint64_t>(f[i] - '0');
  }
  // Terminated by space or NUL (or the field's end); anything else is garbage.
  for (; i < f.size(); ++i) {
    if (f[i] != ' ' && f[i] != 0) {
      return make_error(Errc::parse_error,
                        "numeric field holds byte 0x" + std::to_string(f[i]) + " where an octal digit belongs");
    }
  }
  if (digits == 0) return std::uint64_t{0};  // blank field: GNU tar treats as 0
  return n;
}

Result<std::map<std::string, std::string>> parse_pax_records(std::string_view payload) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < payload.size()) {
    // Tolerate NUL padding after the last record (some writers pad).
    if (payload[pos] == '\0') {
      if (std::all_of(payload.begin() + static_cast<std::ptrdiff_t>(pos), payload.end(), [](char c) { return c == 0; })) break;
    }
    std::size_t len = 0, i = pos;
    while (i < payload.size() && payload[i] >= '0' && payload[i] <= '9' && i - pos < 10) {
      len = len * 10 + static_cast<std::size_t>(payload[i] - '0');
      ++i;
    }
    if (i == pos || i >= payload.size() || payload[i] != ' ') {
      return make_error(Errc::parse_error, "pax record at payload offset " + std::to_string(pos) +
                                               " does not start with '<length> '");
    }
    if (len < (i - pos) + 4 || len > payload.size() - pos) {
      return make_error(Errc::parse_error, "pax record at payload offset " + std::to_string(pos) + " claims length " +
                                               std::to_string(len) + ", payload has " +
                                               std::to_string(payload.size() - pos) + " bytes left");
    }
    std::string_view rec = payload.substr(i + 1, len - (i + 1 - pos));
    if (rec.back() != '\n') {
      return make_error(Errc::parse_error, "pax record at payload offset " + std::to_string(pos) +
                                               " does not end with a newline where its length says");
    }
    rec.remove_suffix(1);
    auto eq = rec.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return make_error(Errc::parse_error, "pax record '" + printable(rec) + "' has no keyword=value");
    }
    out[std::string(rec.substr(0, eq))] = std::string(rec.substr(eq + 1));
    pos += len;
  }
  return out;
}

TarReader::TarReader(TarReaderLimits limits) : limits_(limits) {}

void TarReader::reset() { *this = TarReader(limits_); }

Error TarReader::fail(const std::string& what) const {
  return make_error(Errc::parse_error, "tar stream at byte " + std::to_string(offset_) + ": " + what);
}

Status TarReader::feed(std::span<const std::uint8_t> bytes, TarEvents& events) {
  while (!bytes.empty()) {
    switch (state_) {
      case State::done:
        offset_ += bytes.size();
        return {};
      case State::data: {
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(data_left_, bytes.size()));
        TG_CHECK(events.on_data(bytes.first(n)));
        bytes = bytes.subspan(n);
        offset_ += n;
        data_left_ -= n;
        if (data_left_ == 0) {
          TG_CHECK(events.on_entry_end());
          state_ = pad_left_ ? State::padding : State::header;
        }
        break;
      }
      case State::padding: {
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(pad_left_, bytes.size()));
        bytes = bytes.subspan(n);
        offset_ += n;
        pad_left_ -= n;
        if (pad_left_ == 0) state_ = State::header;
        break;
      }
      case State::payload: {
        auto want = static_cast<std::size_t>(payload_size_ - payload_.size());
        auto n = std::min(want, bytes.size());
        payload_.append(reinterpret_cast<const char*>(bytes.data()), n);
        bytes = bytes.subspan(n);
        offset_ += n;
        if (payload_.size() == payload_size_) {
          TG_CHECK(on_payload_complete());
          state_ = pad_left_ ? State::padding : State::header;
        }
        break;
      }
      case State::header:
      case State::second_zero: {
        auto n = std::min(kTarRecord - record_fill_, bytes.size());
        std::memcpy(record_ + record_fill_, bytes.data(), n);
        record_fill_ += n;
        bytes = bytes.subspan(n);
        offset_ += n;
        if (record_fill_ < kTarRecord) break;
        record_fill_ = 0;
        TG_CHECK(on_header_record(events));
        break;
      }
    }
  }
  return {};
}

Status TarReader::on_header_record(TarEvents& events) {
  const std::uint64_t rec_off = offset_ - kTarRecord;
  if (all_zero(record_)) {
    if (have_preamble_) return fail("end-of-archive record right after an extended header: the member is missing");
    // POSIX: two zero records end the archive. A single one followed by
    // something else is damage.
    state_ = state_ == State::second_zero ? State::done : State::second_zero;
    return {};
  }
  if (state_ == State::second_zero) return fail("a zero record is followed by a header: damaged end of archive");

  // Checksum: sum of the record with the checksum field read as spaces.
  // Historic writers summed signed chars; accept either (GNU tar does).
  std::uint64_t usum = 0;
  std::int64_t ssum = 0;
  for (std::size_t i = 0; i < kTarRecord; ++i) {
    std::uint8_t b = (i >= kChksum.off && i < kChksum.off + kChksum.len) ? ' ' : record_[i];
    usum += b;
    ssum += static_cast<std::int8_t>(b);
  }
  auto stored = parse_tar_number(field(record_, kChksum));
  if (!stored) return fail("header checksum field is not a number (this is not a tar header)");
  if (*stored != usum && static_cast<std::int64_t>(*stored) != ssum) {
    return fail("header checksum mismatch (stored " + std::to_string(*stored) + ", computed " +
                std::to_string(usum) + "): not a tar header or a damaged block");
  }

  auto size = parse_tar_number(field(record_, kSize));
  if (!size) return fail("size field: " + size.error().message);
  const char type = static_cast<char>(record_[kTypeflag]);
  if (!have_preamble_) preamble_offset_ = rec_off;

  if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
    if (*size > limits_.max_pax_payload) {
      return fail(std::string("'") + type + "' header payload of " + std::to_string(*size) +
                  " bytes exceeds the limit of " + std::to_string(limits_.max_pax_payload));
    }
    have_preamble_ = true;
    payload_type_ = type;
    payload_.clear();
    payload_size_ = *size;
    pad_left_ = (kTarRecord - *size % kTarRecord) % kTarRecord;
    if (payload_size_ == 0) {
      TG_CHECK(on_payload_complete());
      state_ = State::header;
    } else {
      state_ = State::payload;
    }
    return {};
  }

  entry_ = TarEntry{};
  entry_.typeflag = type;
  entry_.header_offset = rec_off;
  entry_.preamble_offset = preamble_offset_;
  entry_.size = *size;
  std::string magic = text(record_, kMagic);
  std::string name = text(record_, kName);
  if (magic == "ustar") {
    std::string prefix = text(record_, kPrefix);
    if (!prefix.empty()) name = prefix + "/" + name;
  }
  entry_.path = name;
  entry_.linkpath = text(record_, kLinkname);
  entry_.uname = text(record_, kUname);
  entry_.gname = text(record_, kGname);
  auto mode = parse_tar_number(field(record_, kMode));
  auto uid = parse_tar_number(field(record_, kUid));
  auto gid = parse_tar_number(field(record_, kGid));
  auto mtime = parse_tar_number(field(record_, kMtime));
  if (!mode || !uid || !gid || !mtime) return fail("mode/uid/gid/mtime field of '" + printable(name) + "' is not a number");
  entry_.mode = *mode;
  entry_.uid = *uid;
  entry_.gid = *gid;
  entry_.mtime = static_cast<std::int64_t>(*mtime);
  return begin_member(events);
}

Status TarReader::on_payload_complete() {
  switch (payload_type_) {
    case 'L': long_name_ = std::string(payload_.c_str()); break;   // NUL-terminated
    case 'K': long_link_ = std::string(payload_.c_str()); break;
    case 'x':
    case 'g': {
      auto recs = parse_pax_records(payload_);
      if (!recs) return fail(std::string(payload_type_ == 'x' ? "extended" : "global") + " header: " + recs.error().message);
      auto& target = payload_type_ == 'x' ? extended_ : globals_;
      for (auto& [k, v] : *recs) {
        // POSIX: an empty value deletes the keyword (a global one too,
        // for this member only when it is in an 'x' header).
        if (v.empty() && payload_type_ == 'g') target.erase(k);
        else target[k] = v;
      }
      if (payload_type_ == 'g') {
        // Each payload is bounded; the set kept across members must be too.
        std::size_t kept = 0;
        for (auto& [k, v] : globals_) kept += k.size() + v.size();
        if (kept > kMaxPaxGlobalBytes)
          return fail("global pax records total " + std::to_string(kept) + " bytes, more than the limit of " +
                      std::to_string(kMaxPaxGlobalBytes));
      }
      break;
    }
    default: break;
  }
  payload_.clear();
  payload_.shrink_to_fit();
  return {};
}

Status TarReader::begin_member(TarEvents& events) {
  std::map<std::string, std::string> merged = globals_;
  for (auto& [k, v] : extended_) {
    if (v.empty()) merged.erase(k);
    else merged[k] = v;
  }
  if (long_name_) entry_.path = *long_name_;
  if (long_link_) entry_.linkpath = *long_link_;
  if (auto it = merged.find("path"); it != merged.end()) entry_.path = it->second;
  if (auto it = merged.find("linkpath"); it != merged.end()) entry_.linkpath = it->second;
  if (auto it = merged.find("uname"); it != merged.end()) entry_.uname = it->second;
  if (auto it = merged.find("gname"); it != merged.end()) entry_.gname = it->second;
  if (auto it = merged.find("size"); it != merged.end()) entry_.size = TG_TRY(decimal("size", it->second));
  if (auto it = merged.find("uid"); it != merged.end()) entry_.uid = TG_TRY(decimal("uid", it->second));
  if (auto it = merged.find("gid"); it != merged.end()) entry_.gid = TG_TRY(decimal("gid", it->second));
  if (auto it = merged.find("mtime"); it != merged.end()) entry_.mtime = TG_TRY(pax_time("mtime", it->second));
  // A path names a file to create on restore: PATH_MAX bounds it there anyway.
  if (entry_.path.size() > kMaxMemberPathBytes || entry_.linkpath.size() > kMaxMemberPathBytes)
    return fail("member path of " + std::to_string(std::max(entry_.path.size(), entry_.linkpath.size())) +
                " bytes exceeds the limit of " + std::to_string(kMaxMemberPathBytes));

  // GNU multi-volume: the global header at a volume's start names the
  // file that continues; it applies to the first member after it only.
  if (auto it = globals_.find("GNU.volume.filename"); it != globals_.end()) {
    VolumeContinuation c;
    c.filename = it->second;
    if (auto s = globals_.find("GNU.volume.size"); s != globals_.end()) c.size = TG_TRY(decimal("GNU.volume.size", s->second));
    if (auto o = globals_.find("GNU.volume.offset"); o != globals_.end()) c.offset = TG_TRY(decimal("GNU.volume.offset", o->second));
    if (entry_.carries_data() && c.size != entry_.size) {
      return fail("continuation of '" + printable(c.filename) + "' says " + std::to_string(c.size) +
                  " bytes remain, its member '" + printable(entry_.path) + "' holds " + std::to_string(entry_.size));
    }
    entry_.continuation = std::move(c);
    for (const char* k : {"GNU.volume.filename", "GNU.volume.size", "GNU.volume.offset"}) {
      globals_.erase(k);
      merged.erase(k);
    }
  }
  entry_.pax = std::move(merged);
  extended_.clear();
  long_name_.reset();
  long_link_.reset();
  have_preamble_ = false;

  if (entry_.path.empty()) return fail("member with an empty name");
  TG_CHECK(events.on_entry(entry_));
  data_left_ = entry_.carries_data() ? entry_.size : 0;
  pad_left_ = (kTarRecord - data_left_ % kTarRecord) % kTarRecord;
  if (data_left_ == 0) {
    TG_CHECK(events.on_entry_end());
    state_ = State::header;
  } else {
    state_ = State::data;
  }
  return {};
}

TarFinish TarReader::finish() const {
  TarFinish f;
  switch (state_) {
    case State::done: f.end = TarEnd::end_of_archive; break;
    case State::data:
      f.end = TarEnd::inside_data;
      f.member = entry_.path;
      f.data_size = entry_.size;
      f.data_done = entry_.size - data_left_;
      break;
    case State::padding: f.end = have_preamble_ ? TarEnd::inside_header : TarEnd::between_members; break;
    case State::header:
      f.end = (record_fill_ == 0 && !have_preamble_) ? TarEnd::between_members : TarEnd::inside_header;
      break;
    case State::second_zero:
      // One zero record then the end: GNU tar accepts this quietly.
      f.end = record_fill_ == 0 ? TarEnd::end_of_archive : TarEnd::inside_header;
      break;
    case State::payload: f.end = TarEnd::inside_header; break;
  }
  return f;
}

}  // namespace tg::firmware::format
