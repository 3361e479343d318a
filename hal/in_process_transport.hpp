#pragma once
// A transport that hands each CDB straight to an in-process ScsiTarget: the
// simulated board's wire.
#include <mutex>
#include <string>

#include "hal/scsi_target.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::hal {

class InProcessTransport final : public ScsiTransport {
 public:
  InProcessTransport(ScsiTarget& target, std::string description)
      : target_(target), description_(std::move(description)) {}
  Result<ScsiReply> execute(const ScsiCommand& cmd) override;
  std::string describe() const override { return description_; }

 private:
  ScsiTarget& target_;
  std::string description_;
  std::mutex mutex_;  // one command at a time, as on a real LUN
};

}  // namespace tg::hal
