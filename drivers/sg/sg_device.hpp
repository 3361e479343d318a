#pragma once
// The one system call under the SG_IO transport, behind a seam so header
// building and status mapping are tested against a fake (tests/drivers/sg/).
#include <scsi/sg.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "hal/result.hpp"

namespace tg::sg {

class SgDevice {
 public:
  virtual ~SgDevice() = default;
  // ioctl(fd, SG_IO, &hdr). Returns 0 when the kernel accepted and completed
  // the request (the outcome is then in hdr), else the errno.
  virtual int ioctl_sg_io(sg_io_hdr& hdr) = 0;
  // "/dev/sg3", for messages.
  virtual const std::string& path() const = 0;
};

// A Linux /dev/sgN node. Opened O_RDWR|O_NONBLOCK: sg ignores O_NONBLOCK for
// SG_IO (which always waits), and it keeps open() from blocking behind
// another process's O_EXCL open.
class LinuxSgDevice final : public SgDevice {
 public:
  // Errors: not_found (no such node), io_error (permission: the user needs
  // the 'tape'/'disk' group or a udev rule), busy, unsupported (not an sg v3
  // node, e.g. /dev/nst0 given by mistake).
  static Result<std::unique_ptr<LinuxSgDevice>> open(const std::filesystem::path& path);
  ~LinuxSgDevice() override;
  LinuxSgDevice(const LinuxSgDevice&) = delete;
  LinuxSgDevice& operator=(const LinuxSgDevice&) = delete;

  int ioctl_sg_io(sg_io_hdr& hdr) override;
  const std::string& path() const override { return path_; }
  // Largest data transfer the host adapter takes in one command
  // (BLKSECTGET); many HBAs cap it at 128 or 512 KiB,
  // below a 1 MiB tape block.
  Result<std::size_t> max_transfer_bytes() const;

 private:
  LinuxSgDevice(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace tg::sg
