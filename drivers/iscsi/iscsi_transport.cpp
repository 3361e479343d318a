#include "drivers/iscsi/iscsi_transport.hpp"

#include <algorithm>

#include "drivers/iscsi/lun_inventory.hpp"
#include "drivers/scsi/asc.hpp"
#include "drivers/scsi/cdb_spc.hpp"
#include "drivers/scsi/cdb_ssc.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "drivers/scsi/sense.hpp"

namespace tg::drivers::iscsi {
namespace {

// SSC-4 commands that put data or marks on tape at the current position.
bool writes_at_position(std::uint8_t opcode) {
  switch (opcode) {
    case scsi::op::write6:
    case scsi::op::write16:
    case scsi::op::write_filemarks6:
    case scsi::op::write_filemarks16:
    case scsi::op::erase6:
    case scsi::op::format_medium:
      return true;
    default:
      return false;
  }
}

// Commands after which the position is known again: absolute positioning,
// or SPACE to end of data (appending there is what a writer wants).
bool establishes_position(std::span<const std::uint8_t> cdb) {
  switch (cdb[0]) {
    case scsi::op::rewind:
    case scsi::op::locate10:
    case scsi::op::locate16:
    case scsi::op::load_unload:
      return true;
    case scsi::op::space6:
    case scsi::op::space16:
      return cdb.size() > 1 && (cdb[1] & 0x0F) == static_cast<std::uint8_t>(scsi::SpaceCode::end_of_data);
    default:
      return false;
  }
}

std::string list_text(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += (s.empty() ? "" : ", ") + std::to_string(x);
  return s.empty() ? "none" : s;
}

}  // namespace

bool inquiry_says_lun_absent(std::span<const std::uint8_t> inquiry) {
  return !inquiry.empty() && (inquiry[0] >> 5) == 3;
}

Result<std::unique_ptr<IscsiTransport>> IscsiTransport::open(const IscsiUrl& url, const IscsiTransportOptions& options) {
  TG_CHECK(require_lun(url));
  std::unique_ptr<IscsiTransport> t(new IscsiTransport(url, options));
  TG_CHECK(t->login_and_settle());
  return t;
}

Status IscsiTransport::login_and_settle() {
  session_.reset();
  auto session = TG_TRY(IscsiSession::open(url_, SessionKind::normal, options_.session));
  const int lun = *url_.lun;
  SessionLun view(*session, lun);

  // INQUIRY is answered even while a UNIT ATTENTION is pending (SPC-4
  // 5.14), so it tells whether the LUN exists before anything else.
  auto probe = probe_lun(view, lun, options_.probe_timeout);
  bool absent = false;
  if (!probe) {
    const Error& e = probe.error();
    // LOGICAL UNIT NOT SUPPORTED (25/xx)
    absent = e.sense_key == scsi::sense_key::illegal_request && e.asc == scsi::asc::logical_unit_not_supported.asc;
    if (!absent) return std::move(probe).error();
  } else {
    absent = probe->inquiry.qualifier == 3;
  }
  if (absent) {
    std::string have;
    if (session->usable()) {
      SessionLun lun0(*session, 0);
      if (auto luns = report_luns(lun0, options_.probe_timeout)) have = " (the target has LUNs " + list_text(*luns) + ")";
    }
    IscsiUrl target_only = url_;
    target_only.lun.reset();
    return Error(Errc::not_found, target_only.describe() + ": LUN " + std::to_string(lun) +
                                      " is not present on this target" + have);
  }
  // After a reconnect the LUN must still be the same device: a target
  // reconfigured meanwhile could put another drive behind this LUN, and
  // writing to it would put data on a cartridge nobody asked for.
  if (identity_known_ && (probe->serial != serial_ || probe->inquiry.device_type != peripheral_type_)) {
    return Error(Errc::not_found, url_.describe() + ": after logging in again the LUN is a different device (" +
                                      peripheral_type_name(probe->inquiry.device_type) + " serial '" + probe->serial +
                                      "', was " + peripheral_type_name(peripheral_type_) + " serial '" + serial_ +
                                      "'); refusing to use it");
  }
  peripheral_type_ = probe->inquiry.device_type;
  serial_ = probe->serial;
  identity_known_ = true;

  // The UNIT ATTENTIONs of the new nexus say nothing a freshly logged-in
  // transport does not already assume (the reconnect path reports the lost
  // position itself), so they are consumed here.
  TG_CHECK(absorb_unit_attentions(view, options_.max_unit_attentions, options_.probe_timeout));
  session_ = std::move(session);
  return {};
}

Status IscsiTransport::reconnect() {
  hal::Clock& clock = options_.clock ? *options_.clock : static_cast<hal::Clock&>(steady_);
  Error last(Errc::connection_lost, "no attempt made");
  const int attempts = std::max(1, options_.reconnect_attempts);
  auto backoff = options_.reconnect_backoff;
  for (int a = 0; a < attempts; ++a) {
    if (a > 0) {
      clock.sleep_for(backoff);
      backoff *= 2;
    }
    auto st = login_and_settle();
    if (st) {
      position_lost_ = true;
      write_guard_ = peripheral_type_ == peripheral::tape;
      return {};
    }
    last = std::move(st).error();
    // Retrying cannot fix a wrong name, LUN or password.
    if (last.code == Errc::not_found || last.code == Errc::invalid_argument ||
        last.message.find("authentication failed") != std::string::npos) {
      break;
    }
  }
  return Error(Errc::connection_lost,
               url_.describe() + ": the connection was lost and logging in again failed (" + std::to_string(attempts) +
                   " attempt" + (attempts == 1 ? "" : "s") + " at most)" +
                   (peripheral_type_ == peripheral::tape ? "; the tape position is no longer known" : "") + ": " +
                   last.message);
}

Result<hal::ScsiReply> IscsiTransport::execute(const hal::ScsiCommand& cmd) {
  if (cmd.cdb.empty()) return Error(Errc::invalid_argument, url_.describe() + ": empty CDB");
  if (connected() && session_->peer_closed()) {
    // The target dropped the idle connection (restart, crash, network):
    // nothing was lost yet, but the drive may have been reset meanwhile.
    session_.reset();
    position_lost_ = true;
    write_guard_ = peripheral_type_ == peripheral::tape;
  }
  if (!connected()) TG_CHECK(reconnect());
  if (write_guard_ && writes_at_position(cmd.cdb[0])) {
    return Error(Errc::position_lost,
                 url_.describe() + ": the connection was re-established and the tape position is no longer "
                                   "known; refusing to write blindly (rewind or locate first)");
  }
  auto r = session_->execute(*url_.lun, cmd);
  if (!r) {
    session_.reset();
    position_lost_ = true;
    write_guard_ = peripheral_type_ == peripheral::tape;
    Error e = std::move(r).error();
    if (e.code == Errc::connection_lost || e.code == Errc::timeout || e.code == Errc::transport_error) {
      e.message += "; the command may or may not have been carried out";
      if (peripheral_type_ == peripheral::tape) e.message += " and the tape position is no longer known";
      e.message += " (the next command logs in again)";
    }
    return e;
  }
  if (write_guard_ && r->good() && establishes_position(cmd.cdb)) write_guard_ = false;
  return r;
}

bool IscsiTransport::take_position_lost() {
  const bool lost = position_lost_;
  position_lost_ = false;
  write_guard_ = false;  // the driver now knows
  return lost;
}

void IscsiTransport::disconnect() { session_.reset(); }

}  // namespace tg::drivers::iscsi
