#include "drivers/iscsi/iscsi_url.hpp"

#include <algorithm>
#include <cctype>

namespace tg::drivers::iscsi {
namespace {

constexpr std::string_view kScheme = "iscsi://";

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Dotted quad with each part 0..255 and no leading zeros beyond "0"
// (inet_aton would read "010" as octal: refuse the ambiguity).
bool is_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t pos = 0;
  while (true) {
    std::size_t dot = s.find('.', pos);
    std::string_view part = s.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (!all_digits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    if (std::stoi(std::string(part)) > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return parts == 4;
}

bool looks_numeric_host(std::string_view s) {
  for (char c : s) {
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// RFC 1123 host name: letters, digits, '-' and '.', labels not starting or
// ending with '-'.
bool is_hostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  char prev = '.';
  for (char c : s) {
    if (c == '.') {
      if (label == 0 || prev == '-') return false;
      label = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
      if (label == 0 && c == '-') return false;
      if (++label > 63) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return prev != '-' && prev != '.';
}

bool is_ipv6(std::string_view s) {
  if (s.size() < 2) return false;
  int colons = 0;
  for (char c : s) {
    if (c == ':') {
      ++colons;
    } else if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.') {
      return false;
    }
  }
  return colons >= 2;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// libiscsi URL-encodes target names with '%' ("iqn.x%3A1" = "iqn.x:1").
Result<std::string> percent_decode(std::string_view s, const char* what) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) {
      return Error(Errc::invalid_argument,
                   std::string("bad percent escape in ") + what + " (expected %XX with two hex digits)");
    }
    out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
    i += 2;
  }
  return out;
}

// iSCSI names (RFC 3720 3.2.6): iqn.yyyy-mm.reversed.domain[:id], eui.<16 hex>,
// naa.<16 or 32 hex>. Only the type prefix and the character set are checked:
// targets in the field use many spellings after the prefix.
Status check_target_name(const std::string& t) {
  auto lower = t;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!(lower.rfind("iqn.", 0) == 0 || lower.rfind("eui.", 0) == 0 || lower.rfind("naa.", 0) == 0)) {
    return Error(Errc::invalid_argument,
                 "target name '" + t + "' is not an iSCSI name (it must start with iqn., eui. or naa.)");
  }
  for (char c : t) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_')) {
      return Error(Errc::invalid_argument, "target name '" + t + "' contains '" + std::string(1, c) +
                                               "' (allowed: letters, digits, '.', '-', ':')");
    }
  }
  if (t.size() > 223) {
    return Error(Errc::invalid_argument, "target name is longer than 223 bytes (RFC 3720 3.2.6.1)");
  }
  return {};
}

constexpr std::string_view kSecretFileKey = "?secret-file=";
constexpr std::string_view kSecretEnvKey = "?secret-env=";

// Where a secret reference starts. Found by its key rather than at the
// first '?', because a CHAP password in the user part may hold a '?'. A
// password that holds a key itself is still followed by "@host", so the
// value found then holds a raw '@' and is refused without being echoed.
std::size_t find_secret_reference(std::string_view rest) {
  return std::min(rest.find(kSecretFileKey), rest.find(kSecretEnvKey));
}

bool is_env_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

// "?secret-file=PATH" or "?secret-env=NAME"; the value percent-decoded (a
// path with '&', '@' or '%' writes them as %26, %40, %25).
Result<SecretReference> parse_secret_reference(std::string_view query) {
  SecretReference ref;
  std::string_view value;
  if (query.substr(0, kSecretFileKey.size()) == kSecretFileKey) {
    value = query.substr(kSecretFileKey.size());
  } else {
    ref.kind = SecretReference::Kind::env;
    value = query.substr(kSecretEnvKey.size());
  }
  const char* key = ref.kind == SecretReference::Kind::file ? "secret-file" : "secret-env";
  if (value.find_first_of("&?") != std::string_view::npos) {
    return Error(Errc::invalid_argument, std::string("one parameter at most after '?' (") + key +
                                             "=...); write '&' or '?' in a value as %26 or %3F");
  }
  if (value.find('@') != std::string_view::npos) {
    return Error(Errc::invalid_argument, std::string("'@' in the ") + key + " value (write it as %40)");
  }
  ref.name = TG_TRY(percent_decode(value, key));
  if (ref.name.empty()) return Error(Errc::invalid_argument, std::string("empty ") + key + " value");
  if (ref.kind == SecretReference::Kind::file && ref.name.front() != '/') {
    return Error(Errc::invalid_argument, "secret-file '" + ref.name + "' is not an absolute path");
  }
  if (ref.kind == SecretReference::Kind::env && !is_env_name(ref.name)) {
    return Error(Errc::invalid_argument,
                 "secret-env '" + ref.name + "' is not a variable name (letters, digits and '_', not starting with a digit)");
  }
  return ref;
}

}  // namespace

