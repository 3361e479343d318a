#pragma once

namespace tg::firmware {
const char* version();          // "0.1.0"
const char* tape_format_name(); // written into volume labels
}  // namespace tg::firmware
