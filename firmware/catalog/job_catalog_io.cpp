// Encoding and decoding of the job catalog copy (format: docs/catalog.md).
// Decoding is strict and total: every field is checked, every reference
// resolved, and the trailing checksum must match, so a damaged or foreign
// tape file is rejected with the line that is wrong, never half imported.
#include "firmware/catalog/job_catalog_io.hpp"

#include <charconv>
#include <map>
#include <set>

#include "firmware/catalog/catalog_rows.hpp"
#include "firmware/format/sha256.hpp"
#include "firmware/format/tape_limits.hpp"
#include "hal/hex.hpp"

namespace tg::firmware::catalog {

namespace {

// Tabs separate fields and newlines records, so those (and '%' itself and
// every other control byte) are written as %XX.
std::string esc(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f || ch == '%') {
      out += '%';
      hal::append_hex(out, u);
    } else {
      out += ch;
    }
  }
  return out;
}

std::string opt(const std::optional<std::string>& s) { return s ? esc(*s) : ""; }
std::string opt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : ""; }

struct Line {
  std::size_t number = 0;
  std::vector<std::string> fields;  // unescaped
};

Error bad(std::size_t line, const std::string& why) {
  return make_error(Errc::parse_error, "job catalog copy, line " + std::to_string(line) + ": " + why);
}

Result<std::string> unesc(std::string_view s, std::size_t line) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) return bad(line, "raw control character in a field");
    if (ch != '%') {
      out += ch;
      continue;
    }
    auto hexval = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (i + 2 >= s.size()) return bad(line, "truncated %-escape");
    int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
    if (hi < 0 || lo < 0) return bad(line, "bad %-escape");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

template <class T>
Result<T> num(const Line& l, std::size_t i, const char* what) {
  const std::string& s = l.fields[i];
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size())
    return bad(l.number, std::string(what) + " '" + s.substr(0, 30) + "' is not a number");
  if constexpr (std::is_signed_v<T>) {
    // stored in SQLite as int64; unsigned values above INT64_MAX cannot be.
  } else {
    if (v > static_cast<T>(INT64_MAX)) return bad(l.number, std::string(what) + " is out of range");
  }
  return v;
}

Result<std::optional<std::int64_t>> opt_num(const Line& l, std::size_t i, const char* what) {
  if (l.fields[i].empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(TG_TRY(num<std::int64_t>(l, i, what)));
}

std::optional<std::string> opt_str(const Line& l, std::size_t i) {
  if (l.fields[i].empty()) return std::nullopt;
  return l.fields[i];
}

template <class E>
Result<E> enum_field(const Line& l, std::size_t i, std::optional<E> (*parse)(std::string_view), const char* what) {
  auto v = parse(l.fields[i]);
  if (!v) return bad(l.number, std::string("unknown ") + what + " '" + l.fields[i].substr(0, 30) + "'");
  return *v;
}

}  // namespace

std::string encode_job_catalog(const JobCatalogDoc& d) {
  std::string out = std::string(kJobCatalogMagic) + "\t" + std::to_string(kJobCatalogVersion) + "\n";
  std::size_t records = 0;
  auto rec = [&](std::initializer_list<std::string> fields) {
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += '\t';
      out += f;
      first = false;
    }
    out += '\n';
    ++records;
  };
  const Job& j = d.job;
  rec({"job", esc(j.uuid), esc(j.name), job_kind_name(j.kind), esc(j.repository), opt(j.pool), opt(j.media_set),
       std::to_string(j.started), opt(j.ended), job_state_name(j.state), std::to_string(j.bytes),
       std::to_string(j.files), esc(j.summary)});
  if (d.pool)
    rec({"pool", esc(d.pool->name), std::to_string(d.pool->retention_days), allocation_policy_name(d.pool->policy),
         std::to_string(d.pool->created)});
  if (d.media_set)
    rec({"media_set", esc(d.media_set->id), esc(d.media_set->pool), std::to_string(d.media_set->created),
         opt(d.media_set->closed)});
  for (const auto& c : d.cartridges)
    rec({"cartridge", esc(c.barcode), std::to_string(c.sequence), esc(c.format_version),
         std::to_string(c.block_size), std::to_string(c.label_time)});
  for (const auto& t : d.tape_files)
    rec({"tape_file", std::to_string(t.id), esc(t.cartridge), std::to_string(t.file_number),
         std::to_string(t.first_block), std::to_string(t.block_count), tape_file_kind_name(t.kind),
         tape_file_state_name(t.state)});
  for (const auto& f : d.files)
    rec({"file", std::to_string(f.id), esc(f.repository), esc(f.path), esc(f.group), backup_kind_name(f.kind),
         std::to_string(f.size), std::to_string(f.mtime), esc(f.sha256)});
  for (const auto& p : d.pieces)
    rec({"piece", std::to_string(p.backup_file), std::to_string(p.tape_file), std::to_string(p.offset),
         std::to_string(p.length), std::to_string(p.first_block), std::to_string(p.end_block),
         std::to_string(p.header_offset), std::to_string(p.volume_index)});
  std::string sum = format::sha256_hex(out);
  out += "end\t" + std::to_string(records) + "\t" + sum + "\n";
  return out;
}