std::string IscsiUrl::portal() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string IscsiUrl::describe() const {
  std::string s = "iscsi://" + portal();
  if (!target.empty()) {
    s += "/" + target;
    if (lun) s += "/" + std::to_string(*lun);
  }
  return s;
}

IscsiUrl IscsiUrl::with_lun(int l) const {
  IscsiUrl u = *this;
  u.lun = l;
  return u;
}

std::string redact_secret(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = std::string_view::npos;
    for (std::size_t j = i; j + kScheme.size() <= text.size(); ++j) {
      if (iequals_prefix(text.substr(j), kScheme)) {
        start = j;
        break;
      }
    }
    if (start == std::string_view::npos) break;
    const std::size_t body = start + kScheme.size();
    std::size_t end = text.find_first_of(" \t\r\n'\"", body);
    if (end == std::string_view::npos) end = text.size();
    std::string_view url = text.substr(body, end - body);
    out.append(text.substr(i, body - i));
    const std::size_t at = url.rfind('@');
    const std::size_t pct = at == std::string_view::npos ? std::string_view::npos : url.substr(0, at).find('%');
    if (pct == std::string_view::npos) {
      out.append(url);
    } else {
      out.append(url.substr(0, pct + 1));
      out.append("***");
      out.append(url.substr(at));
    }
    i = end;
  }
  out.append(text.substr(std::min(i, text.size())));
  return out;
}

