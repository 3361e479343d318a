#include "drivers/scsi/reply_fields.hpp"

#include <cstdio>

namespace tg::scsi {

Status require_length(Bytes b, std::size_t need, std::string_view what) {
  if (b.size() >= need) return {};
  return Error(Errc::parse_error, std::string(what) + ": " + std::to_string(b.size()) + " bytes, need " +
                                      std::to_string(need));
}

std::string ascii_field(Bytes b) {
  std::size_t begin = 0, end = b.size();
  while (end > begin && (b[end - 1] == ' ' || b[end - 1] == 0)) --end;
  while (begin < end && b[begin] == ' ') ++begin;
  std::string s;
  s.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) s.push_back(b[i] >= 0x20 && b[i] < 0x7F ? static_cast<char>(b[i]) : '?');
  return s;
}

std::string hex_byte(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", v & 0xFFu);
  return buf;
}

}  // namespace tg::scsi
