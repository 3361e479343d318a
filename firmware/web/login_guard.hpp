#pragma once
// What stands between a password guesser and the users file: failed logins
// from one client address are slowed down (after kFreeFailures, that
// address is refused without a password check for a time that doubles with
// each further failure, up to kMaxLockout), and a user who just logged in is
// not made to pay the deliberately slow hash (PBKDF2, about 0.25 s) on every
// request of a page: a verified password is remembered for kRememberFor as a
// keyed hash, never as itself, and forgotten when the users file changes.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "firmware/access/role.hpp"
#include "hal/clock.hpp"

namespace tg::firmware::web {

inline constexpr int kFreeFailures = 5;
inline constexpr std::chrono::seconds kMaxLockout{300};
inline constexpr std::chrono::seconds kRememberFor{300};
inline constexpr std::chrono::minutes kFailureWindow{15};

class LoginGuard {
 public:
  explicit LoginGuard(hal::Clock& clock);

  // How long `client` must still wait before its next try; nullopt: go ahead.
  std::optional<std::chrono::seconds> locked_out(const std::string& client);
  void failed(const std::string& client);
  void succeeded(const std::string& client);

  // The role remembered for this user and password, when the users file is
  // still the one it was verified against (`users_version`: its size and
  // modification time, as the caller reads them).
  std::optional<access::Role> remembered(const std::string& user, const std::string& password,
                                         const std::string& users_version);
  void remember(const std::string& user, const std::string& password, access::Role role,
                const std::string& users_version);

 private:
  struct Failures {
    int count = 0;
    hal::Nanos last{};
    hal::Nanos until{};
  };
  struct Known {
    std::string key;  // keyed hash of the password
    access::Role role = access::Role::viewer;
    std::string users_version;
    hal::Nanos until{};
  };
  std::string keyed(const std::string& user, const std::string& password) const;

  hal::Clock& clock_;
  std::string secret_;  // random per process: the remembered hashes mean nothing elsewhere
  std::mutex mu_;
  std::map<std::string, Failures> failures_;
  std::map<std::string, Known> known_;
};

}  // namespace tg::firmware::web
