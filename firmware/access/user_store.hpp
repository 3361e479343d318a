#pragma once
// The users of the web interface and API: one text file in the state
// directory (STATE/users, mode 0600), one user per line:
//   NAME ROLE pbkdf2-sha256$ITERATIONS$SALT$HASH
// Written only as a whole (temporary file, fsync, rename) under an advisory
// lock (STATE/users.lock), so a `tapegate user add` run while the service
// reads the file or another `user` command runs never loses an entry.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/access/password_hash.hpp"
#include "firmware/access/role.hpp"
#include "hal/result.hpp"

namespace tg::firmware::access {

struct User {
  std::string name;
  Role role = Role::viewer;
  std::string password_hash;
};

// 1 to 32 characters of a-z, 0-9, '.', '_', '-', starting with a letter or
// digit: safe in a file, a URL, a log line and HTTP Basic (which forbids ':').
Status check_user_name(std::string_view name);

// The users file's text -> its users, sorted by name. Every line is checked
// (name, role, hash form, no name twice); errors name `file` and the line.
Result<std::vector<User>> parse_users_file(std::string_view text, const std::filesystem::path& file);

class UserStore {
 public:
  // iterations: the PBKDF2 work factor of passwords set from now on (tests
  // use the minimum; stored entries keep their own).
  explicit UserStore(std::filesystem::path file, std::uint32_t iterations = kDefaultPbkdf2Iterations);

  // Every user, sorted by name; none when the file does not exist yet.
  // A file others may read, or a line that does not parse, is an error
  // naming the file (and line): never a silently shorter list.
  Result<std::vector<User>> load() const;

  // Errc::invalid_argument for a bad name or weak password, Errc::busy
  // ("already exists") for a name in use.
  Status add(const std::string& name, Role role, std::string_view password);
  // Errc::not_found for an unknown user.
  Status set_password(const std::string& name, std::string_view password);
  Status remove(const std::string& name);

  // The role of `name` when `password` is theirs; nullopt for an unknown
  // user or a wrong password (the two are not told apart, and an unknown
  // user costs the same hashing time as a known one).
  Result<std::optional<Role>> authenticate(std::string_view name, std::string_view password) const;

  const std::filesystem::path& file() const { return file_; }

 private:
  template <typename Change>
  Status update(Change&& change);
  Status save(const std::vector<User>& users) const;

  std::filesystem::path file_;
  std::uint32_t iterations_;
};

}  // namespace tg::firmware::access
