#include "firmware/access/role.hpp"

#include <string>

namespace tg::firmware::access {

Result<Role> parse_role(std::string_view word) {
  if (word == "viewer") return Role::viewer;
  if (word == "operator") return Role::operator_;
  if (word == "admin") return Role::admin;
  return Error(Errc::invalid_argument, "unknown role '" + std::string(word) + "' (roles: viewer, operator, admin)");
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::viewer: return "viewer";
    case Role::operator_: return "operator";
    case Role::admin: return "admin";
  }
  return "viewer";
}

}  // namespace tg::firmware::access
