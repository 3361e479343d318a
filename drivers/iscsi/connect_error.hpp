#pragma once
// Turns what libiscsi reports about a failed connect/login into an Error
// the operator can act on. libiscsi only gives text: the errno of the TCP
// connect ("...Connection refused(111)...") and the iSCSI login status
// class/detail ("Failed to log in to target. Status: Target not found(515)",
// RFC 7143 11.13.5). Both numbers are read back out of that text.
#include <optional>
#include <string>
#include <string_view>

#include "hal/result.hpp"

namespace tg::drivers::iscsi {

enum class ConnectFailure {
  refused,          // nothing listening on the port
  unreachable,      // no route / host down
  timed_out,        // no answer in time
  target_not_found, // login status 0x0203 (or 0x0204 removed)
  auth_failed,      // login status 0x0201 (CHAP)
  authorization,    // login status 0x0202 (initiator not allowed)
  target_error,     // login status class 3
  other,
};

struct ConnectDiagnosis {
  ConnectFailure kind = ConnectFailure::other;
  std::optional<int> login_status;  // class << 8 | detail
  std::optional<int> os_errno;
};

ConnectDiagnosis diagnose_connect_error(std::string_view libiscsi_text);

// The Error for a failed connect to `where` (a credential-free URL).
// chap_used says whether credentials were offered (the hint differs).
// libiscsi's text is appended only when the kind is not recognised; it
// never contains the password (libiscsi does not print it).
Error connect_error(const ConnectDiagnosis& d, const std::string& where, bool chap_used,
                    std::string_view libiscsi_text);

}  // namespace tg::drivers::iscsi
