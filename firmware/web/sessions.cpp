#include "firmware/web/sessions.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>

#include "hal/hex.hpp"

namespace tg::firmware::web {
namespace {

std::optional<std::string> random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return std::nullopt;
  return hal::hex_bytes(std::span<const std::uint8_t>(bytes, sizeof bytes));
}

}  // namespace

std::optional<Session> SessionStore::create(const std::string& user, access::Role role, const std::string& users_version) {
  auto token = random_token();
  auto csrf = random_token();
  if (!token || !csrf) return std::nullopt;
  const auto now = clock_.now();
  std::lock_guard lk(mu_);
  // Full: the session used longest ago makes room (an attacker with a
  // password could otherwise fill the table and lock the others out).
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(),
                                   [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
    sessions_.erase(oldest);
  }
  Session s{*token, *csrf, user, role};
  sessions_[*token] = Entry{s, users_version, now, now};
  return s;
}

std::optional<Session> SessionStore::find(const std::string& token, const std::string& users_version) {
  if (token.empty()) return std::nullopt;
  const auto now = clock_.now();
  std::lock_guard lk(mu_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  Entry& e = it->second;
  if (now - e.last_used >= kSessionIdle || now - e.created >= kSessionLifetime || e.users_version != users_version) {
    sessions_.erase(it);
    return std::nullopt;
  }
  e.last_used = now;
  return e.session;
}

void SessionStore::remove(const std::string& token) {
  std::lock_guard lk(mu_);
  sessions_.erase(token);
}

std::string cookie_value(const std::string& header, const std::string& name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::size_t a = pos;
    while (a < end && header[a] == ' ') ++a;
    const std::size_t eq = header.find('=', a);
    if (eq != std::string::npos && eq < end && header.compare(a, eq - a, name) == 0 && eq - a == name.size())
      return header.substr(eq + 1, end - eq - 1);
    pos = end + 1;
  }
  return {};
}

bool same_token(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tg::firmware::web
