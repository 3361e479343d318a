#pragma once
// Unit-attention policy, in one place. A UNIT ATTENTION is reported instead
// of running the command (SPC-4 5.14): the first command after a reset, a
// power-on or a medium change receives it, one per queued event. What to do
// about it depends on who asks, so every caller states its limit from the
// named ones below instead of choosing a number of its own.
#include <type_traits>

#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "hal/result.hpp"

namespace tg::firmware::library {

// How many unit attentions a caller is prepared to take before it reports one.
enum class AttentionLimit : int {
  // A changer command (move, inventory, export): an attention raised between
  // the decision and the command means the element map may have changed.
  // Once, then the caller decides again on a fresh inventory.
  once = 1,
  // A drive's queued events: power on (29/00), a medium change (28/00) and a
  // mode change may all be waiting after a restart with a cartridge in.
  drive_events = 3,
  // The changer after the operator used the mail slots: some changers queue
  // one 28/01 per cartridge put in.
  mail_slot_visits = 16,
};

constexpr int attentions(AttentionLimit l) { return static_cast<int>(l); }

// Runs f() and runs it again while it fails with Errc::unit_attention, at
// most `limit` more times; the last result is returned.
template <class F>
auto retry_on_attention(AttentionLimit limit, F&& f) -> decltype(f()) {
  auto r = f();
  for (int i = 0; i < attentions(limit) && !r.ok() && r.error().code == Errc::unit_attention; ++i) r = f();
  return r;
}

// Takes the unit attentions a device holds (TEST UNIT READY until it answers
// anything else), at most `limit`, so the command that follows is not the one
// that receives them. Other conditions (no medium, not ready) are left for
// that command to report. Errc::unit_attention when the limit is reached.
Status absorb_attentions(drivers::TapeDrive& drive, AttentionLimit limit);
Status absorb_attentions(drivers::MediaChanger& changer, AttentionLimit limit);

}  // namespace tg::firmware::library
