#include "firmware/version.hpp"

namespace tg::firmware {
const char* version() { return "0.1.0"; }
const char* tape_format_name() { return "TAPEGATE-2"; }
}  // namespace tg::firmware
