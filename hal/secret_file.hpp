#pragma once
// A secret kept in a file of its own (a CHAP password, a user's new
// password): read at the moment it is needed, so it is in no argv, shell
// history, configuration file or banner.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "hal/result.hpp"

namespace tg::hal {

// The secret in `file`: a regular file that neither group nor others may
// read, write or execute (0600 or 0400, the way ssh treats a private key);
// one line of at most max_bytes, its trailing newline dropped. `what` names
// the file in errors ("CHAP secret file"); errors name the file and, for a
// wrong mode, the mode and the fix; they never hold the file's contents.
Result<std::string> read_secret_file(const std::filesystem::path& file, std::string_view what, std::size_t max_bytes);

}  // namespace tg::hal
