#pragma once
// Checked access to fields of device replies: every parser states the
// length it needs before reading, and the error names the field.
#include <cstddef>
#include <string>
#include <string_view>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

// Errc::parse_error "<what>: N bytes, need M" when b is shorter than need.
Status require_length(Bytes b, std::size_t need, std::string_view what);

// An ASCII field (vendor, product, volume tag, serial): trailing spaces and
// NULs dropped, leading spaces kept off, non-printable bytes shown as '?'.
std::string ascii_field(Bytes b);

std::string hex_byte(unsigned v);  // "0x1D"

}  // namespace tg::scsi
