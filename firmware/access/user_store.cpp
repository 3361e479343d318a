#include "firmware/access/user_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "hal/atomic_file.hpp"
#include "hal/storage_paths.hpp"
#include "hal/unique_fd.hpp"

namespace tg::firmware::access {
namespace {

// A users file is a few hundred bytes per user; anything near this is not ours.
constexpr off_t kMaxUsersFileBytes = 1 << 20;

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

Result<std::string> read_private_file(const std::filesystem::path& file) {
  const int raw = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (raw < 0) {
    if (errno == ENOENT) return Error(Errc::not_found, "users file " + file.string() + " does not exist");
    return Error(Errc::io_error, "users file " + file.string() + ": " + std::strerror(errno));
  }
  hal::UniqueFd fd(raw);
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) return Error(Errc::io_error, "users file " + file.string() + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Error(Errc::invalid_argument, "users file " + file.string() + " is not a regular file");
  if ((st.st_mode & 077) != 0)
    return Error(Errc::invalid_argument, "users file " + file.string() + " has mode " + octal_mode(st.st_mode) +
                                             ": group and others must have no access (chmod 600 " + file.string() + ")");
  if (st.st_size > kMaxUsersFileBytes)
    return Error(Errc::parse_error, "users file " + file.string() + " is larger than 1 MiB: not a Tapegate users file");
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error(Errc::io_error, "users file " + file.string() + ": " + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace

Status check_user_name(std::string_view name) {
  auto bad = [&](const std::string& why) {
    return Error(Errc::invalid_argument, "user name '" + std::string(name.substr(0, 64)) + "' " + why);
  };
  if (name.empty() || name.size() > 32) return bad("must be 1 to 32 characters long");
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return bad("may hold only a-z, 0-9, '.', '_' and '-'");
  if (name[0] == '.' || name[0] == '_' || name[0] == '-') return bad("must start with a letter or digit");
  return {};
}

Result<std::vector<User>> parse_users_file(std::string_view text, const std::filesystem::path& file) {
  std::vector<User> users;
  std::istringstream in{std::string(text)};
  std::string line;
  for (std::size_t no = 1; std::getline(in, line); ++no) {
    const std::string where = "users file " + file.string() + " line " + std::to_string(no) + ": ";
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (start <= line.size()) {
      const std::size_t end = std::min(line.find(' ', start), line.size());
      fields.push_back(line.substr(start, end - start));
      start = end + 1;
    }
    if (fields.size() != 3) return Error(Errc::parse_error, where + "expected NAME ROLE HASH separated by single spaces");
    if (auto s = check_user_name(fields[0]); !s) return Error(Errc::parse_error, where + s.error().message);
    auto role = parse_role(fields[1]);
    if (!role) return Error(Errc::parse_error, where + role.error().message);
    if (auto s = check_stored_hash(fields[2]); !s) return Error(Errc::parse_error, where + s.error().message);
    for (const auto& u : users)
      if (u.name == fields[0]) return Error(Errc::parse_error, where + "user '" + fields[0] + "' is listed twice");
    users.push_back(User{fields[0], *role, fields[2]});
  }
  std::sort(users.begin(), users.end(), [](const User& a, const User& b) { return a.name < b.name; });
  return users;
}

UserStore::UserStore(std::filesystem::path file, std::uint32_t iterations)
    : file_(std::move(file)), iterations_(iterations) {}

Result<std::vector<User>> UserStore::load() const {
  auto text = read_private_file(file_);
  if (!text && text.error().code == Errc::not_found) return std::vector<User>{};
  if (!text) return std::move(text).error();
  return parse_users_file(*text, file_);
}

Status UserStore::save(const std::vector<User>& users) const {
  std::string out = "# Tapegate users: NAME ROLE PASSWORD-HASH (change with 'tapegate user ...', never by hand)\n";
  for (const auto& u : users) out += u.name + " " + std::string(role_name(u.role)) + " " + u.password_hash + "\n";
  return hal::write_file_atomic(file_, out);
}

template <typename Change>
Status UserStore::update(Change&& change) {
  TG_CHECK(hal::create_private_directories(file_.parent_path()));
  const auto lock_path = std::filesystem::path(file_.string() + ".lock");
  const int raw = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (raw < 0) return Error(Errc::io_error, "cannot open " + lock_path.string() + ": " + std::strerror(errno));
  hal::UniqueFd lock(raw);
  while (::flock(lock.get(), LOCK_EX) != 0)
    if (errno != EINTR) return Error(Errc::io_error, "cannot lock " + lock_path.string() + ": " + std::strerror(errno));
  auto users = TG_TRY(load());
  TG_CHECK(change(users));
  std::sort(users.begin(), users.end(), [](const User& a, const User& b) { return a.name < b.name; });
  return save(users);  // the lock is released when `lock` closes
}

Status UserStore::add(const std::string& name, Role role, std::string_view password) {
  TG_CHECK(check_user_name(name));
  TG_CHECK(check_new_password(password));
  auto hash = TG_TRY(hash_password(password, iterations_));
  return update([&](std::vector<User>& users) -> Status {
    for (const auto& u : users)
      if (u.name == name) return Error(Errc::busy, "user '" + name + "' already exists (change the password with 'user passwd')");
    users.push_back(User{name, role, hash});
    return {};
  });
}

Status UserStore::set_password(const std::string& name, std::string_view password) {
  TG_CHECK(check_user_name(name));
  TG_CHECK(check_new_password(password));
  auto hash = TG_TRY(hash_password(password, iterations_));
  return update([&](std::vector<User>& users) -> Status {
    for (auto& u : users)
      if (u.name == name) {
        u.password_hash = hash;
        return {};
      }
    return Error(Errc::not_found, "no user '" + name + "'");
  });
}

Status UserStore::remove(const std::string& name) {
  TG_CHECK(check_user_name(name));
  return update([&](std::vector<User>& users) -> Status {
    auto it = std::find_if(users.begin(), users.end(), [&](const User& u) { return u.name == name; });
    if (it == users.end()) return Error(Errc::not_found, "no user '" + name + "'");
    users.erase(it);
    return {};
  });
}

Result<std::optional<Role>> UserStore::authenticate(std::string_view name, std::string_view password) const {
  auto users = TG_TRY(load());
  for (const auto& u : users)
    if (u.name == name) {
      const bool ok = TG_TRY(verify_password(password, u.password_hash));
      if (ok) return std::optional<Role>(u.role);
      return std::optional<Role>();
    }
  // Same work for an unknown name, so timing does not tell which names exist.
  const std::string dummy = "pbkdf2-sha256$" + std::to_string(iterations_) + "$" + std::string(32, '0') + "$" +
                            std::string(64, '0');
  (void)verify_password(password, dummy);
  return std::optional<Role>();
}

}  // namespace tg::firmware::access
