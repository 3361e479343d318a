#pragma once
// iSCSI URLs as the operator writes them (the form libiscsi and its tools
// accept): iscsi://[user[%password]@]host[:port][/target-iqn[/lun]], and ours
// for a password kept outside the URL:
//   iscsi://user@host[:port][/target-iqn[/lun]]?secret-file=PATH
//   iscsi://user@host[:port][/target-iqn[/lun]]?secret-env=NAME
// Parsed and validated here, in one place, so every error names the part
// that was wrong; nothing below this ever sees a malformed address.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hal/result.hpp"

namespace tg::drivers::iscsi {

// IANA-assigned iSCSI port (RFC 7143 13.1).
inline constexpr std::uint16_t kDefaultPort = 3260;
// LUNs up to 16383 fit the flat/peripheral addressing tgt and libiscsi use
// (SAM-5 4.7.7); larger values are certainly a typo.
inline constexpr int kMaxLun = 16383;

// CHAP secrets. Never printed: describe() and every error omit them.
struct IscsiCredentials {
  std::string user;
  std::string password;
  bool empty() const { return user.empty() && password.empty(); }
};

// Where the CHAP password is kept when the URL names it instead of holding
// it (chap_secret.hpp reads it). Neither the path nor the variable's name is
// secret: both may be shown.
struct SecretReference {
  enum class Kind { file, env };
  Kind kind = Kind::file;
  std::string name;  // absolute path of the file / name of the variable
};

struct IscsiUrl {
  std::string host;                 // "127.0.0.1", "tape-lib.example", "::1" (no brackets)
  std::uint16_t port = kDefaultPort;
  std::string target;               // IQN/EUI/NAA name, percent-decoded; empty = portal only
  std::optional<int> lun;
  IscsiCredentials credentials;
  std::optional<SecretReference> secret;  // ?secret-file= / ?secret-env=

  // "127.0.0.1:3260" or "[::1]:3260", the form libiscsi connects to.
  std::string portal() const;
  // iscsi://host:port[/target[/lun]], never with credentials.
  std::string describe() const;
  // The same URL for another LUN of this target.
  IscsiUrl with_lun(int lun) const;
};

// Parses any of the three shapes (portal, target, target + LUN); callers
// check which parts they need with require_target()/require_lun().
Result<IscsiUrl> parse_iscsi_url(std::string_view text);
Status require_target(const IscsiUrl& url);  // "…: no target name (…/iqn.…)"
Status require_lun(const IscsiUrl& url);     // "…: no LUN (…/iqn.…/1)"

// `text` with the CHAP password of every iscsi:// URL in it replaced by
// "***" (iscsi://user%***@host/...): for anything that shows an operator's
// board spec or a URL (config show, the service banner, errors, argv). A URL
// ends at white space or a quote; its password runs from the first '%' of
// the user part to the URL's last '@', the split parse_iscsi_url makes.
std::string redact_secret(std::string_view text);

// Where CHAP credentials come from when the URL has none: the environment
// (TAPEGATE_ISCSI_USER / TAPEGATE_ISCSI_PASSWORD). `lookup` is getenv in
// production and a map in tests.
using EnvLookup = const char* (*)(const char*);
IscsiCredentials credentials_from_env(EnvLookup lookup);
// URL credentials win; else `fallback` (board file, environment) fills in.
void fill_credentials(IscsiUrl& url, const IscsiCredentials& fallback);

}  // namespace tg::drivers::iscsi
