#include "drivers/sg/sg_transport.hpp"

#include <cerrno>

#include "drivers/sg/sg_io.hpp"

namespace tg::sg {

SgTransport::SgTransport(std::unique_ptr<SgDevice> device) : device_(std::move(device)) {}

bool SgTransport::take_position_lost() {
  std::lock_guard lock(mutex_);
  bool lost = position_lost_;
  position_lost_ = false;
  return lost;
}

Result<hal::ScsiReply> SgTransport::execute(const hal::ScsiCommand& cmd) {
  std::lock_guard lock(mutex_);
  // The request (with its 252-byte sense buffer) lives on the stack: no
  // allocation per command.
  SgIoRequest req;
  TG_CHECK(prepare_sg_io(cmd, req));
  if (int err = device_->ioctl_sg_io(req.hdr); err != 0) {
    // EINTR may leave the command running in the kernel; everything else
    // was refused before it reached the device.
    if (err == EINTR) position_lost_ = true;
    return sg_ioctl_error(err, describe(), req.hdr.dxfer_len);
  }
  auto reply = finish_sg_io(req, describe());
  if (!reply.ok()) position_lost_ = true;
  return reply;
}

bool is_sg_spec(const std::string& spec) { return spec.rfind("sg:", 0) == 0; }

Result<std::unique_ptr<hal::ScsiTransport>> open_sg_transport(const std::string& spec) {
  std::string path = is_sg_spec(spec) ? spec.substr(3) : spec;
  if (path.empty() || path[0] != '/')
    return Error(Errc::invalid_argument, "SCSI generic device '" + spec + "' must be an absolute path, e.g. sg:/dev/sg3");
  auto dev = TG_TRY(LinuxSgDevice::open(path));
  return std::unique_ptr<hal::ScsiTransport>(std::make_unique<SgTransport>(std::move(dev)));
}

}  // namespace tg::sg