Result<JobCatalogDoc> decode_job_catalog(std::string_view bytes) {
  // A tape block is padded with zeros after the text: stop at the first NUL.
  std::size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos) {
    for (std::size_t i = nul; i < bytes.size(); ++i)
      if (bytes[i] != '\0') return bad(0, "data after the zero padding");
    bytes = bytes.substr(0, nul);
  }
  if (bytes.empty()) return bad(1, "empty: no job catalog here");

  std::vector<Line> lines;
  std::size_t pos = 0, number = 0, end_line_start = std::string_view::npos;
  while (pos < bytes.size()) {
    ++number;
    std::size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos) return bad(number, "last line is not terminated (truncated copy?)");
    std::string_view raw = bytes.substr(pos, nl - pos);
    if (raw.rfind("end\t", 0) == 0) end_line_start = pos;
    Line l{.number = number};
    std::size_t fpos = 0;
    for (;;) {
      std::size_t tab = raw.find('\t', fpos);
      std::string_view f = raw.substr(fpos, tab == std::string_view::npos ? std::string_view::npos : tab - fpos);
      l.fields.push_back(TG_TRY(unesc(f, number)));
      if (tab == std::string_view::npos) break;
      fpos = tab + 1;
    }
    lines.push_back(std::move(l));
    pos = nl + 1;
    if (end_line_start != std::string_view::npos) break;
  }
  const Line& head = lines.front();
  if (head.fields.size() != 2 || head.fields[0] != kJobCatalogMagic)
    return bad(1, "not a Tapegate job catalog (no '" + std::string(kJobCatalogMagic) + "' header)");
  int version = 0;
  {
    auto v = num<std::int64_t>(head, 1, "format version");
    if (!v) return std::move(v).error();
    version = static_cast<int>(*v);
  }
  if (version != kJobCatalogVersion)
    return make_error(Errc::unsupported, "job catalog copy has format version " + std::to_string(version) +
                                             "; this firmware reads version " + std::to_string(kJobCatalogVersion));
  if (end_line_start == std::string_view::npos) return bad(number, "no 'end' line: the copy is truncated");
  if (pos != bytes.size()) return bad(number + 1, "data after the 'end' line");
  const Line& end = lines.back();
  if (end.fields.size() != 3) return bad(end.number, "'end' needs a record count and a checksum");
  auto count = TG_TRY(num<std::uint64_t>(end, 1, "record count"));
  if (count != lines.size() - 2)
    return bad(end.number, "says " + std::to_string(count) + " records, found " + std::to_string(lines.size() - 2));
  if (end.fields[2] != format::sha256_hex(bytes.substr(0, end_line_start)))
    return bad(end.number, "checksum mismatch: the copy is damaged");

  JobCatalogDoc d;
  bool have_job = false;
  std::set<std::string> barcodes;
  std::map<std::int64_t, std::size_t> tape_files;  // id -> index in d.tape_files
  std::set<std::pair<std::string, std::uint32_t>> file_numbers;
  std::map<std::int64_t, std::uint64_t> file_sizes;
  std::map<std::int64_t, std::uint64_t> file_end;  // pieces must be contiguous
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    const Line& l = lines[i];
    const std::string& type = l.fields[0];
    auto want = [&](std::size_t n) -> Status {
      if (l.fields.size() != n)
        return bad(l.number, "'" + type.substr(0, 20) + "' record has " + std::to_string(l.fields.size()) +
                                 " fields, expected " + std::to_string(n));
      return {};
    };
    if (type == "job") {
      TG_CHECK(want(13));
      if (have_job) return bad(l.number, "a second job record");
      have_job = true;
      Job& j = d.job;
      j.uuid = l.fields[1];
      j.name = l.fields[2];
      j.kind = TG_TRY(enum_field(l, 3, parse_job_kind, "job kind"));
      j.repository = l.fields[4];
      j.pool = opt_str(l, 5);
      j.media_set = opt_str(l, 6);
      j.started = TG_TRY(num<std::int64_t>(l, 7, "start time"));
      j.ended = TG_TRY(opt_num(l, 8, "end time"));
      j.state = TG_TRY(enum_field(l, 9, parse_job_state, "job state"));
      j.bytes = TG_TRY(num<std::uint64_t>(l, 10, "bytes"));
      j.files = TG_TRY(num<std::uint64_t>(l, 11, "files"));
      j.summary = l.fields[12];
      if (j.uuid.empty() || j.name.empty()) return bad(l.number, "job without uuid or name");
    } else if (type == "pool") {
      TG_CHECK(want(5));
      if (d.pool) return bad(l.number, "a second pool record");
      Pool p;
      p.name = l.fields[1];
      if (!rows::is_valid_name(p.name)) return bad(l.number, "invalid pool name");
      p.retention_days = TG_TRY(num<std::uint32_t>(l, 2, "retention days"));
      p.policy = TG_TRY(enum_field(l, 3, parse_allocation_policy, "allocation policy"));
      p.created = TG_TRY(num<std::int64_t>(l, 4, "pool creation time"));
      d.pool = p;
    } else if (type == "media_set") {
      TG_CHECK(want(5));
      if (d.media_set) return bad(l.number, "a second media set record");
      MediaSet m;
      m.id = l.fields[1];
      m.pool = l.fields[2];
      m.created = TG_TRY(num<std::int64_t>(l, 3, "media set creation time"));
      m.closed = TG_TRY(opt_num(l, 4, "media set close time"));
      if (m.id.empty()) return bad(l.number, "media set without id");
      d.media_set = m;
    } else if (type == "cartridge") {
      TG_CHECK(want(6));
      JobCatalogCartridge c;
      c.barcode = l.fields[1];
      if (!rows::is_valid_barcode(c.barcode)) return bad(l.number, "invalid barcode");
      if (!barcodes.insert(c.barcode).second) return bad(l.number, "cartridge " + c.barcode + " listed twice");
      c.sequence = TG_TRY(num<std::uint32_t>(l, 2, "sequence"));
      c.format_version = l.fields[3];
      c.block_size = TG_TRY(num<std::uint32_t>(l, 4, "block size"));
      if (c.block_size > format::kMaxTapeBlockBytes)
        return bad(l.number, "cartridge " + c.barcode + " block size " + std::to_string(c.block_size) +
                                 " exceeds the limit of " + std::to_string(format::kMaxTapeBlockBytes) +
                                 " (the SSC variable block limit)");
      c.label_time = TG_TRY(num<std::int64_t>(l, 5, "label time"));
      d.cartridges.push_back(c);
    } else if (type == "tape_file") {
      TG_CHECK(want(8));
      TapeFile t;
      t.id = TG_TRY(num<std::int64_t>(l, 1, "tape file id"));
      t.cartridge = l.fields[2];
      if (!barcodes.count(t.cartridge)) return bad(l.number, "tape file on unlisted cartridge " + t.cartridge);
      t.file_number = TG_TRY(num<std::uint32_t>(l, 3, "file number"));
      t.first_block = TG_TRY(num<std::uint64_t>(l, 4, "first block"));
      t.block_count = TG_TRY(num<std::uint64_t>(l, 5, "block count"));
      t.kind = TG_TRY(enum_field(l, 6, parse_tape_file_kind, "tape file kind"));
      t.state = TG_TRY(enum_field(l, 7, parse_tape_file_state, "tape file state"));
      if (tape_files.count(t.id)) return bad(l.number, "tape file id listed twice");
      if (!file_numbers.insert({t.cartridge, t.file_number}).second)
        return bad(l.number, "file " + std::to_string(t.file_number) + " of " + t.cartridge + " listed twice");
      tape_files[t.id] = d.tape_files.size();
      d.tape_files.push_back(t);
    } else if (type == "file") {
      TG_CHECK(want(9));
      BackupFile f;
      f.id = TG_TRY(num<std::int64_t>(l, 1, "file id"));
      f.repository = l.fields[2];
      f.path = l.fields[3];
      f.group = l.fields[4];
      f.kind = TG_TRY(enum_field(l, 5, parse_backup_kind, "backup kind"));
      f.size = TG_TRY(num<std::uint64_t>(l, 6, "size"));
      f.mtime = TG_TRY(num<std::int64_t>(l, 7, "mtime"));
      f.sha256 = l.fields[8];
      if (f.path.empty()) return bad(l.number, "file without a path");
      if (!f.sha256.empty() && !rows::is_sha256_hex(f.sha256)) return bad(l.number, "bad sha256");
      if (file_sizes.count(f.id)) return bad(l.number, "file id listed twice");
      file_sizes[f.id] = f.size;
      f.job = 0;
      d.files.push_back(f);
    } else if (type == "piece") {
      TG_CHECK(want(9));
      Piece p;
      p.backup_file = TG_TRY(num<std::int64_t>(l, 1, "piece file id"));
      p.tape_file = TG_TRY(num<std::int64_t>(l, 2, "piece tape file id"));
      p.offset = TG_TRY(num<std::uint64_t>(l, 3, "piece offset"));
      p.length = TG_TRY(num<std::uint64_t>(l, 4, "piece length"));
      p.first_block = TG_TRY(num<std::uint64_t>(l, 5, "piece first block"));
      p.end_block = TG_TRY(num<std::uint64_t>(l, 6, "piece end block"));
      p.header_offset = TG_TRY(num<std::uint64_t>(l, 7, "piece header offset"));
      p.volume_index = TG_TRY(num<std::uint32_t>(l, 8, "piece volume index"));
      p.committed = true;
      auto fs = file_sizes.find(p.backup_file);
      if (fs == file_sizes.end()) return bad(l.number, "piece of an unlisted file");
      auto tf = tape_files.find(p.tape_file);
      if (tf == tape_files.end()) return bad(l.number, "piece in an unlisted tape file");
      if (p.end_block < p.first_block) return bad(l.number, "piece ends before it starts");
      const TapeFile& in = d.tape_files[tf->second];
      if (in.state == TapeFileState::closed && p.end_block > in.block_count)
        return bad(l.number, "piece extends past the end of its tape file");
      if (p.length > fs->second || p.offset > fs->second - p.length)
        return bad(l.number, "piece lies outside its file");
      if (p.offset != file_end[p.backup_file])
        return bad(l.number, "pieces of a file are not contiguous (gap or overlap at byte " +
                                 std::to_string(p.offset) + ")");
      file_end[p.backup_file] = p.offset + p.length;
      d.pieces.push_back(p);
    } else {
      return bad(l.number, "unknown record '" + type.substr(0, 20) + "'");
    }
  }
  if (!have_job) return bad(lines.size(), "no job record");
  if (d.job.media_set && (!d.media_set || d.media_set->id != *d.job.media_set))
    return bad(lines.size(), "the job's media set has no media_set record");
  if (d.media_set && (!d.pool || d.pool->name != d.media_set->pool))
    return bad(lines.size(), "the media set's pool has no pool record");
  if (d.pool && d.job.pool && *d.job.pool != d.pool->name)
    return bad(lines.size(), "the job's pool and the pool record disagree");
  for (const auto& c : d.cartridges)
    if (d.media_set && c.sequence == 0) return bad(lines.size(), "cartridge " + c.barcode + " has no sequence");
  return d;
}

}  // namespace tg::firmware::catalog
