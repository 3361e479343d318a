#pragma once
// The one command table: every way into the console (one-shot CLI, the
// interactive prompt, the serial line, the control socket) parses a line
// into a Request here and runs the same handler.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "firmware/access/role.hpp"
#include "firmware/console/reply.hpp"
#include "hal/result.hpp"

namespace tg::firmware::console {

struct CommandContext;
using Handler = std::function<Result<Reply>(CommandContext&)>;

struct OptionSpec {
  std::string name;          // without dashes: "follow"
  bool takes_value = false;  // --schedule VALUE
};

struct CommandSpec {
  std::string name;          // one or two words: "inventory", "drive info"
  std::string usage;         // "drive info <drive>"
  std::string summary;       // one line for `help`
  std::string help;          // details for `help <command>` (may be empty)
  Handler handler;
  bool destructive = false;  // asks at the prompt, needs --force elsewhere
  bool needs_library = true; // false: runs without opening a board
  bool simulated_only = false;  // listed in help only when the library is simulated (sim ...)
  std::size_t min_args = 0;
  std::size_t max_args = 0;  // positional words after the name
  std::vector<OptionSpec> options;
  // The least role that may run it through the web API (access/role.hpp);
  // admin unless a command says otherwise, so a new command is closed until
  // someone decides who may run it. --force on any command needs admin.
  access::Role role = access::Role::admin;
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // flags map to ""
  bool has(const std::string& name) const { return options.count(name) != 0; }
  const std::string* get(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? nullptr : &it->second;
  }
};

struct Request {
  const CommandSpec* spec = nullptr;
  ParsedArgs args;
  bool json = false;   // --json anywhere on the line
  bool force = false;  // --force anywhere on the line
};

class CommandTable {
 public:
  // Errc::invalid_argument on a duplicate or malformed name.
  Status add(CommandSpec spec);

  // Words -> request. Unknown commands, missing or extra arguments and
  // unknown options are Errc::invalid_argument with the usage in the text.
  // `help`/`--help` forms are rewritten to the help command.
  Result<Request> parse(const std::vector<std::string>& words) const;

  const CommandSpec* find(const std::string& name) const;
  std::vector<const CommandSpec*> all() const;  // sorted by name

  // simulated: the board has a simulated library, so its sim commands are listed.
  Reply help_overview(bool simulated = false) const;
  Result<Reply> help_for(const std::vector<std::string>& topic, bool simulated = false) const;

 private:
  std::vector<std::string> groups_matching(const std::string& first) const;
  std::map<std::string, CommandSpec> commands_;
};

// Exit status of a command: 0 success, 1 the command failed, 2 the line was
// not understood (usage error).
inline constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2;

}  // namespace tg::firmware::console
