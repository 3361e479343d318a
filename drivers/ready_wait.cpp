#include "drivers/ready_wait.hpp"

#include "drivers/scsi/asc.hpp"
#include "drivers/scsi/cdb_spc.hpp"

namespace tg::drivers {

Status wait_until_ready(ScsiLun& lun, std::chrono::milliseconds timeout, hal::Clock& clock,
                        const std::function<void()>& on_attention) {
  using namespace std::chrono_literals;
  const auto start = clock.now();
  // Each reset, medium change and mode change queues one UNIT ATTENTION; a
  // device that keeps raising them without end is broken, not busy.
  constexpr int kMaxAttentions = 32;
  int attentions = 0;
  for (;;) {
    Status s = lun.run_no_data("TEST UNIT READY", scsi::test_unit_ready(), timeouts::quick);
    if (s.ok()) return s;
    const Error& e = s.error();
    if (e.code == Errc::unit_attention) {
      if (on_attention) on_attention();
      if (++attentions > kMaxAttentions)
        return lun.error(Errc::unit_attention, "TEST UNIT READY",
                         "still reporting UNIT ATTENTION after " + std::to_string(kMaxAttentions) +
                             " attempts: " + e.message);
      continue;
    }
    if (e.code != Errc::not_ready) return s;
    // 04/03 (manual intervention required) will not resolve by waiting.
    if (scsi::asc_of(e) == scsi::asc::manual_intervention_required) return s;
    if (clock.now() - start >= timeout) {
      Error late = std::move(s).error();
      late.message = "not ready after " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                     " s: " + late.message;
      return late;
    }
    clock.sleep_for(1s);
  }
}

}  // namespace tg::drivers
