#include "drivers/iscsi/iscsi_session.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "drivers/iscsi/connect_error.hpp"
#include "drivers/iscsi/raw_sense.hpp"
#include "hal/hex.hpp"

namespace tg::drivers::iscsi {
namespace {

using Clock = std::chrono::steady_clock;

std::string hex2(unsigned v) { return hal::hex_value(v & 0xFF, 2, true); }

std::string seconds_text(std::chrono::milliseconds ms) {
  const auto s = ms.count() / 1000, tenths = (ms.count() % 1000) / 100;
  return std::to_string(s) + (tenths ? "." + std::to_string(tenths) : "") + " s";
}

std::string libiscsi_error(iscsi_context* ctx) {
  const char* e = ctx ? iscsi_get_error(ctx) : nullptr;
  std::string s = e ? e : "unknown libiscsi error";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Owns a scsi_task (libiscsi allocates one per command; it is freed after
// the callback has run or the context has been torn down).
struct TaskDeleter {
  void operator()(scsi_task* t) const { scsi_free_scsi_task(t); }
};
using TaskPtr = std::unique_ptr<scsi_task, TaskDeleter>;

}  // namespace

struct IscsiSession::Completion {
  bool done = false;
  int status = 0;
  void* data = nullptr;
  std::string error_text;  // libiscsi's text at completion (later calls overwrite it)
  std::vector<DiscoveredTarget>* targets = nullptr;  // discovery: copied in the callback

  static void on_done(iscsi_context* ctx, int status, void* command_data, void* private_data) {
    auto* c = static_cast<Completion*>(private_data);
    c->done = true;
    c->status = status;
    c->data = command_data;
    if (status != SCSI_STATUS_GOOD) c->error_text = libiscsi_error(ctx);
    // SendTargets data is freed by libiscsi right after this callback.
    if (c->targets != nullptr && status == SCSI_STATUS_GOOD) {
      for (auto* a = static_cast<iscsi_discovery_address*>(command_data); a != nullptr; a = a->next) {
        DiscoveredTarget t;
        t.name = a->target_name ? a->target_name : "";
        for (auto* p = a->portals; p != nullptr; p = p->next) {
          if (p->portal) t.portals.emplace_back(p->portal);
        }
        c->targets->push_back(std::move(t));
      }
      c->data = nullptr;
    }
  }
};

Result<std::unique_ptr<IscsiSession>> IscsiSession::open(const IscsiUrl& url, SessionKind kind,
                                                         const SessionOptions& options) {
  IscsiUrl shown = url;
  shown.lun.reset();
  const std::string where = shown.describe();
  if (kind == SessionKind::normal) TG_CHECK(require_target(url));

  iscsi_context* ctx = iscsi_create_context(options.initiator_iqn.c_str());
  if (ctx == nullptr) return Error(Errc::internal, where + ": cannot create an iSCSI context");
  std::unique_ptr<IscsiSession> session(new IscsiSession(ctx, where));

  auto setup_failed = [&](const char* what) {
    return Error(Errc::invalid_argument, where + ": " + what + ": " + libiscsi_error(ctx));
  };
  // No automatic reconnect: libiscsi would re-send queued commands after
  // logging in again, and tape commands are not idempotent.
  iscsi_set_noautoreconnect(ctx, 1);
  iscsi_set_reconnect_max_retries(ctx, 0);
  if (iscsi_set_session_type(ctx, kind == SessionKind::normal ? ISCSI_SESSION_NORMAL
                                                              : ISCSI_SESSION_DISCOVERY) != 0) {
    return setup_failed("cannot set the session type");
  }
  if (kind == SessionKind::normal && iscsi_set_targetname(ctx, url.target.c_str()) != 0) {
    return setup_failed("cannot set the target name");
  }
  if (iscsi_set_header_digest(ctx, options.header_digest ? ISCSI_HEADER_DIGEST_CRC32C
                                                         : ISCSI_HEADER_DIGEST_NONE) != 0) {
    return setup_failed("cannot set the header digest");
  }
  const bool chap = !url.credentials.user.empty();
  if (chap && iscsi_set_initiator_username_pwd(ctx, url.credentials.user.c_str(),
                                               url.credentials.password.c_str()) != 0) {
    // libiscsi's text here names no secret.
    return setup_failed("cannot set the CHAP credentials");
  }

  Completion c;
  const std::string portal = url.portal();
  // LUN -1: log in only; the transport checks the LUN itself so that a
  // wrong LUN gets its own error instead of a generic login failure.
  if (iscsi_full_connect_async(ctx, portal.c_str(), -1, &Completion::on_done, &c) != 0) {
    const std::string text = libiscsi_error(ctx);
    session->close();
    return connect_error(diagnose_connect_error(text), where, chap, text);
  }
  if (auto st = session->wait(c, Clock::now() + options.login_timeout, "login"); !st) {
    if (st.error().code == Errc::timeout) {
      return Error(Errc::timeout, where + ": no login response within " + seconds_text(options.login_timeout) +
                                      " (is the address right? is a firewall dropping packets?)");
    }
    // The socket failed before the login completed.
    const std::string text = st.error().message;
    return connect_error(diagnose_connect_error(text), where, chap, text);
  }
  if (c.status != SCSI_STATUS_GOOD) {
    const std::string text = c.error_text;
    session->close();
    return connect_error(diagnose_connect_error(text), where, chap, text);
  }
  return session;
}

IscsiSession::~IscsiSession() { close(); }

void IscsiSession::close() {
  if (ctx_ == nullptr) return;
  iscsi_context* ctx = ctx_;
  ctx_ = nullptr;
  // Cancels in-flight PDUs: their callbacks run now, while the caller's
  // Completion still exists (close() is only called from inside a wait
  // or when nothing is in flight).
  iscsi_destroy_context(ctx);
}

Status IscsiSession::wait(Completion& c, Clock::time_point deadline, const std::string& what) {
  while (!c.done) {
    if (ctx_ == nullptr) return Error(Errc::connection_lost, where_ + ": session closed during " + what);
    const auto now = Clock::now();
    if (now >= deadline) {
      close();
      return Error(Errc::timeout, where_ + ": " + what + " timed out");
    }
    const int fd = iscsi_get_fd(ctx_);
    const int events = iscsi_which_events(ctx_);
    if (fd < 0) {
      const std::string text = libiscsi_error(ctx_);
      close();
      if (c.done) break;
      return Error(Errc::connection_lost, where_ + ": connection closed during " + what + " (" + text + ")");
    }
    // Wake at least once a second: libiscsi does its own timer work in
    // iscsi_service(), and the deadline is checked here.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    pollfd p{fd, static_cast<short>(events), 0};
    const int r = poll(&p, 1, static_cast<int>(std::clamp<long long>(left, 1, 1000)));
    if (r < 0) {
      if (errno == EINTR) continue;
      const std::string err = std::strerror(errno);
      close();
      return Error(Errc::transport_error, where_ + ": poll failed: " + err);
    }
    if (iscsi_service(ctx_, r > 0 ? p.revents : 0) < 0) {
      const std::string text = libiscsi_error(ctx_);
      close();
      if (c.done) break;
      return Error(Errc::connection_lost, where_ + ": " + text);
    }
  }
  return {};
}

bool IscsiSession::peer_closed() {
  if (ctx_ == nullptr) return true;
  const int fd = iscsi_get_fd(ctx_);
  if (fd < 0) return true;
  for (int i = 0; i < 8; ++i) {
    char byte;
    const ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return true;  // orderly shutdown by the target
    if (n < 0) return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    // Unsolicited PDUs (NOP-In, async messages) wait in the socket: let
    // libiscsi consume them, then look again.
    if (iscsi_service(ctx_, POLLIN) < 0 || iscsi_get_fd(ctx_) < 0) return true;
  }
  return false;
}

Result<hal::ScsiReply> IscsiSession::execute(int lun, const hal::ScsiCommand& cmd) {
  const std::string what = "SCSI command " + (cmd.cdb.empty() ? std::string("?") : hex2(cmd.cdb[0])) +
                           " on LUN " + std::to_string(lun);
  if (ctx_ == nullptr) return Error(Errc::connection_lost, where_ + ": not connected (" + what + ")");
  if (cmd.cdb.empty() || cmd.cdb.size() > 16) {
    return Error(Errc::invalid_argument, where_ + ": CDB of " + std::to_string(cmd.cdb.size()) +
                                             " bytes (iSCSI carries 1..16 without AHS)");
  }
  int xfer = SCSI_XFER_NONE;
  std::size_t expected = 0;
  if (cmd.direction == hal::DataDirection::from_device) {
    xfer = SCSI_XFER_READ;
    expected = cmd.data_in.size();
  } else if (cmd.direction == hal::DataDirection::to_device) {
    xfer = SCSI_XFER_WRITE;
    expected = cmd.data_out.size();
  }
  if (expected > 0x7FFFFFFF) return Error(Errc::invalid_argument, where_ + ": transfer too large");

  std::array<unsigned char, 16> cdb{};
  std::copy(cmd.cdb.begin(), cmd.cdb.end(), cdb.begin());
  TaskPtr task(scsi_create_task(static_cast<int>(cmd.cdb.size()), cdb.data(), xfer, static_cast<int>(expected)));
  if (!task) return Error(Errc::internal, where_ + ": out of memory creating a SCSI task");
  // Data-in lands directly in the caller's buffer. It must: on CHECK
  // CONDITION libiscsi replaces task->datain with the sense segment, and a
  // short tape block read with ILI still carries data the caller needs.
  if (xfer == SCSI_XFER_READ && expected > 0 &&
      scsi_task_add_data_in_buffer(task.get(), static_cast<int>(expected), cmd.data_in.data()) != 0) {
    return Error(Errc::internal, where_ + ": out of memory registering the data-in buffer");
  }
  iscsi_data out{expected, const_cast<unsigned char*>(cmd.data_out.data())};

  Completion c;
  if (iscsi_scsi_command_async(ctx_, lun, task.get(), &Completion::on_done, xfer == SCSI_XFER_WRITE ? &out : nullptr,
                               &c) != 0) {
    const std::string text = libiscsi_error(ctx_);
    close();
    return Error(Errc::connection_lost, where_ + ": cannot queue " + what + ": " + text);
  }
  if (auto st = wait(c, Clock::now() + cmd.timeout, what); !st) {
    if (st.error().code == Errc::timeout) {
      return Error(Errc::timeout, where_ + ": " + what + " did not complete within " + seconds_text(cmd.timeout) +
                                      "; the session was closed");
    }
    return std::move(st).error();
  }

  switch (c.status) {
    case SCSI_STATUS_CANCELLED:
      // libiscsi cancels in-flight commands when the socket fails.
      close();
      return Error(Errc::connection_lost, where_ + ": connection lost during " + what);
    case SCSI_STATUS_TIMEOUT:
      close();
      return Error(Errc::timeout, where_ + ": " + what + " timed out");
    case SCSI_STATUS_ERROR:
      // A protocol-level failure: the session state is unknown.
      close();
      return Error(Errc::transport_error, where_ + ": " + what + " failed: " + c.error_text);
    default:
      break;
  }
  hal::ScsiReply reply;
  if (c.status < 0 || c.status > 0xFF) {
    close();
    return Error(Errc::transport_error, where_ + ": " + what + ": unexpected completion status " +
                                            std::to_string(c.status));
  }
  reply.status = static_cast<std::uint8_t>(c.status);
  if (c.status == SCSI_STATUS_CHECK_CONDITION) {
    const std::span<const std::uint8_t> segment(task->datain.data, task->datain.data ? task->datain.size : 0);
    auto sense = sense_from_response_segment(segment);
    if (!sense) return Error(Errc::transport_error, where_ + ": " + what + ": " + sense.error().message);
    reply.sense_length = std::min(sense->size(), reply.sense.size());
    std::copy_n(sense->begin(), reply.sense_length, reply.sense.begin());
  }
  std::size_t residual = 0;
  if (task->residual_status == SCSI_RESIDUAL_UNDERFLOW) {
    residual = std::min<std::size_t>(task->residual, expected);
  }
  reply.residual = residual;
  reply.transferred = expected - residual;
  return reply;
}

Result<std::vector<DiscoveredTarget>> IscsiSession::send_targets(std::chrono::milliseconds timeout) {
  if (ctx_ == nullptr) return Error(Errc::connection_lost, where_ + ": not connected");
  std::vector<DiscoveredTarget> targets;
  Completion c;
  c.targets = &targets;
  if (iscsi_discovery_async(ctx_, &Completion::on_done, &c) != 0) {
    return Error(Errc::transport_error, where_ + ": cannot send SendTargets: " + libiscsi_error(ctx_));
  }
  TG_CHECK(wait(c, Clock::now() + timeout, "SendTargets"));
  if (c.status != SCSI_STATUS_GOOD) {
    return Error(Errc::transport_error, where_ + ": SendTargets failed: " + c.error_text);
  }
  return targets;
}

}  // namespace tg::drivers::iscsi
