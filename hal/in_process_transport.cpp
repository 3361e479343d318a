#include "hal/in_process_transport.hpp"

#include <algorithm>

namespace tg::hal {

Result<ScsiReply> InProcessTransport::execute(const ScsiCommand& cmd) {
  if (cmd.cdb.empty() || cmd.cdb.size() > 16)
    return Error(Errc::invalid_argument, "CDB length " + std::to_string(cmd.cdb.size()) + " is not 1..16");
  std::lock_guard lock(mutex_);
  std::span<const std::uint8_t> out;
  std::span<std::uint8_t> in;
  if (cmd.direction == DataDirection::to_device) out = cmd.data_out;
  if (cmd.direction == DataDirection::from_device) in = cmd.data_in;
  TargetReply t = target_.handle(cmd.cdb, out, in);
  ScsiReply r;
  r.status = t.status;
  r.sense_length = std::min(t.sense_length, r.sense.size());
  std::copy_n(t.sense.begin(), r.sense_length, r.sense.begin());
  std::size_t expected = cmd.direction == DataDirection::to_device ? out.size() : in.size();
  r.transferred = std::min(t.data_length, expected);
  r.residual = expected - r.transferred;
  return r;
}

}  // namespace tg::hal
