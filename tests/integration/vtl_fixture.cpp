#include "vtl_fixture.hpp"

#include "drivers/media_changer.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tg::test {
namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Vtl::Vtl(const VtlOptions& o) {
  std::filesystem::create_directories(TG_VTL_WORK);
  std::string tmpl = std::string(TG_VTL_WORK) + "/vtl-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed under " TG_VTL_WORK);
  dir_ = tmpl;
  std::string args = "up --drives " + std::to_string(o.drives) + " --slots " + std::to_string(o.slots) +
                     " --mailslots " + std::to_string(o.mailslots) + " --cartridges " + std::to_string(o.cartridges) +
                     " --size-mb " + std::to_string(o.size_mb) + " --barcode-prefix " + o.barcode_prefix;
  if (!o.chap_user.empty()) {
    args += " --chap-user " + shell_quote(o.chap_user) + " --chap-password " + shell_quote(o.chap_password);
  }
  if (!o.dvcid_serials) args += " --no-dvcid-serials";
  run(args);
  up_ = true;
  load_env();
}

Vtl::~Vtl() {
  if (dir_.empty()) return;
  // Stop by pid through tools/vtl; keep the directory if that failed so the
  // sweep can try again.
  const std::string cmd = shell_quote(TG_VTL_SCRIPT) + " down " + shell_quote(dir_) + " >>" + shell_quote(dir_ + "/down.log") + " 2>&1";
  if (std::system(cmd.c_str()) == 0) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void Vtl::run(const std::string& args) {
  const std::string log = dir_ + ".log";
  const std::string cmd = shell_quote(TG_VTL_SCRIPT) + " " + args + " " + shell_quote(dir_) + " >" + shell_quote(log) + " 2>&1";
  const int rc = std::system(cmd.c_str());
  const std::string out = slurp(log);
  std::error_code ec;
  std::filesystem::remove(log, ec);
  if (rc != 0) throw std::runtime_error("tools/vtl " + args + " failed (status " + std::to_string(rc) + "):\n" + out);
}

void Vtl::load_env() {
  env_.clear();
  std::ifstream in(dir_ + "/env");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string v = line.substr(eq + 1);
    if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
    env_[line.substr(0, eq)] = v;
  }
}

std::string Vtl::env(const std::string& key) const {
  auto it = env_.find(key);
  if (it == env_.end()) throw std::runtime_error("tools/vtl env has no " + key);
  return it->second;
}

std::vector<std::string> Vtl::barcodes() const {
  std::vector<std::string> out;
  std::istringstream in(env("VTL_BARCODES"));
  for (std::string b; in >> b;) out.push_back(b);
  return out;
}

void Vtl::crash() { run("crash"); }

void Vtl::restart() {
  run("restart");
  load_env();
}

drivers::iscsi::IscsiTransportOptions Vtl::transport_options() {
  drivers::iscsi::IscsiTransportOptions o;
  o.reconnect_attempts = 1;
  o.session.login_timeout = std::chrono::seconds(10);
  o.probe_timeout = std::chrono::seconds(10);
  return o;
}

StoppedProcess::StoppedProcess(int pid) : pid_(pid) {
  if (kill(pid_, SIGSTOP) != 0) throw std::runtime_error("cannot stop pid " + std::to_string(pid_));
}

StoppedProcess::~StoppedProcess() { kill(pid_, SIGCONT); }

std::unique_ptr<drivers::iscsi::IscsiTransport> open_lun(const Vtl& vtl, int lun) {
  auto url = drivers::iscsi::parse_iscsi_url(vtl.lun_url(lun));
  if (!url) throw std::runtime_error(url.error().message);
  auto t = drivers::iscsi::IscsiTransport::open(*url, Vtl::transport_options());
  if (!t) throw std::runtime_error("opening " + vtl.lun_url(lun) + ": " + t.error().message);
  return std::move(*t);
}

void load_first_cartridge(const Vtl& vtl) {
  auto ct = open_lun(vtl, vtl.changer_lun());
  drivers::MediaChanger changer(*ct, "lib0");
  auto moved = changer.move(static_cast<std::uint16_t>(vtl.env_int("VTL_SLOT_ADDR")),
                            static_cast<std::uint16_t>(vtl.env_int("VTL_DRIVE_ADDR")));
  if (!moved) throw std::runtime_error("loading the first cartridge: " + moved.error().message);
}

}  // namespace tg::test
