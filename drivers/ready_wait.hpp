#pragma once
// The one explicit wait in the drivers: poll TEST UNIT READY until the
// logical unit is ready. Unit attentions (power on, medium may have
// changed, I/E station accessed) are events the caller is waiting past and
// are absorbed; NOT READY (becoming ready, no medium yet) is waited out,
// polling once a second on the given clock; anything else ends the wait.
#include <chrono>
#include <functional>

#include "drivers/scsi_lun.hpp"
#include "hal/clock.hpp"
#include "hal/result.hpp"

namespace tg::drivers {

// on_attention runs for every unit attention absorbed (the tape drive
// forgets its position there).
Status wait_until_ready(ScsiLun& lun, std::chrono::milliseconds timeout, hal::Clock& clock,
                        const std::function<void()>& on_attention = {});

}  // namespace tg::drivers
