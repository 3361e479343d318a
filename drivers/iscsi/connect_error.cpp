#include "drivers/iscsi/connect_error.hpp"

#include "drivers/iscsi/iscsi_url.hpp"
#include "hal/hex.hpp"

#include <cerrno>
#include <cstdlib>

namespace tg::drivers::iscsi {
namespace {

// The number inside the last "(NNN)" after `marker`, if any.
std::optional<int> number_after(std::string_view text, std::string_view marker) {
  const std::size_t m = text.find(marker);
  if (m == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(m + marker.size());
  const std::size_t open = rest.find('(');
  if (open == std::string_view::npos) return std::nullopt;
  const std::size_t close = rest.find(')', open);
  if (close == std::string_view::npos || close == open + 1) return std::nullopt;
  int v = 0;
  for (char c : rest.substr(open + 1, close - open - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > 1'000'000) return std::nullopt;
  }
  return v;
}

}  // namespace

ConnectDiagnosis diagnose_connect_error(std::string_view text) {
  ConnectDiagnosis d;
  d.login_status = number_after(text, "Status:");
  // "socket error Connection refused(111) while connecting" /
  // "Connect failed with errno : Connection refused(111)"
  if (!d.login_status) {
    for (std::string_view marker : {"socket error", "errno :", "Connect failed"}) {
      if ((d.os_errno = number_after(text, marker))) break;
    }
  }
  if (d.login_status) {
    const int s = *d.login_status;
    if (s == 0x0201) d.kind = ConnectFailure::auth_failed;
    else if (s == 0x0202) d.kind = ConnectFailure::authorization;
    else if (s == 0x0203 || s == 0x0204) d.kind = ConnectFailure::target_not_found;
    else if ((s >> 8) == 3) d.kind = ConnectFailure::target_error;
  } else if (d.os_errno) {
    const int e = *d.os_errno;
    if (e == ECONNREFUSED) d.kind = ConnectFailure::refused;
    else if (e == EHOSTUNREACH || e == ENETUNREACH || e == EHOSTDOWN) d.kind = ConnectFailure::unreachable;
    else if (e == ETIMEDOUT) d.kind = ConnectFailure::timed_out;
  } else if (text.find("Connection refused") != std::string_view::npos) {
    d.kind = ConnectFailure::refused;
  }
  return d;
}

Error connect_error(const ConnectDiagnosis& d, const std::string& where, bool chap_used,
                    std::string_view libiscsi_text) {
  switch (d.kind) {
    case ConnectFailure::refused:
      return Error(Errc::transport_error,
                   where + ": connection refused: nothing is listening on that address and port "
                           "(is the target running, is the port right?)");
    case ConnectFailure::unreachable:
      return Error(Errc::transport_error, where + ": host unreachable (check the address and the network)");
    case ConnectFailure::timed_out:
      return Error(Errc::timeout, where + ": the portal did not answer in time");
    case ConnectFailure::target_not_found:
      return Error(Errc::not_found, where +
                                        ": target not found: the portal does not offer this target name "
                                        "(check the IQN; `tapegate discover iscsi://host:port` lists them)");
    case ConnectFailure::auth_failed:
      return Error(Errc::transport_error,
                   where + (chap_used ? ": authentication failed: the target rejected the CHAP user name or "
                                        "password"
                                      : ": authentication failed: the target requires CHAP; give user%password@ "
                                        "in the URL, TAPEGATE_ISCSI_USER/TAPEGATE_ISCSI_PASSWORD, or the "
                                        "board file"));
    case ConnectFailure::authorization:
      return Error(Errc::transport_error,
                   where + ": authorization failure: the target does not allow this initiator to log in");
    case ConnectFailure::target_error:
      return Error(Errc::transport_error, where + ": the target could not accept the login (status 0x" +
                                              hal::hex_value(static_cast<std::uint16_t>(d.login_status.value_or(0)), 4).substr(2) + ")");
    case ConnectFailure::other:
      break;
  }
  // libiscsi's own text may quote the URL it was given, password included.
  return Error(Errc::transport_error, where + ": connect/login failed: " + redact_secret(libiscsi_text));
}

}  // namespace tg::drivers::iscsi
