#include "drivers/iscsi/chap_secret.hpp"

#include "hal/secret_file.hpp"

namespace tg::drivers::iscsi {

Result<std::string> read_secret_file(const std::filesystem::path& file) {
  return hal::read_secret_file(file, "CHAP secret file", kMaxSecretBytes);
}

Status resolve_secret(IscsiUrl& url, EnvLookup lookup) {
  if (!url.secret) return {};
  if (url.secret->kind == SecretReference::Kind::file) {
    url.credentials.password = TG_TRY(read_secret_file(url.secret->name));
    return {};
  }
  const char* value = lookup ? lookup(url.secret->name.c_str()) : nullptr;
  if (value == nullptr || *value == '\0')
    return Error(Errc::invalid_argument, "secret-env " + url.secret->name + ": the variable is " +
                                             (value == nullptr ? "not set" : "empty"));
  url.credentials.password = value;
  return {};
}

}  // namespace tg::drivers::iscsi
