#include "drivers/scsi/log_pages.hpp"

#include "drivers/scsi/reply_fields.hpp"

namespace tg::scsi {

std::uint64_t LogParameter::counter() const {
  std::uint64_t v = 0;
  for (std::size_t i = value.size() > 8 ? value.size() - 8 : 0; i < value.size(); ++i) v = (v << 8) | value[i];
  return v;
}

Result<LogPage> parse_log_page(Bytes reply, std::uint8_t expected_page) {
  const std::string what = "log page " + hex_byte(expected_page);
  TG_CHECK(require_length(reply, 4, what + " header"));
  LogPage p;
  p.page = reply[0] & 0x3F;
  p.subpage = (reply[0] & 0x40) ? reply[1] : 0;
  if (p.page != expected_page)
    return Error(Errc::parse_error, what + ": device returned page " + hex_byte(p.page));
  const std::size_t length = get_be16(reply, 2);
  if (4 + length > reply.size())
    return Error(Errc::parse_error, what + ": page length " + std::to_string(length) + " exceeds the " +
                                        std::to_string(reply.size() - 4) + " bytes received");
  Bytes body = reply.subspan(4, length);
  std::size_t off = 0;
  while (off < body.size()) {
    const std::string where = what + " parameter at byte " + std::to_string(off + 4);
    TG_CHECK(require_length(body.subspan(off), 4, where));
    const std::size_t n = body[off + 3];
    if (off + 4 + n > body.size())
      return Error(Errc::parse_error, where + ": parameter length " + std::to_string(n) + " overruns the page (" +
                                          std::to_string(body.size() - off - 4) + " bytes left)");
    p.parameters.push_back(
        LogParameter{.code = get_be16(body, off), .control = body[off + 2], .value = body.subspan(off + 4, n)});
    off += 4 + n;
  }
  return p;
}

}  // namespace tg::scsi
