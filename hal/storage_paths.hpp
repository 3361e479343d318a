#pragma once
// Where the appliance keeps its state. Everything a board keeps lives under
// one state directory so an operator can back it up or wipe it as a unit.
#include <filesystem>

#include "hal/result.hpp"

namespace tg::hal {

struct StoragePaths {
  std::filesystem::path root;  // STATE/

  std::filesystem::path catalog() const { return root / "catalog.sqlite"; }
  std::filesystem::path board() const { return root / "board"; }   // simulated library
  std::filesystem::path jobs() const { return root / "jobs"; }     // saved job definitions
  std::filesystem::path log() const { return root / "log"; }       // event log
  std::filesystem::path run() const { return root / "run"; }       // sockets, pid files
  std::filesystem::path users() const { return root / "users"; }   // web/API users and their password hashes
  std::filesystem::path tls() const { return root / "tls"; }       // the web server's self-signed certificate and key

  // Creates the directories (mode 0700: cartridges and catalog are private).
  Status ensure() const;
};

// Creates `dir` and every missing parent with mode 0700, whatever the
// umask: a state directory, socket directory or log directory holds the
// catalog, cartridges and the control socket, none of which other users may
// read. Directories that exist are left as they are.
Status create_private_directories(const std::filesystem::path& dir);

// Default root when no --state is given and the board names none:
// $TAPEGATE_STATE, else $XDG_STATE_HOME/tapegate, else ~/.local/state/tapegate.
std::filesystem::path default_state_root();

}  // namespace tg::hal
