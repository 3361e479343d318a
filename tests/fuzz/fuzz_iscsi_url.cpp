// iSCSI URLs come from board files and the console. Checked beyond "no
// crash": a parsed URL's describe() is independent of the CHAP
// credentials, and parsing describe() again gives the same portal, target
// and LUN.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drivers/iscsi/iscsi_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace i = tg::drivers::iscsi;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto url = i::parse_iscsi_url(text);
  if (!url.ok()) {
    if (url.error().message.empty()) __builtin_trap();
    return 0;
  }
  (void)i::require_target(*url);
  (void)i::require_lun(*url);
  // describe() goes into logs and errors: it must not depend on the
  // credentials at all (a substring test would also flag a password that
  // happens to equal part of the host name).
  const std::string shown = url->describe();
  tg::drivers::iscsi::IscsiUrl anonymous = *url;
  anonymous.credentials = {};
  if (anonymous.describe() != shown) __builtin_trap();
  (void)url->portal();
  auto again = i::parse_iscsi_url(shown);
  if (!again.ok() || again->portal() != url->portal() || again->target != url->target || again->lun != url->lun)
    __builtin_trap();
  if (url->target.size() && url->lun) (void)url->with_lun(0).describe();
  return 0;
}
