#pragma once
// Browser sessions of the web pages: a login (POST /api/v1/login) makes a
// random session token, kept in an HttpOnly SameSite=Strict cookie, and a
// second random token against cross-site request forgery that the page sends
// back in X-CSRF-Token with every request that changes something. Sessions
// live in memory only (a restart logs everyone out), end after 30 minutes
// without a request or 12 hours in all, and end at once when the users file
// changes (a user removed, a password or role changed).
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "firmware/access/role.hpp"
#include "hal/clock.hpp"

namespace tg::firmware::web {

inline constexpr std::chrono::minutes kSessionIdle{30};
inline constexpr std::chrono::hours kSessionLifetime{12};
inline constexpr std::size_t kMaxSessions = 1024;

struct Session {
  std::string token;  // the cookie's value
  std::string csrf;   // the X-CSRF-Token the page must send on POST
  std::string user;
  access::Role role = access::Role::viewer;
};

class SessionStore {
 public:
  explicit SessionStore(hal::Clock& clock) : clock_(clock) {}

  // A new session; nullopt when the system has no randomness to give.
  std::optional<Session> create(const std::string& user, access::Role role, const std::string& users_version);
  // The live session of `token` (its idle time restarts), or nullopt.
  std::optional<Session> find(const std::string& token, const std::string& users_version);
  void remove(const std::string& token);

 private:
  struct Entry {
    Session session;
    std::string users_version;
    hal::Nanos created{}, last_used{};
  };
  hal::Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Entry> sessions_;
};

// The value of cookie `name` in a Cookie header, or "".
std::string cookie_value(const std::string& header, const std::string& name);
// Constant-time comparison of two tokens.
bool same_token(const std::string& a, const std::string& b);

}  // namespace tg::firmware::web
