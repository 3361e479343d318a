#pragma once
// The web server's own certificate when the operator gives none for an
// address beyond loopback: made once, on the first start, into STATE/tls/
// (cert.pem, key.pem, mode 0600), then reused, so its fingerprint stays what
// the operator checked and pinned in their browser. An ECDSA P-256 key, a
// certificate for the served address (subjectAltName), valid ten years.
#include <filesystem>
#include <string>

#include "hal/result.hpp"

namespace tg::firmware::web {

struct TlsFiles {
  std::filesystem::path cert, key;
  bool created = false;  // made by this call (the boot report says so)
};

// `host`: the address being served (an IP literal or a name), written into
// the certificate. Errors name the file that could not be made or read.
Result<TlsFiles> ensure_self_signed(const std::filesystem::path& dir, const std::string& host);

}  // namespace tg::firmware::web
