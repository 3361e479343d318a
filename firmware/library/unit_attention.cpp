#include "firmware/library/unit_attention.hpp"

namespace tg::firmware::library {
namespace {

template <class Device>
Status absorb(Device& device, AttentionLimit limit, const std::string& what) {
  for (int i = 0; i <= attentions(limit); ++i) {
    auto r = device.test_unit_ready();
    if (r.ok() || r.error().code != Errc::unit_attention) return {};
  }
  return make_error(Errc::unit_attention, what + " still reports UNIT ATTENTION after " +
                                              std::to_string(attentions(limit)) + " were taken");
}

}  // namespace

Status absorb_attentions(drivers::TapeDrive& drive, AttentionLimit limit) {
  return absorb(drive, limit, "drive " + drive.name());
}

Status absorb_attentions(drivers::MediaChanger& changer, AttentionLimit limit) {
  return absorb(changer, limit, "changer " + changer.name());
}

}  // namespace tg::firmware::library
