#include "drivers/usb/bot_protocol.hpp"
#include "hal/hex.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>

namespace tg::usb {
namespace {

std::string outcome_text(const UsbTransfer& t) {
  const char* what = "error";
  switch (t.outcome) {
    case UsbOutcome::ok: what = "ok"; break;
    case UsbOutcome::stall: what = "stall"; break;
    case UsbOutcome::timeout: what = "timeout"; break;
    case UsbOutcome::overflow: what = "overflow (device sent more than asked)"; break;
    case UsbOutcome::no_device: what = "device disconnected"; break;
    case UsbOutcome::error: what = "error"; break;
  }
  std::string s = what;
  if (!t.detail.empty()) s += " (" + t.detail + ")";
  return s;
}

std::string hex_opcode(std::span<const std::uint8_t> cdb) {
  return "opcode " + hal::hex_value(cdb[0], 2, true);
}

}  // namespace

Error BotProtocol::recover(Errc code, std::string what) {
  Status st = reset_recovery();
  if (!st.ok())
    return Error(Errc::connection_lost, pipe_.describe() + ": " + what + "; reset recovery failed: " + st.error().message);
  return Error(code, pipe_.describe() + ": " + what + " (bulk-only reset recovery done)");
}

Status BotProtocol::reset_recovery() {
  ++reset_count_;
  // BOT 5.3.4: the reset alone leaves the endpoints halted if they were; the
  // two CLEAR_FEATUREs follow it, bulk-in first.
  UsbTransfer r = pipe_.control({.request_type = kBulkOnlyResetRequestType,
                                 .request = kBulkOnlyResetRequest,
                                 .value = 0,
                                 .index = pipe_.interface_number()},
                                {}, std::chrono::milliseconds(5'000));
  if (r.outcome != UsbOutcome::ok) return Error(Errc::connection_lost, "Bulk-Only Mass Storage Reset: " + outcome_text(r));
  r = pipe_.clear_halt(BulkEndpoint::in);
  if (r.outcome != UsbOutcome::ok) return Error(Errc::connection_lost, "clearing the bulk-in halt: " + outcome_text(r));
  r = pipe_.clear_halt(BulkEndpoint::out);
  if (r.outcome != UsbOutcome::ok) return Error(Errc::connection_lost, "clearing the bulk-out halt: " + outcome_text(r));
  return {};
}

Result<std::uint8_t> BotProtocol::get_max_lun() {
  std::array<std::uint8_t, 1> lun{};
  UsbTransfer r = pipe_.control({.request_type = kGetMaxLunRequestType,
                                 .request = kGetMaxLunRequest,
                                 .value = 0,
                                 .index = pipe_.interface_number()},
                                lun, std::chrono::milliseconds(5'000));
  // BOT 3.2: "Devices that do not support multiple LUNs may STALL this
  // command" — a control stall clears itself at the next SETUP.
  if (r.outcome == UsbOutcome::stall) return std::uint8_t{0};
  if (r.outcome == UsbOutcome::no_device)
    return Error(Errc::connection_lost, pipe_.describe() + ": Get Max LUN: " + outcome_text(r));
  if (r.outcome != UsbOutcome::ok)
    return Error(Errc::transport_error, pipe_.describe() + ": Get Max LUN: " + outcome_text(r));
  if (r.transferred == 0) return std::uint8_t{0};
  if (lun[0] > kMaxLun)
    return Error(Errc::parse_error, pipe_.describe() + ": Get Max LUN answered " + std::to_string(lun[0]) + " (0..15)");
  return lun[0];
}

Result<BotResult> BotProtocol::execute(const BotCommand& cmd) {
  if (cmd.cdb.empty() || cmd.cdb.size() > kMaxCdbLength)
    return Error(Errc::invalid_argument, "CDB length " + std::to_string(cmd.cdb.size()) + " is not 1..16");
  std::size_t expected = 0;
  if (cmd.direction == hal::DataDirection::to_device) expected = cmd.data_out.size();
  if (cmd.direction == hal::DataDirection::from_device) expected = cmd.data_in.size();
  if (expected > std::numeric_limits<std::uint32_t>::max())
    return Error(Errc::invalid_argument, "transfer of " + std::to_string(expected) + " bytes exceeds the CBW's 32-bit length");

  CommandBlockWrapper cbw;
  cbw.tag = next_tag_++;
  cbw.data_transfer_length = static_cast<std::uint32_t>(expected);
  cbw.data_in = cmd.direction == hal::DataDirection::from_device && expected > 0;
  cbw.lun = cmd.lun;
  cbw.cdb_length = static_cast<std::uint8_t>(cmd.cdb.size());
  std::copy(cmd.cdb.begin(), cmd.cdb.end(), cbw.cdb.begin());
  auto wire = TG_TRY(encode_cbw(cbw));
  const std::string what = hex_opcode(cmd.cdb);

  // Command transport (BOT 5.3.1).
  UsbTransfer r = pipe_.bulk_out(wire, cmd.timeout);
  switch (r.outcome) {
    case UsbOutcome::ok:
      if (r.transferred == kCbwLength) break;
      return recover(Errc::transport_error, what + ": CBW sent short (" + std::to_string(r.transferred) + " of 31 bytes)");
    case UsbOutcome::no_device:
      return Error(Errc::connection_lost, pipe_.describe() + ": " + what + ": sending the CBW: " + outcome_text(r));
    case UsbOutcome::timeout:
      return recover(Errc::timeout, what + ": sending the CBW timed out");
    case UsbOutcome::stall:
      // BOT 6.6.1: a device that finds the CBW invalid stalls; only Reset
      // Recovery gets it listening again.
      return recover(Errc::transport_error, what + ": device rejected the CBW (bulk-out stalled)");
    default:
      return recover(Errc::transport_error, what + ": sending the CBW: " + outcome_text(r));
  }

  // Data transport (BOT 5.3.2).
  std::size_t moved = 0;
  if (expected > 0) moved = std::min<std::size_t>(TG_TRY(data_phase(cmd)), expected);

  // Status transport (BOT 5.3.3).
  CommandStatusWrapper csw = TG_TRY(read_csw(cbw.tag, cmd.timeout));
  if (csw.status == static_cast<std::uint8_t>(CswStatus::phase_error))
    return recover(Errc::transport_error, what + ": device reported a phase error");
  if (csw.status > static_cast<std::uint8_t>(CswStatus::phase_error))
    return recover(Errc::transport_error, what + ": CSW status " + std::to_string(csw.status) + " is reserved");
  // BOT 6.3.2: a residue larger than the transfer length is not meaningful.
  if (csw.data_residue > expected)
    return recover(Errc::transport_error, what + ": CSW residue " + std::to_string(csw.data_residue) +
                                              " exceeds the transfer length " + std::to_string(expected));

  // The bytes that count: whatever fell short on the bus, or what the
  // device says it did not process (it may pad data-in, BOT 6.7.2 case 5,
  // or accept data-out it did not use, 6.7.3 case 9) — the larger gap.
  BotResult res;
  res.status = static_cast<CswStatus>(csw.status);
  res.csw_residue = csw.data_residue;
  res.residual = std::max<std::size_t>(expected - moved, csw.data_residue);
  res.transferred = expected - res.residual;
  return res;
}

Result<std::size_t> BotProtocol::data_phase(const BotCommand& cmd) {
  const bool in = cmd.direction == hal::DataDirection::from_device;
  UsbTransfer r = in ? pipe_.bulk_in(cmd.data_in, cmd.timeout) : pipe_.bulk_out(cmd.data_out, cmd.timeout);
  const std::string what = hex_opcode(cmd.cdb) + (in ? ": data-in" : ": data-out");
  switch (r.outcome) {
    case UsbOutcome::ok:
      return r.transferred;
    case UsbOutcome::stall: {
      // BOT 6.7.2 (Hi) / 6.7.3 (Ho): the device ended the data phase early
      // by halting the pipe; clear it, then the CSW still tells the outcome.
      UsbTransfer c = pipe_.clear_halt(in ? BulkEndpoint::in : BulkEndpoint::out);
      if (c.outcome == UsbOutcome::no_device)
        return Error(Errc::connection_lost, pipe_.describe() + ": " + what + ": clearing the halt: " + outcome_text(c));
      if (c.outcome != UsbOutcome::ok) return recover(Errc::transport_error, what + ": clearing the halt: " + outcome_text(c));
      return r.transferred;
    }
    case UsbOutcome::no_device:
      return Error(Errc::connection_lost, pipe_.describe() + ": " + what + ": " + outcome_text(r));
    case UsbOutcome::timeout:
      return recover(Errc::timeout, what + " timed out after " + std::to_string(r.transferred) + " bytes");
    case UsbOutcome::overflow:
      // BOT 6.7.2 case 7 (Hi < Di): the device has more than the host asked
      // for; the phase is lost.
      return recover(Errc::transport_error, what + ": device sent more data than the command allows");
    default:
      return recover(Errc::transport_error, what + ": " + outcome_text(r));
  }
}

Result<CommandStatusWrapper> BotProtocol::read_csw(std::uint32_t tag, std::chrono::milliseconds timeout) {
  std::array<std::uint8_t, kCswLength> buf{};
  bool stalled_once = false, empty_once = false;
  for (;;) {
    UsbTransfer r = pipe_.bulk_in(buf, timeout);
    if (r.outcome == UsbOutcome::stall && !stalled_once) {
      // BOT 6.7 figure 2: on a stalled CSW, clear bulk-in and try once more.
      stalled_once = true;
      UsbTransfer c = pipe_.clear_halt(BulkEndpoint::in);
      if (c.outcome == UsbOutcome::no_device)
        return Error(Errc::connection_lost, pipe_.describe() + ": clearing the bulk-in halt: " + outcome_text(c));
      if (c.outcome != UsbOutcome::ok) return recover(Errc::transport_error, "clearing the bulk-in halt before the CSW: " + outcome_text(c));
      continue;
    }
    if (r.outcome == UsbOutcome::ok && r.transferred == 0 && !empty_once) {
      // Some devices end a data phase with a spurious zero-length packet,
      // which arrives where the CSW is expected (Linux usb-storage reads
      // once more for the same reason).
      empty_once = true;
      continue;
    }
    switch (r.outcome) {
      case UsbOutcome::ok: break;
      case UsbOutcome::no_device:
        return Error(Errc::connection_lost, pipe_.describe() + ": reading the CSW: " + outcome_text(r));
      case UsbOutcome::timeout:
        return recover(Errc::timeout, "no CSW within " + std::to_string(timeout.count()) + " ms");
      case UsbOutcome::stall:
        return recover(Errc::transport_error, "bulk-in stalled twice where the CSW was expected");
      case UsbOutcome::overflow:
        return recover(Errc::transport_error, "device sent data where the CSW was expected");
      default:
        return recover(Errc::transport_error, "reading the CSW: " + outcome_text(r));
    }
    // BOT 6.3.1: a CSW is valid only at 13 bytes, with signature and tag.
    auto csw = parse_csw(std::span<const std::uint8_t>(buf.data(), r.transferred));
    if (!csw.ok()) return recover(Errc::transport_error, "invalid CSW: " + csw.error().message);
    if (csw->tag != tag)
      return recover(Errc::transport_error, "CSW tag " + std::to_string(csw->tag) + " does not match CBW tag " + std::to_string(tag));
    return std::move(csw).value();
  }
}

}  // namespace tg::usb
