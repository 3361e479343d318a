#pragma once
// What a handler sees: the appliance, the parsed request, and the way back
// to whoever typed the line (prompt, serial line, socket client, CLI).
#include <string>

#include "firmware/console/appliance.hpp"
#include "firmware/console/command_table.hpp"

namespace tg::firmware::console {

class Interaction {
 public:
  virtual ~Interaction() = default;
  // An operator at a prompt who can answer a question.
  virtual bool interactive() const = 0;
  // Asks and reads one answer; true only for "yes".
  virtual bool confirm(const std::string& question) = 0;
  // Live output before the reply: progress lines (to stderr for the CLI)
  // or followed log lines (stdout).
  virtual void stream(const std::string& text, bool progress) = 0;
  // The client left or pressed ctrl-C: streaming commands stop.
  virtual bool stop_requested() = 0;
};

struct CommandContext {
  Appliance& app;
  Interaction& io;
  const Request& req;
  const CommandTable& table;

  const std::vector<std::string>& args() const { return req.args.positional; }
  const std::string& arg(std::size_t i) const { return req.args.positional.at(i); }

  // The library, or Errc::unsupported when no board is open.
  Result<drivers::Library*> library() const;
  // Destructive step `what` ("erase the tape in drive0"): --force, or an
  // operator's "yes" at the prompt; otherwise an error saying so.
  Status confirm_destructive(const std::string& what);
  // Runs `body` as a job: in the service it returns at once with the job's
  // id; in the one-shot CLI it waits, streaming progress, and returns the
  // job's summary (ctrl-C cancels the job).
  Result<Reply> run_job(std::string name, std::string kind, service::JobBody body);
};

}  // namespace tg::firmware::console
