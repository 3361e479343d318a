#pragma once
// One iSCSI session over libiscsi, driven by our own poll() loop so every
// command has its own deadline (libiscsi has no per-command timer of its
// own; its sync API would block without one). libiscsi's automatic
// reconnect is switched off: it would replay queued commands, and a
// replayed WRITE on tape writes a block twice. Recovery is the transport's
// decision (iscsi_transport.hpp), never this class's.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "drivers/iscsi/iscsi_url.hpp"
#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

struct iscsi_context;

namespace tg::drivers::iscsi {

enum class SessionKind { normal, discovery };

struct SessionOptions {
  // Our initiator name; targets may restrict logins by it.
  std::string initiator_iqn = "iqn.2026-11.org.tapegate:initiator";
  // CRC32C header digests (RFC 7143 11.1.4): costs CPU, catches corrupted
  // PDU headers on links that flip bits. Off by default, like most targets.
  bool header_digest = false;
  std::chrono::milliseconds login_timeout{15'000};
};

struct DiscoveredTarget {
  std::string name;                   // IQN
  std::vector<std::string> portals;   // "127.0.0.1:3260,1" as SendTargets reports them
};

class IscsiSession {
 public:
  // Connects to url.portal() and logs in: a normal session to url.target,
  // or a discovery session. Errors name the failure (connection refused,
  // target not found, authentication failed, timeout) and never carry the
  // CHAP password.
  static Result<std::unique_ptr<IscsiSession>> open(const IscsiUrl& url, SessionKind kind,
                                                    const SessionOptions& options);
  ~IscsiSession();
  IscsiSession(const IscsiSession&) = delete;
  IscsiSession& operator=(const IscsiSession&) = delete;

  // One command on `lun`. A reply for every status the device sent (CHECK
  // CONDITION with the raw sense bytes); an Error when the link failed:
  // Errc::timeout or Errc::connection_lost. After an Error the session is
  // closed (usable() is false): the command's fate on the device is unknown.
  Result<hal::ScsiReply> execute(int lun, const hal::ScsiCommand& cmd);

  // SendTargets=All on a discovery session (RFC 7143 12.3).
  Result<std::vector<DiscoveredTarget>> send_targets(std::chrono::milliseconds timeout);

  bool usable() const { return ctx_ != nullptr; }
  // True when the target closed or reset the connection while the session
  // was idle (a peek at the socket, nothing consumed). Lets the transport
  // log in again *before* sending a command, instead of losing one.
  bool peer_closed();
  const std::string& where() const { return where_; }

 private:
  struct Completion;
  IscsiSession(iscsi_context* ctx, std::string where) : ctx_(ctx), where_(std::move(where)) {}
  // Services the socket until `c` completes or `deadline` passes.
  Status wait(Completion& c, std::chrono::steady_clock::time_point deadline, const std::string& what);
  void close();  // tears the connection down; pending callbacks run now

  iscsi_context* ctx_ = nullptr;
  std::string where_;  // credential-free URL for messages
};

}  // namespace tg::drivers::iscsi

namespace tg::drivers::iscsi {

// One LUN of an open session, as a ScsiTransport: discovery probes every
// LUN of a target over one login. No recovery: an error closes the session.
class SessionLun final : public hal::ScsiTransport {
 public:
  SessionLun(IscsiSession& session, int lun) : session_(session), lun_(lun) {}
  Result<hal::ScsiReply> execute(const hal::ScsiCommand& cmd) override { return session_.execute(lun_, cmd); }
  std::string describe() const override { return session_.where() + "/" + std::to_string(lun_); }

 private:
  IscsiSession& session_;
  int lun_;
};

}  // namespace tg::drivers::iscsi
