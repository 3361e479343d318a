#include "drivers/sg/sg_io.hpp"
#include "hal/hex.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

namespace tg::sg {
namespace {

std::string hex(unsigned v) { return hal::hex_value(v); }

}  // namespace

const char* host_status_name(std::uint16_t h) {
  switch (h) {
    case host_status::ok: return "DID_OK";
    case host_status::no_connect: return "DID_NO_CONNECT";
    case host_status::bus_busy: return "DID_BUS_BUSY";
    case host_status::time_out: return "DID_TIME_OUT";
    case host_status::bad_target: return "DID_BAD_TARGET";
    case host_status::abort: return "DID_ABORT";
    case host_status::parity: return "DID_PARITY";
    case host_status::error: return "DID_ERROR";
    case host_status::reset: return "DID_RESET";
    case host_status::bad_intr: return "DID_BAD_INTR";
    case host_status::passthrough: return "DID_PASSTHROUGH";
    case host_status::soft_error: return "DID_SOFT_ERROR";
    case host_status::imm_retry: return "DID_IMM_RETRY";
    case host_status::requeue: return "DID_REQUEUE";
    case host_status::transport_disrupted: return "DID_TRANSPORT_DISRUPTED";
    case host_status::transport_failfast: return "DID_TRANSPORT_FAILFAST";
    case host_status::target_failure: return "DID_TARGET_FAILURE";
    case host_status::nexus_failure: return "DID_NEXUS_FAILURE";
    case host_status::alloc_failure: return "DID_ALLOC_FAILURE";
    case host_status::medium_error: return "DID_MEDIUM_ERROR";
    case host_status::transport_marginal: return "DID_TRANSPORT_MARGINAL";
  }
  return "unknown host status";
}

const char* driver_status_name(std::uint16_t d) {
  switch (d & 0x0F) {
    case driver_status::ok: return "DRIVER_OK";
    case driver_status::busy: return "DRIVER_BUSY";
    case driver_status::soft: return "DRIVER_SOFT";
    case driver_status::media: return "DRIVER_MEDIA";
    case driver_status::error: return "DRIVER_ERROR";
    case driver_status::invalid: return "DRIVER_INVALID";
    case driver_status::timeout: return "DRIVER_TIMEOUT";
    case driver_status::hard: return "DRIVER_HARD";
    case driver_status::sense: return "DRIVER_SENSE";
  }
  return "unknown driver status";
}

Status prepare_sg_io(const hal::ScsiCommand& cmd, SgIoRequest& req) {
  if (cmd.cdb.empty() || cmd.cdb.size() > req.cdb.size())
    return Error(Errc::invalid_argument, "CDB length " + std::to_string(cmd.cdb.size()) + " is not 1..16");
  if (cmd.timeout.count() <= 0)
    return Error(Errc::invalid_argument, "command timeout must be positive (sg treats 0 as its own default)");

  std::span<std::uint8_t> data;
  int direction = SG_DXFER_NONE;
  if (cmd.direction == hal::DataDirection::to_device && !cmd.data_out.empty()) {
    // sg only reads through dxferp for TO_DEV; the cast is the C API's.
    data = {const_cast<std::uint8_t*>(cmd.data_out.data()), cmd.data_out.size()};
    direction = SG_DXFER_TO_DEV;
  } else if (cmd.direction == hal::DataDirection::from_device && !cmd.data_in.empty()) {
    data = cmd.data_in;
    direction = SG_DXFER_FROM_DEV;
  }
  if (data.size() > std::numeric_limits<int>::max())
    return Error(Errc::invalid_argument, "transfer of " + std::to_string(data.size()) + " bytes is too large for SG_IO");

  std::copy(cmd.cdb.begin(), cmd.cdb.end(), req.cdb.begin());
  req.reply = hal::ScsiReply{};
  sg_io_hdr& h = req.hdr;
  h = sg_io_hdr{};
  h.interface_id = 'S';
  h.dxfer_direction = direction;
  h.cmd_len = static_cast<unsigned char>(cmd.cdb.size());
  h.mx_sb_len = static_cast<unsigned char>(req.reply.sense.size());
  h.iovec_count = 0;
  h.dxfer_len = static_cast<unsigned int>(data.size());
  h.dxferp = data.empty() ? nullptr : data.data();
  h.cmdp = req.cdb.data();
  h.sbp = req.reply.sense.data();
  // UINT_MAX means "no timeout" to sg: never ask for that by accident.
  constexpr auto kMaxMs = static_cast<std::int64_t>(std::numeric_limits<unsigned int>::max() - 1);
  h.timeout = static_cast<unsigned int>(std::min<std::int64_t>(cmd.timeout.count(), kMaxMs));
  h.flags = 0;  // indirect I/O: no alignment demands on the caller's buffer
  return {};
}

Result<hal::ScsiReply> finish_sg_io(SgIoRequest& req, const std::string& device) {
  const sg_io_hdr& h = req.hdr;
  hal::ScsiReply& r = req.reply;

  // The link first: a host adapter failure means the device's status (if
  // any) is not to be trusted; transport errors are never sense conditions.
  if (h.host_status != host_status::ok) {
    std::string what = device + ": host adapter reported " + host_status_name(h.host_status) + " (" +
                       hex(h.host_status) + ")";
    switch (h.host_status) {
      case host_status::time_out:
        return Error(Errc::timeout, what + ": the command did not complete within " + std::to_string(h.timeout) + " ms");
      case host_status::no_connect:
      case host_status::bad_target:
      case host_status::transport_disrupted:
      case host_status::transport_failfast:
        return Error(Errc::connection_lost, what + ": the device is not reachable");
      case host_status::reset:
        return Error(Errc::transport_error, what + ": the bus or device was reset; the command's effect is unknown");
      default:
        return Error(Errc::transport_error, what);
    }
  }
  const std::uint16_t drv = h.driver_status & 0x0F;
  if (drv == driver_status::timeout)
    return Error(Errc::timeout, device + ": DRIVER_TIMEOUT: the command did not complete within " +
                                    std::to_string(h.timeout) + " ms");

  r.status = h.status;
  r.sense_length = std::min<std::size_t>(h.sb_len_wr, h.mx_sb_len);
  // A driver failure without any SCSI status or sense to explain it.
  if (r.status == hal::scsi_status::good && r.sense_length == 0 && drv != driver_status::ok &&
      drv != driver_status::sense)
    return Error(Errc::transport_error, device + ": driver reported " + driver_status_name(drv));

  // resid is dxfer_len - actual; some low-level drivers report nonsense
  // (negative, or larger than asked): clamp rather than trust it.
  std::int64_t resid = std::clamp<std::int64_t>(h.resid, 0, h.dxfer_len);
  r.residual = static_cast<std::size_t>(resid);
  r.transferred = h.dxfer_len - r.residual;
  return r;
}

Error sg_ioctl_error(int err, const std::string& device, std::size_t transfer_length) {
  std::string what = device + ": SG_IO failed: " + std::strerror(err);
  switch (err) {
    case ENODEV:
    case ENXIO:
      return Error(Errc::connection_lost, what + " (the device went away)");
    case ENOMEM:
    case EINVAL:
    case EOVERFLOW:
      // Oversized requests land here: HBAs cap transfers (often 128 or
      // 512 KiB), below a 1 MiB tape block.
      return Error(Errc::transport_error, what + " (transfer of " + std::to_string(transfer_length) +
                                              " bytes refused; is it above the adapter's limit?)");
    case EBUSY:
      return Error(Errc::busy, what);
    case EINTR:
      return Error(Errc::transport_error, what + " (interrupted; the command may have run)");
    default:
      return Error(Errc::transport_error, what);
  }
}

}  // namespace tg::sg
