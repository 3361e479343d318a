#pragma once
// The CHAP password a URL names instead of holding (?secret-file=PATH,
// ?secret-env=NAME): read when a board or a discovery connects, so it is in
// no argv, shell history, board file, `config show` or banner.
#include <filesystem>
#include <string>

#include "drivers/iscsi/iscsi_url.hpp"
#include "hal/result.hpp"

namespace tg::drivers::iscsi {

// Longest secret file read; a CHAP secret is at most a few hundred bytes
// (RFC 7143 12.1.3 expects 12 to 16 bytes; libiscsi keeps 256).
inline constexpr std::size_t kMaxSecretBytes = 255;

// The password in `file`: a regular file that neither group nor others may
// read, write or execute (0600 or 0400, the way ssh treats a private key);
// one line, its trailing newline dropped. Errors name the file and, for a
// wrong mode, the mode and the fix; they never hold the file's contents.
Result<std::string> read_secret_file(const std::filesystem::path& file);

// Fills url.credentials.password from url.secret (nothing to do without
// one). `lookup` is getenv in production.
Status resolve_secret(IscsiUrl& url, EnvLookup lookup);

}  // namespace tg::drivers::iscsi
