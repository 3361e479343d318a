#pragma once
// The one way a console reply shows a measure: human in text, a number in
// JSON (reply.hpp, Quantity). JSON units are fixed by the field's name:
// bytes, seconds, MB/s (10^6 bytes per second).
#include <cstdint>

#include "firmware/console/reply.hpp"

namespace tg::firmware::console {

Cell bytes_cell(std::uint64_t bytes);                       // "8.6 MiB" | 9017753
Cell seconds_cell(double seconds);                          // "2.3 s" | 2.3
Cell rate_cell(std::uint64_t bytes, double seconds);        // "57.2 MB/s" | 57.2; none when no time passed
Cell transfer_cell(std::uint64_t bytes, double seconds);    // "126.3 MiB in 2.3 s (57.2 MB/s)" | bytes

}  // namespace tg::firmware::console
