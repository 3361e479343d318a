#pragma once
// hal::ScsiTransport over a Linux SCSI generic node (SG_IO). Direct-attached
// SAS/FC/parallel-SCSI drives and changers, and USB ones the kernel already
// drives (usb-storage exposes them as sg nodes too).
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "drivers/sg/sg_device.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::sg {

class SgTransport final : public hal::ScsiTransport {
 public:
  explicit SgTransport(std::unique_ptr<SgDevice> device);

  // CHECK CONDITION comes back as a reply with the raw sense (sb_len_wr
  // bytes); host/driver failures as Errc::timeout / connection_lost /
  // transport_error.
  Result<hal::ScsiReply> execute(const hal::ScsiCommand& cmd) override;
  std::string describe() const override { return "sg:" + device_->path(); }
  // True once after a command whose outcome is unknown (host adapter or
  // driver failure after the command was issued): the tape may have moved.
  bool take_position_lost() override;

 private:
  std::unique_ptr<SgDevice> device_;
  std::mutex mutex_;  // one command at a time per node, as the drivers expect
  bool position_lost_ = false;
};

// "sg:/dev/sg3" or a bare "/dev/sg3": opens the node (LinuxSgDevice::open).
Result<std::unique_ptr<hal::ScsiTransport>> open_sg_transport(const std::string& spec);

// True for specs this transport owns ("sg:...").
bool is_sg_spec(const std::string& spec);

}  // namespace tg::sg
