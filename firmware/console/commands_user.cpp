// user add|list|remove|passwd: the accounts of the web interface and API
// (firmware/access). Passwords come from a file (0600) so they are in no
// argv, shell history or log; the file holds only the password's hash.
#include "firmware/access/user_store.hpp"
#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "hal/secret_file.hpp"

namespace tg::firmware::console {
namespace {

access::UserStore user_store(const CommandContext& c) { return access::UserStore(c.app.paths.users()); }

Result<std::string> new_password(const CommandContext& c) {
  const auto* file = c.req.args.get("password-file");
  if (file == nullptr || file->empty())
    return Error(Errc::invalid_argument, "--password-file FILE is needed: a file of mode 0600 holding the password on one line");
  auto pw = TG_TRY(hal::read_secret_file(*file, "password file", 255));
  TG_CHECK(access::check_new_password(pw));
  return pw;
}

void log_change(const CommandContext& c, const std::string& what) {
  if (c.app.log) c.app.log->add(LogLevel::info, "console", what);
}

Result<Reply> user_add(CommandContext& c) {
  const auto* role_word = c.req.args.get("role");
  if (role_word == nullptr) return Error(Errc::invalid_argument, "--role viewer|operator|admin is needed");
  const auto role = TG_TRY(access::parse_role(*role_word));
  const auto pw = TG_TRY(new_password(c));
  TG_CHECK(user_store(c).add(c.arg(0), role, pw));
  log_change(c, "user '" + c.arg(0) + "' added with role " + std::string(access::role_name(role)));
  Reply r;
  r.field("user", c.arg(0)).field("role", std::string(access::role_name(role)));
  r.note("you may delete the password file now: the users file keeps only a salted hash");
  return r;
}

Result<Reply> user_passwd(CommandContext& c) {
  const auto pw = TG_TRY(new_password(c));
  TG_CHECK(user_store(c).set_password(c.arg(0), pw));
  log_change(c, "password of user '" + c.arg(0) + "' changed");
  Reply r;
  r.field("user", c.arg(0)).field("password", "changed");
  return r;
}

Result<Reply> user_remove(CommandContext& c) {
  TG_CHECK(access::check_user_name(c.arg(0)));
  TG_CHECK(c.confirm_destructive("remove user '" + c.arg(0) + "'"));
  TG_CHECK(user_store(c).remove(c.arg(0)));
  log_change(c, "user '" + c.arg(0) + "' removed");
  Reply r;
  r.field("user", c.arg(0)).field("removed", true);
  return r;
}

Result<Reply> user_list(CommandContext& c) {
  auto users = TG_TRY(user_store(c).load());
  Reply r;
  auto& t = r.table("users", "Users of the web interface and API", {"user", "role"});
  for (const auto& u : users) t.rows.push_back({u.name, std::string(access::role_name(u.role))});
  if (users.empty()) r.note("no users yet: add one with 'user add NAME --role admin --password-file FILE'");
  return r;
}

}  // namespace

Status register_user_commands(CommandTable& t) {
  const std::string roles =
      "Roles: viewer reads (status, inventory, jobs, catalog, log); operator also runs and cancels jobs and moves "
      "cartridges; admin also erases, labels with --force, manages pools, keys and users.";
  const std::string pwfile =
      " The password is the only line of FILE, a regular file that group and others cannot read (chmod 600); 8 to "
      "255 characters. Only a salted PBKDF2-SHA256 hash is kept, in STATE/users (mode 0600).";
  TG_CHECK(t.add({.name = "user add", .usage = "user add NAME --role viewer|operator|admin --password-file FILE",
                  .summary = "add a user of the web interface and API",
                  .help = "NAME: 1 to 32 characters of a-z, 0-9, '.', '_', '-'. " + roles + pwfile,
                  .handler = user_add, .needs_library = false, .min_args = 1, .max_args = 1,
                  .options = {{"role", true}, {"password-file", true}}, .role = access::Role::admin}));
  TG_CHECK(t.add({.name = "user passwd", .usage = "user passwd NAME --password-file FILE",
                  .summary = "set a user's password", .help = pwfile.substr(1),
                  .handler = user_passwd, .needs_library = false, .min_args = 1, .max_args = 1,
                  .options = {{"password-file", true}}, .role = access::Role::admin}));
  TG_CHECK(t.add({.name = "user remove", .usage = "user remove NAME [--force]", .summary = "remove a user",
                  .handler = user_remove, .destructive = true, .needs_library = false, .min_args = 1, .max_args = 1, .role = access::Role::admin}));
  TG_CHECK(t.add({.name = "user list", .usage = "user list", .summary = "users and their roles (never their passwords)",
                  .help = roles, .handler = user_list, .needs_library = false, .role = access::Role::admin}));
  return {};
}

}  // namespace tg::firmware::console