Result<IscsiUrl> parse_iscsi_url(std::string_view text) {
  auto bad = [](std::string what) {
    return Error(Errc::invalid_argument, "bad iSCSI URL: " + std::move(what) +
                                             " (expected iscsi://[user[%password]@]host[:port]/target-iqn/lun)");
  };
  if (!iequals_prefix(text, kScheme)) {
    return bad("it does not start with iscsi://");
  }
  std::string_view rest = text.substr(kScheme.size());
  IscsiUrl url;
  if (const std::size_t q = find_secret_reference(rest); q != std::string_view::npos) {
    auto ref = parse_secret_reference(rest.substr(q));
    if (!ref) return bad(ref.error().message);
    url.secret = std::move(*ref);
    rest = rest.substr(0, q);
  }
  // Userinfo: everything up to the last '@' in the URL. iSCSI names cannot
  // contain '@', so a password holding '/', '@' or ':' still splits right
  // and no part of it can end up in an error message about the path.
  const std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const std::size_t pct = userinfo.find('%');
    url.credentials.user = std::string(userinfo.substr(0, pct));
    if (pct != std::string_view::npos) url.credentials.password = std::string(userinfo.substr(pct + 1));
    if (url.credentials.user.empty()) return bad("empty CHAP user name before '@'");
    if (pct != std::string_view::npos && url.credentials.password.empty()) {
      return bad("empty CHAP password after '%' (leave out '%' to take it from the environment)");
    }
  }
  if (url.secret) {
    const char* key = url.secret->kind == SecretReference::Kind::file ? "secret-file" : "secret-env";
    if (!url.credentials.password.empty())
      return bad(std::string("a CHAP password both in the URL and in ") + key + " (keep one: " + key + ")");
    if (url.credentials.user.empty())
      return bad(std::string(key) + " needs the CHAP user name: iscsi://USER@host/...?" + key + "=...");
  }
  if (rest.find('?') != std::string_view::npos) {
    return bad("unknown parameter after '?' (known: secret-file=PATH, secret-env=NAME)");
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);

  // Host and port; IPv6 literals in brackets (RFC 3986 3.2.2).
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("'[' of an IPv6 address is not closed");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("unexpected text after ']'");
      port_text = after.substr(1);
      has_port = true;
    }
    if (!is_ipv6(url.host)) return bad("'" + url.host + "' is not an IPv6 address");
  } else {
    const std::size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
    if (url.host.empty()) return bad("no host name");
    if (looks_numeric_host(url.host)) {
      if (!is_ipv4(url.host)) return bad("'" + url.host + "' is not an IPv4 address");
    } else if (!is_hostname(url.host)) {
      return bad("'" + url.host + "' is not a valid host name");
    }
  }
  if (has_port) {
    if (!all_digits(port_text) || port_text.size() > 5) {
      return bad("port '" + std::string(port_text) + "' is not a number");
    }
    const int p = std::stoi(std::string(port_text));
    if (p < 1 || p > 65535) return bad("port " + std::to_string(p) + " is outside 1..65535");
    url.port = static_cast<std::uint16_t>(p);
  }

  // Path: [target[/lun]]; a trailing '/' after the portal is tolerated.
  if (!path.empty()) {
    const std::size_t s2 = path.find('/');
    std::string_view target_text = path.substr(0, s2);
    if (target_text.empty()) return bad("empty target name");
    auto target = percent_decode(target_text, "the target name");
    if (!target) return bad(target.error().message);
    url.target = std::move(*target);
    if (auto st = check_target_name(url.target); !st) return bad(st.error().message);
    if (s2 != std::string_view::npos) {
      std::string_view lun_text = path.substr(s2 + 1);
      if (!lun_text.empty() && lun_text.back() == '/') lun_text.remove_suffix(1);
      if (lun_text.find('/') != std::string_view::npos) return bad("extra path after the LUN");
      if (!lun_text.empty()) {
        if (!all_digits(lun_text) || lun_text.size() > 5) {
          return bad("LUN '" + std::string(lun_text) + "' is not a number");
        }
        const int l = std::stoi(std::string(lun_text));
        if (l > kMaxLun) return bad("LUN " + std::to_string(l) + " is above " + std::to_string(kMaxLun));
        url.lun = l;
      }
    }
  }
  return url;
}

Status require_target(const IscsiUrl& url) {
  if (url.target.empty()) {
    return Error(Errc::invalid_argument,
                 url.describe() + ": no target name (write iscsi://host:port/iqn.…/lun)");
  }
  return {};
}

Status require_lun(const IscsiUrl& url) {
  TG_CHECK(require_target(url));
  if (!url.lun) {
    return Error(Errc::invalid_argument, url.describe() + ": no LUN (write " + url.describe() + "/LUN)");
  }
  return {};
}

IscsiCredentials credentials_from_env(EnvLookup lookup) {
  IscsiCredentials c;
  if (lookup == nullptr) return c;
  if (const char* u = lookup("TAPEGATE_ISCSI_USER")) c.user = u;
  if (const char* p = lookup("TAPEGATE_ISCSI_PASSWORD")) c.password = p;
  return c;
}

void fill_credentials(IscsiUrl& url, const IscsiCredentials& fallback) {
  if (url.credentials.user.empty()) {
    url.credentials = fallback;
  } else if (url.credentials.password.empty() && fallback.user == url.credentials.user) {
    url.credentials.password = fallback.password;
  } else if (url.credentials.password.empty() && fallback.user.empty()) {
    url.credentials.password = fallback.password;
  }
}

}  // namespace tg::drivers::iscsi
