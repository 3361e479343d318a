#pragma once
// The pax keywords Tapegate writes in every member's extended header
// (docs/tape-format.md). They live under SCHILY.xattr. because GNU tar
// understands that namespace as extended attributes: it lists and extracts
// our archives without "unknown keyword" warnings, and `tar --xattrs -x`
// puts the hash on the extracted file as the user xattr it really is.
#include <string_view>

namespace tg::firmware::format::pax {

inline constexpr std::string_view kSha256 = "SCHILY.xattr.user.tapegate.sha256";
inline constexpr std::string_view kRepository = "SCHILY.xattr.user.tapegate.repository";
inline constexpr std::string_view kJob = "SCHILY.xattr.user.tapegate.job";
inline constexpr std::string_view kGroup = "SCHILY.xattr.user.tapegate.group";
inline constexpr std::string_view kKind = "SCHILY.xattr.user.tapegate.kind";
// The kind of a TAPEGATE-2 checksum manifest member (sha256_manifest.hpp).
inline constexpr std::string_view kManifestKind = "manifest";

// GNU tar's multi-volume continuation records (global 'g' header).
inline constexpr std::string_view kVolumeFilename = "GNU.volume.filename";
inline constexpr std::string_view kVolumeSize = "GNU.volume.size";
inline constexpr std::string_view kVolumeOffset = "GNU.volume.offset";

}  // namespace tg::firmware::format::pax
