#pragma once
// Small state files (the simulated library's element map and cartridge
// metadata, saved jobs, the user list) are replaced as a whole: write a
// temporary file beside the target (mode 0600), fsync it, rename it over the
// old one and fsync the directory, so a crash leaves either the old or the
// new content.
#include <filesystem>
#include <string>

#include "hal/result.hpp"

namespace tg::hal {

// durable=false skips the fsync (still atomic against a process crash, not
// against power loss): for tests and throw-away simulated libraries.
Status write_file_atomic(const std::filesystem::path& path, const std::string& content, bool durable = true);
// nullopt-like: Errc::not_found when the file does not exist.
Result<std::string> read_small_file(const std::filesystem::path& path);

}  // namespace tg::hal
