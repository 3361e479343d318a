#pragma once
// The checksum manifest of TAPEGATE-2 (docs/tape-format.md): a member whose
// content is `sha256sum` output for the backup files before it, so that
// `tar -x` and then `sha256sum -c --ignore-missing tapegate-manifest/...`
// verify a tape file on a machine without Tapegate. Lines follow GNU
// coreutils 9: "<64 hex>  <path>\n"; a path holding '\\', '\n' or '\r' is
// written with those escaped ("\\\\", "\\n", "\\r") and the line starts
// with a backslash. A file whose copy turned out bad (changed or unreadable
// while it was copied) keeps its line's length as a comment line ('#',
// which sha256sum skips), so the manifest's size is known before the data.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hal/result.hpp"

namespace tg::firmware::format {

inline constexpr std::string_view kManifestDir = "tapegate-manifest";
// A manifest never grows past this: the framer starts a new one first.
inline constexpr std::size_t kMaxManifestBytes = 1u << 20;

// "tapegate-manifest/<job uuid>/<sequence>.sha256"
std::string manifest_member_name(std::string_view job, std::uint32_t sequence);

// Bytes of the line for `path` (ok or placeholder alike).
std::size_t manifest_line_length(std::string_view path);
// Writes the line into out (exactly manifest_line_length(path) bytes).
void write_manifest_line(std::string_view sha256_hex, std::string_view path, std::span<std::uint8_t> out);
// A comment line of the same length naming why the file is not listed.
void write_manifest_placeholder(std::string_view path, std::span<std::uint8_t> out);

struct ManifestEntry {
  std::string path;
  std::string sha256;  // 64 lowercase hex
};

// Parses a manifest; comment and empty lines are skipped. Errc::parse_error
// naming the line for anything else that is not a checksum line.
Result<std::vector<ManifestEntry>> parse_manifest(std::string_view text);

}  // namespace tg::firmware::format
