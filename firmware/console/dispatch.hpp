#pragma once
// Runs one line or argv through the command table and renders the result.
#include <string>
#include <string_view>
#include <vector>

#include "firmware/console/command_context.hpp"
#include "hal/human_bytes.hpp"

namespace tg::firmware::console {

struct Outcome {
  int exit_status = kExitOk;
  std::string output;  // rendered reply or error, text or JSON, ends in '\n'
  bool is_error = false;  // output is an error message (stderr in the CLI)
  Errc code = Errc::internal;  // what failed, when is_error (the web API's HTTP status)
};

// Never throws and never lets a handler's failure escape: every failure is
// an Outcome with a non-zero status, so a service keeps serving.
Outcome execute_words(const CommandTable& table, Appliance& app, Interaction& io, const std::vector<std::string>& words,
                      bool json = false);
// Splits the line first (rejecting control bytes, bad UTF-8, over-long).
Outcome execute_line(const CommandTable& table, Appliance& app, Interaction& io, std::string_view line, bool json = false);

// "job 3 (erase drive0): 1.2 GiB of 4.0 GiB (30%), 120.5 MB/s, ETA 0:12:03, TP0001L9 in drive0"
std::string progress_line(const service::JobInfo& job);
using hal::human_bytes;  // hal/human_bytes.hpp: the one byte-count formatter

}  // namespace tg::firmware::console
