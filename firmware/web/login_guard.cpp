#include "firmware/web/login_guard.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>

#include "firmware/format/sha256.hpp"

namespace tg::firmware::web {

LoginGuard::LoginGuard(hal::Clock& clock) : clock_(clock) {
  unsigned char key[32];
  // Without randomness a remembered hash could be precomputed; refuse to
  // remember anything then (every request pays the full hash instead).
  if (RAND_bytes(key, sizeof key) == 1) secret_.assign(reinterpret_cast<const char*>(key), sizeof key);
}

std::optional<std::chrono::seconds> LoginGuard::locked_out(const std::string& client) {
  std::lock_guard lk(mu_);
  auto it = failures_.find(client);
  if (it == failures_.end()) return std::nullopt;
  const auto now = clock_.now();
  if (now - it->second.last > kFailureWindow) {
    failures_.erase(it);
    return std::nullopt;
  }
  if (now >= it->second.until) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(it->second.until - now);
}

void LoginGuard::failed(const std::string& client) {
  std::lock_guard lk(mu_);
  // Bounded: a flood of addresses forgets the oldest first (by last try).
  if (failures_.size() >= 4096 && !failures_.count(client)) {
    auto oldest = std::min_element(failures_.begin(), failures_.end(),
                                   [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
    failures_.erase(oldest);
  }
  auto& f = failures_[client];
  const auto now = clock_.now();
  if (f.count > 0 && now - f.last > kFailureWindow) f = {};
  ++f.count;
  f.last = now;
  if (f.count >= kFreeFailures) {
    const int doublings = std::min(f.count - kFreeFailures, 9);  // 1 s .. 512 s, capped below
    const auto wait = std::min<std::chrono::seconds>(std::chrono::seconds(1LL << doublings), kMaxLockout);
    f.until = now + wait;
  }
}

void LoginGuard::succeeded(const std::string& client) {
  std::lock_guard lk(mu_);
  failures_.erase(client);
}

std::string LoginGuard::keyed(const std::string& user, const std::string& password) const {
  std::string material;
  material.reserve(secret_.size() + user.size() + password.size() + 2);
  material += secret_;
  material += user;
  material += '\0';
  material += password;
  std::string h = format::sha256_hex(material);
  OPENSSL_cleanse(material.data(), material.size());
  return h;
}

std::optional<access::Role> LoginGuard::remembered(const std::string& user, const std::string& password,
                                                   const std::string& users_version) {
  if (secret_.empty()) return std::nullopt;
  const std::string k = keyed(user, password);
  std::lock_guard lk(mu_);
  auto it = known_.find(user);
  if (it == known_.end()) return std::nullopt;
  const Known& e = it->second;
  if (clock_.now() >= e.until || e.users_version != users_version || e.key.size() != k.size() ||
      CRYPTO_memcmp(e.key.data(), k.data(), k.size()) != 0)
    return std::nullopt;
  return e.role;
}

void LoginGuard::remember(const std::string& user, const std::string& password, access::Role role,
                          const std::string& users_version) {
  if (secret_.empty()) return;
  const std::string k = keyed(user, password);
  std::lock_guard lk(mu_);
  if (known_.size() >= 1024 && !known_.count(user)) known_.clear();  // users are few; a flood is not
  known_[user] = Known{k, role, users_version, clock_.now() + kRememberFor};
}

}  // namespace tg::firmware::web
