#pragma once
// Typed values from board descriptions (XML attributes, sim: spec values):
// one parser per type, each error saying what was expected.
#include <cstdint>
#include <string>

#include "hal/result.hpp"

namespace tg::board {

// Decimal, or hexadecimal with 0x. Errors: "'12x' is not a number",
// "70000 is not in 0..65535".
Result<std::uint64_t> parse_unsigned(const std::string& text, std::uint64_t min, std::uint64_t max);
// true/false, yes/no, on/off, 1/0.
Result<bool> parse_bool(const std::string& text);

}  // namespace tg::board
