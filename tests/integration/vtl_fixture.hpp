#pragma once
// A tgt virtual library for one test: `tools/vtl up` in a fresh directory
// under the build tree, `tools/vtl down` (by pid) in the destructor, so a
// failing REQUIRE still stops tgtd. Leftovers from a process that died are
// swept by the ctest fixture (vtl_sweep.sh).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "drivers/iscsi/iscsi_transport.hpp"

namespace tg::test {

struct VtlOptions {
  int drives = 2;
  int slots = 6;
  int mailslots = 2;
  int cartridges = 4;
  int size_mb = 4;
  std::string barcode_prefix = "IT";
  std::string chap_user, chap_password;
  bool dvcid_serials = true;
};

class Vtl {
 public:
  // Starts the library; throws std::runtime_error (Catch reports it) when
  // tools/vtl fails, with its output.
  explicit Vtl(const VtlOptions& options = {});
  ~Vtl();
  Vtl(const Vtl&) = delete;
  Vtl& operator=(const Vtl&) = delete;

  const std::string& dir() const { return dir_; }
  std::string env(const std::string& key) const;
  int env_int(const std::string& key) const { return std::stoi(env(key)); }
  std::string portal() const { return env("VTL_PORTAL"); }    // iscsi://127.0.0.1:PORT
  std::string iqn() const { return env("VTL_IQN"); }
  std::string target_url() const { return env("VTL_URL"); }   // iscsi://127.0.0.1:PORT/IQN
  std::string lun_url(int lun) const { return target_url() + "/" + std::to_string(lun); }
  int changer_lun() const { return env_int("VTL_CHANGER_LUN"); }
  int port() const { return env_int("VTL_PORT"); }
  std::vector<std::string> barcodes() const;

  // kill -9 tgtd (the link drops mid-session) / start it again, same port.
  void crash();
  void restart();

  // Options for transports in tests: one quick reconnect attempt.
  static drivers::iscsi::IscsiTransportOptions transport_options();

 private:
  void run(const std::string& args);  // tools/vtl ARGS DIR, throws on failure
  void load_env();

  std::string dir_;
  std::map<std::string, std::string> env_;
  bool up_ = false;
};

// SIGSTOP a process of ours (the fixture's tgtd) for the scope; SIGCONT on
// exit, also when a REQUIRE fails, so `tools/vtl down` can still stop it.
class StoppedProcess {
 public:
  explicit StoppedProcess(int pid);
  ~StoppedProcess();
  StoppedProcess(const StoppedProcess&) = delete;
  StoppedProcess& operator=(const StoppedProcess&) = delete;

 private:
  int pid_;
};

// Opens a transport or fails the test with the error message.
std::unique_ptr<drivers::iscsi::IscsiTransport> open_lun(const Vtl& vtl, int lun);

// Moves the library's first cartridge into the drive at LUN 1's element
// (through a changer session of its own), or fails the test.
void load_first_cartridge(const Vtl& vtl);

}  // namespace tg::test

// REQUIRE that a Result/Status succeeded, printing its error if not.
#define TG_REQUIRE_OK(expr)                                                      \
  do {                                                                           \
    const auto& tg_req_ = (expr);                                                \
    INFO((tg_req_.ok() ? std::string("ok") : tg_req_.error().message));          \
    REQUIRE(tg_req_.ok());                                                       \
  } while (0)
