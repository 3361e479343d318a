#include "firmware/format/sha256_manifest.hpp"

#include <cstring>

namespace tg::firmware::format {
namespace {

bool needs_escape(char c) { return c == '\\' || c == '\n' || c == '\r'; }

bool has_escapes(std::string_view path) {
  for (char c : path)
    if (needs_escape(c)) return true;
  return false;
}

// The comment a placeholder line starts with; any line is at least 68 bytes
// (64 hex digits, two spaces, one path byte, newline), so it always fits.
constexpr std::string_view kPlaceholder = "# not verified: changed or unreadable while copied";

}  // namespace

std::string manifest_member_name(std::string_view job, std::uint32_t sequence) {
  return std::string(kManifestDir) + "/" + std::string(job) + "/" + std::to_string(sequence) + ".sha256";
}

std::size_t manifest_line_length(std::string_view path) {
  std::size_t n = 64 + 2 + path.size() + 1;
  if (!has_escapes(path)) return n;
  n += 1;  // the leading backslash
  for (char c : path)
    if (needs_escape(c)) ++n;
  return n;
}

void write_manifest_line(std::string_view sha256_hex, std::string_view path, std::span<std::uint8_t> out) {
  std::size_t at = 0;
  auto put = [&](char c) { out[at++] = static_cast<std::uint8_t>(c); };
  if (has_escapes(path)) put('\\');
  for (char c : sha256_hex.substr(0, 64)) put(c);
  put(' ');
  put(' ');
  for (char c : path) {
    if (c == '\\') {
      put('\\');
      put('\\');
    } else if (c == '\n') {
      put('\\');
      put('n');
    } else if (c == '\r') {
      put('\\');
      put('r');
    } else {
      put(c);
    }
  }
  put('\n');
}

void write_manifest_placeholder(std::string_view path, std::span<std::uint8_t> out) {
  std::size_t n = manifest_line_length(path);
  std::memset(out.data(), ' ', n - 1);
  std::memcpy(out.data(), kPlaceholder.data(), kPlaceholder.size());
  out[n - 1] = '\n';
}

Result<std::vector<ManifestEntry>> parse_manifest(std::string_view text) {
  std::vector<ManifestEntry> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto bad = [&](const char* what) {
      return make_error(Errc::parse_error, "checksum manifest line " + std::to_string(line_no) + ": " + what);
    };
    bool escaped = line.front() == '\\';
    if (escaped) line.remove_prefix(1);
    if (line.size() < 67 || line[64] != ' ' || line[65] != ' ') return bad("not '<sha256>  <path>'");
    ManifestEntry e;
    e.sha256 = std::string(line.substr(0, 64));
    for (char c : e.sha256)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return bad("the checksum is not 64 lowercase hex digits");
    std::string_view name = line.substr(66);
    if (!escaped) {
      e.path = std::string(name);
    } else {
      for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] != '\\') {
          e.path += name[i];
          continue;
        }
        if (++i == name.size()) return bad("the path ends in a lone backslash");
        if (name[i] == '\\') e.path += '\\';
        else if (name[i] == 'n') e.path += '\n';
        else if (name[i] == 'r') e.path += '\r';
        else return bad("unknown escape in the path");
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tg::firmware::format
