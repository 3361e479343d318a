#include "firmware/library/write_protection.hpp"

#include "firmware/library/unit_attention.hpp"

namespace tg::firmware::library {

Status refuse_overwrite(drivers::TapeDrive& drive, const std::string& what) {
  // A drive's queued attentions (power on, a cartridge just loaded) are
  // not the answer to the question asked.
  auto m = retry_on_attention(AttentionLimit::drive_events, [&] { return drive.medium_info(); });
  if (!m) return std::move(m).error();
  if (!m->present) return make_error(Errc::not_ready, "drive " + drive.name() + " holds no cartridge");
  if (m->worm) return make_error(Errc::data_protect, what + " is WORM and cannot be overwritten");
  if (m->write_protected)
    return make_error(Errc::data_protect, what + " is write-protected: slide its write-protect tab and retry");
  return {};
}

}  // namespace tg::firmware::library
