#pragma once
// hal::ScsiTransport over iSCSI (libiscsi): one session per LUN, one
// command at a time. Owns the link-level recovery policy: after the
// connection drops (or a command times out and the session is closed) the
// failing command returns Errc::connection_lost/timeout and is never
// replayed; the next command logs in again (bounded attempts), absorbs the
// UNIT ATTENTION a new nexus reports, and take_position_lost() returns true
// once so the tape driver re-establishes its position before writing.
#include <chrono>
#include <memory>
#include <string>

#include "drivers/iscsi/iscsi_session.hpp"
#include "drivers/iscsi/iscsi_url.hpp"
#include "hal/clock.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::drivers::iscsi {

struct IscsiTransportOptions {
  SessionOptions session;
  // Logins tried by one command after the link was lost; the backoff
  // doubles from `reconnect_backoff` between attempts (1 s, 2 s, 4 s ...).
  int reconnect_attempts = 3;
  std::chrono::milliseconds reconnect_backoff{1'000};
  // UNIT ATTENTIONs absorbed after a login (SPC-4 6.47: every I_T nexus
  // loss / reset / medium change queues one; a device reporting more than
  // this is broken).
  int max_unit_attentions = 10;
  std::chrono::milliseconds probe_timeout{30'000};  // INQUIRY/TUR at login
  hal::Clock* clock = nullptr;  // for the backoff; nullptr = the steady clock
};

class IscsiTransport final : public hal::ScsiTransport {
 public:
  // Logs in to url's target and checks that url's LUN exists (INQUIRY
  // peripheral qualifier, REPORT LUNS): a wrong LUN is reported as such,
  // listing the LUNs the target has. Credentials: the URL's, else
  // options' fallback (board file / environment), filled in by the caller.
  static Result<std::unique_ptr<IscsiTransport>> open(const IscsiUrl& url, const IscsiTransportOptions& options);

  Result<hal::ScsiReply> execute(const hal::ScsiCommand& cmd) override;
  std::string describe() const override { return url_.describe(); }
  bool take_position_lost() override;

  // Peripheral device type from the INQUIRY done at open (0x01 tape, 0x08 changer).
  std::uint8_t peripheral_type() const { return peripheral_type_; }
  // VPD 0x80 serial read at open ("" when the device has none).
  const std::string& serial() const { return serial_; }
  const IscsiUrl& url() const { return url_; }
  bool connected() const { return session_ && session_->usable(); }
  // Closes the session now (tests; shutdown). The next command reconnects.
  void disconnect();

 private:
  IscsiTransport(IscsiUrl url, IscsiTransportOptions options)
      : url_(std::move(url)), options_(std::move(options)) {}
  Status login_and_settle();  // open session, check LUN, absorb UAs
  Status reconnect();         // bounded attempts with backoff

  IscsiUrl url_;
  IscsiTransportOptions options_;
  std::unique_ptr<IscsiSession> session_;
  hal::SteadyClock steady_;
  std::uint8_t peripheral_type_ = 0x1F;
  std::string serial_;           // VPD 0x80 at the first login
  bool identity_known_ = false;  // reconnects must find the same device
  bool position_lost_ = false;  // reported once by take_position_lost()
  // Until the driver has heard about the lost position (or repositioned),
  // commands that write at the current position are refused: a write
  // after an unnoticed reconnect would land at an unknown place on tape.
  bool write_guard_ = false;
};

// LUN presence from standard INQUIRY data (SPC-4 6.6.2): peripheral
// qualifier 011b = "not capable of supporting a device on this LUN".
bool inquiry_says_lun_absent(std::span<const std::uint8_t> inquiry);

}  // namespace tg::drivers::iscsi
