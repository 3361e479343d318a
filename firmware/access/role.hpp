#pragma once
// What a user of the web interface and API may do. Roles are ordered: each
// may do everything the one before it may.
//   viewer   reads: status, inventory, jobs, catalog, log
//   operator also runs and cancels jobs and moves cartridges
//   admin    also erases, labels with --force, manages pools, keys and users
#include <optional>
#include <string_view>

#include "hal/result.hpp"

namespace tg::firmware::access {

enum class Role { viewer = 0, operator_ = 1, admin = 2 };

// "viewer" | "operator" | "admin"; anything else is invalid_argument naming
// the word and the three choices.
Result<Role> parse_role(std::string_view word);
std::string_view role_name(Role role);

// True when a user with role `have` may do what needs role `need`.
constexpr bool role_allows(Role have, Role need) { return static_cast<int>(have) >= static_cast<int>(need); }

}  // namespace tg::firmware::access
