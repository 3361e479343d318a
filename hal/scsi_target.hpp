#pragma once
// The device side of the SCSI seam. The simulated library implements it;
// the in-process transport and the USB Bulk-Only device model in the tests
// sit on it, so one simulated device serves every transport test byte for
// byte.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "hal/scsi_transport.hpp"

namespace tg::hal {

struct TargetReply {
  std::uint8_t status = scsi_status::good;
  std::array<std::uint8_t, kMaxSense> sense{};
  std::size_t sense_length = 0;
  std::size_t data_length = 0;  // bytes written to data_in, or consumed from data_out
};

class ScsiTarget {
 public:
  virtual ~ScsiTarget() = default;
  // data_out holds what the initiator sent (to_device); data_in is the
  // initiator's buffer for a from_device reply (its size is the allocation
  // the initiator expects; the target fills at most that many bytes).
  virtual TargetReply handle(std::span<const std::uint8_t> cdb,
                             std::span<const std::uint8_t> data_out,
                             std::span<std::uint8_t> data_in) = 0;
};

}  // namespace tg::hal
