// STATE/users is written only by `tapegate user ...`, but it is a file on
// disk that anyone with root can edit or damage, and the service reads it on
// every login. Whatever it holds, parsing ends with users whose names and
// hashes pass the same checks `user add` applies, or an error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "firmware/access/user_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace a = tg::firmware::access;
  auto users = a::parse_users_file(std::string_view(reinterpret_cast<const char*>(data), size), "users");
  if (!users.ok()) {
    if (users.error().message.find("users file users line ") != 0) __builtin_trap();
    return 0;
  }
  for (std::size_t i = 0; i < users->size(); ++i) {
    const auto& u = (*users)[i];
    if (!a::check_user_name(u.name).ok() || !a::check_stored_hash(u.password_hash).ok()) __builtin_trap();
    if (i > 0 && !((*users)[i - 1].name < u.name)) __builtin_trap();  // sorted, no name twice
  }
  return 0;
}
