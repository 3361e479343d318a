#pragma once
// Splitting an operator's line into words, the same way for the CLI's
// re-joined argv, the prompt, the serial line and the control socket.
// Quotes ('...' or "...") and backslash escapes keep spaces inside a word.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "hal/result.hpp"

namespace tg::firmware::console {

inline constexpr std::size_t kMaxLineBytes = 4096;
inline constexpr std::size_t kMaxWords = 64;

// Rejects (Errc::invalid_argument, saying what and where): lines longer than
// kMaxLineBytes, control bytes other than tab, invalid UTF-8, unbalanced
// quotes, more than kMaxWords words.
Result<std::vector<std::string>> split_command_line(std::string_view line);

// The inverse: quotes words that need it, so split(join(w)) == w.
std::string join_command_line(const std::vector<std::string>& words);

// Checks the bytes only (what split does before tokenising).
Status check_line_bytes(std::string_view line);

}  // namespace tg::firmware::console
