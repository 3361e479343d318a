#pragma once
// A caller with nobody at a terminal: the boot self-test, the web API.
// Nothing is asked (a destructive command needs --force), nothing streamed,
// nothing stops it but its own end.
#include <string>

#include "firmware/console/command_context.hpp"

namespace tg::firmware::console {

class Unattended final : public Interaction {
 public:
  bool interactive() const override { return false; }
  bool confirm(const std::string&) override { return false; }
  void stream(const std::string&, bool) override {}
  bool stop_requested() override { return false; }
};

}  // namespace tg::firmware::console
