// The thin Linux part of the SG_IO transport: open, verify, ioctl. Built and
// reviewed; the logic around it is tested against a fake SgDevice.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "drivers/sg/sg_device.hpp"

namespace tg::sg {

Result<std::unique_ptr<LinuxSgDevice>> LinuxSgDevice::open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    std::string what = path.string() + ": " + std::strerror(e);
    if (e == ENOENT || e == ENXIO || e == ENODEV) return Error(Errc::not_found, what);
    if (e == EACCES || e == EPERM)
      return Error(Errc::io_error, what + " (the service user needs read/write access to the sg node)");
    if (e == EBUSY) return Error(Errc::busy, what + " (opened exclusively by another program)");
    return Error(Errc::io_error, what);
  }
  // SG_GET_VERSION_NUM succeeds only on sg nodes; v3 (30000+) is what has
  // the sg_io_hdr interface.
  int version = 0;
  if (::ioctl(fd, SG_GET_VERSION_NUM, &version) < 0 || version < 30000) {
    ::close(fd);
    return Error(Errc::unsupported, path.string() + " is not a SCSI generic (sg v3) device; use /dev/sgN, not /dev/nstN");
  }
  return std::unique_ptr<LinuxSgDevice>(new LinuxSgDevice(fd, path.string()));
}

LinuxSgDevice::~LinuxSgDevice() { ::close(fd_); }

int LinuxSgDevice::ioctl_sg_io(sg_io_hdr& hdr) {
  // No retry on EINTR: the command may already be at the device, and a tape
  // command must never run twice.
  if (::ioctl(fd_, SG_IO, &hdr) < 0) return errno;
  return 0;
}

Result<std::size_t> LinuxSgDevice::max_transfer_bytes() const {
  // On an sg node BLKSECTGET answers in bytes (sg.c max_sectors_bytes),
  // unlike block devices, which answer in 512-byte sectors.
  int bytes = 0;
  if (::ioctl(fd_, BLKSECTGET, &bytes) < 0 || bytes <= 0)
    return Error(Errc::unsupported, path_ + ": the kernel does not report a transfer limit (BLKSECTGET)");
  return static_cast<std::size_t>(bytes);
}

}  // namespace tg::sg
