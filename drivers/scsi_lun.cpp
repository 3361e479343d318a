#include "drivers/scsi_lun.hpp"

#include <array>
#include <cstdio>


namespace tg::drivers {

namespace {
std::string status_hex(std::uint8_t s) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%02X", s);
  return b;
}
}  // namespace

Result<Completion> ScsiLun::run(const char* op, std::span<const std::uint8_t> cdb, hal::DataDirection direction,
                                std::span<const std::uint8_t> data_out, std::span<std::uint8_t> data_in,
                                std::chrono::milliseconds timeout) {
  hal::ScsiCommand cmd{.cdb = cdb, .direction = direction, .data_out = data_out, .data_in = data_in,
                       .timeout = timeout};
  auto r = transport_.execute(cmd);
  if (!r) {
    Error e = std::move(r).error();
    e.message = who_ + ": " + op + ": " + e.message;
    return e;
  }
  const hal::ScsiReply& reply = *r;
  Completion c;
  c.transferred = reply.transferred;
  switch (reply.status) {
    case hal::scsi_status::good:
    case hal::scsi_status::condition_met:
      return c;
    case hal::scsi_status::check_condition: {
      if (reply.sense_length == 0)
        return error(Errc::check_condition, op, "CHECK CONDITION without sense data");
      auto s = scsi::parse_sense(reply.sense_bytes());
      if (!s) return error(Errc::check_condition, op, "CHECK CONDITION with unreadable sense data: " + s.error().message);
      c.sense = *s;
      return c;
    }
    case hal::scsi_status::busy:
    case hal::scsi_status::task_set_full:
      return error(Errc::busy, op, "device busy (status " + status_hex(reply.status) + ")");
    case hal::scsi_status::reservation_conflict:
      return error(Errc::busy, op, "reserved by another initiator (RESERVATION CONFLICT)");
    default:
      return error(Errc::transport_error, op, "unexpected SCSI status " + status_hex(reply.status));
  }
}

Result<std::size_t> ScsiLun::run_checked(const char* op, std::span<const std::uint8_t> cdb,
                                         hal::DataDirection direction, std::span<const std::uint8_t> data_out,
                                         std::span<std::uint8_t> data_in, std::chrono::milliseconds timeout) {
  Completion c = TG_TRY(run(op, cdb, direction, data_out, data_in, timeout));
  if (!c.good()) return sense_error(op, *c.sense);
  return c.transferred;
}

Status ScsiLun::run_no_data(const char* op, std::span<const std::uint8_t> cdb, std::chrono::milliseconds timeout) {
  TG_TRY(run_checked(op, cdb, hal::DataDirection::none, {}, {}, timeout));
  return {};
}

Result<std::size_t> ScsiLun::run_in(const char* op, std::span<const std::uint8_t> cdb, std::span<std::uint8_t> in,
                                    std::chrono::milliseconds timeout) {
  return run_checked(op, cdb, hal::DataDirection::from_device, {}, in, timeout);
}

Status ScsiLun::run_out(const char* op, std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> out,
                        std::chrono::milliseconds timeout) {
  TG_TRY(run_checked(op, cdb, hal::DataDirection::to_device, out, {}, timeout));
  return {};
}

Error ScsiLun::sense_error(const char* op, const scsi::Sense& s) const {
  return scsi::sense_error(s, who_ + ": " + op);
}

Error ScsiLun::error(Errc code, const char* op, const std::string& message) const {
  return Error(code, who_ + ": " + op + ": " + message);
}

}  // namespace tg::drivers
