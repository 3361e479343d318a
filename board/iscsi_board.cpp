#include "board/iscsi_board.hpp"

#include <algorithm>
#include <cstdlib>

#include "drivers/iscsi/chap_secret.hpp"
#include "drivers/iscsi/discovery.hpp"
#include "drivers/iscsi/iscsi_transport.hpp"
#include "drivers/library.hpp"
#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "hal/storage_paths.hpp"

namespace tg::board {
namespace {

namespace iscsi = drivers::iscsi;

class IscsiBoard final : public Board {
 public:
  const std::string& name() const override { return name_; }
  const hal::StoragePaths& paths() const override { return paths_; }
  drivers::Library& library() override { return library_; }
  const BoardOptions& options() const override { return options_; }
  std::vector<std::string> transport_descriptions() const override {
    std::vector<std::string> out;
    for (const auto& t : transports_) out.push_back("iscsi " + t->describe());
    return out;
  }

  std::string name_;
  hal::StoragePaths paths_;
  BoardOptions options_;
  // Declaration order is destruction order reversed: drivers go before the
  // transports they reference.
  std::vector<std::unique_ptr<iscsi::IscsiTransport>> transports_;
  std::unique_ptr<drivers::MediaChanger> changer_;
  std::vector<std::unique_ptr<drivers::TapeDrive>> drives_;
  drivers::Library library_;
};

iscsi::IscsiTransportOptions transport_options(const IscsiBoardOptions& o) {
  iscsi::IscsiTransportOptions t;
  t.session.header_digest = o.header_digest;
  return t;
}

const char* getenv_lookup(const char* name) { return std::getenv(name); }

iscsi::IscsiCredentials fallback_credentials(const IscsiBoardOptions& o) {
  if (!o.credentials.empty()) return o.credentials;
  return iscsi::credentials_from_env(getenv_lookup);
}

// The URL's credentials, then the board file's or the environment's, then
// a password the URL names (?secret-file=, ?secret-env=) read last.
Result<iscsi::IscsiUrl> url_with_credentials(const std::string& url_text, const IscsiBoardOptions& options) {
  auto url = TG_TRY(iscsi::parse_iscsi_url(url_text));
  iscsi::fill_credentials(url, fallback_credentials(options));
  TG_CHECK(iscsi::resolve_secret(url, getenv_lookup));
  return url;
}

Result<iscsi::IscsiTargetInfo> pick_target(iscsi::IscsiUrl& url, const iscsi::DiscoveryOptions& dopts) {
  if (!url.target.empty()) return iscsi::probe_target(url, dopts);
  // A portal only: exactly one target with a changer, or say which exist.
  auto all = TG_TRY(iscsi::discover_portal(url.describe(), dopts));
  std::vector<iscsi::IscsiTargetInfo> libs;
  std::string names;
  for (auto& t : all) {
    names += (names.empty() ? "" : ", ") + t.iqn;
    if (!t.changers.empty()) libs.push_back(std::move(t));
  }
  if (libs.size() != 1) {
    return Error(libs.empty() ? Errc::not_found : Errc::invalid_argument,
                 url.describe() + (libs.empty() ? ": no target with a media changer" : ": several targets with changers") +
                     " (targets: " + (names.empty() ? std::string("none") : names) +
                     "); name one: iscsi://host:port/iqn…");
  }
  url.target = libs.front().iqn;
  return std::move(libs.front());
}

}  // namespace

std::string iscsi_state_dir_name(const iscsi::IscsiUrl& url) {
  std::string s = "iscsi-" + url.host + "-" + std::to_string(url.port) + "-" + url.target;
  for (char& c : s) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!safe) c = '-';
  }
  return s;
}

Result<std::unique_ptr<Board>> open_iscsi_board(const std::string& url_text,
                                                const std::optional<std::filesystem::path>& state_override) {
  return open_iscsi_board(url_text, state_override, IscsiBoardOptions{});
}

Result<std::unique_ptr<Board>> open_iscsi_board(const std::string& url_text,
                                                const std::optional<std::filesystem::path>& state_override,
                                                const IscsiBoardOptions& options) {
  auto url = TG_TRY(url_with_credentials(url_text, options));
  const std::optional<int> changer_lun = url.lun;
  url.lun.reset();

  iscsi::DiscoveryOptions dopts;
  dopts.session.header_digest = options.header_digest;
  dopts.credentials = url.credentials;
  dopts.board_drive_map = options.drive_elements;
  auto info = TG_TRY(pick_target(url, dopts));

  // Which changer.
  const iscsi::IscsiChangerInfo* changer = nullptr;
  for (const auto& c : info.changers) {
    if (changer_lun ? c.lun == *changer_lun : true) {
      if (changer != nullptr && !changer_lun) {
        return Error(Errc::invalid_argument, url.describe() + ": the target has several media changers (LUNs " +
                                                 std::to_string(changer->lun) + ", " + std::to_string(c.lun) +
                                                 "); add the changer's LUN to the URL");
      }
      changer = &c;
    }
  }
  if (changer == nullptr) {
    return Error(Errc::not_found, url.describe() + (changer_lun ? ": LUN " + std::to_string(*changer_lun) +
                                                                      " is not a media changer"
                                                                : std::string(": the target has no media changer")));
  }
  if (!changer->error.empty()) {
    return Error(Errc::invalid_argument, url.describe() + "/" + std::to_string(changer->lun) + ": " + changer->error);
  }

  auto board = std::make_unique<IscsiBoard>();
  board->name_ = iscsi_state_dir_name(url);
  board->paths_.root = state_override ? *state_override : hal::default_state_root() / iscsi_state_dir_name(url);
  TG_CHECK(board->paths_.ensure());

  const auto topts = transport_options(options);
  auto ct = TG_TRY(iscsi::IscsiTransport::open(url.with_lun(changer->lun), topts));
  board->changer_ = std::make_unique<drivers::MediaChanger>(*ct, "lib0");
  board->transports_.push_back(std::move(ct));
  board->library_.name = board->name_;
  board->library_.changer = board->changer_.get();

  // Drives named by element order, so "drive0" is the first drive element
  // whatever the LUN numbering.
  std::vector<iscsi::IscsiDriveInfo> drives = changer->drives;
  std::sort(drives.begin(), drives.end(),
            [](const auto& a, const auto& b) { return a.element_address.value_or(0) < b.element_address.value_or(0); });
  for (std::size_t i = 0; i < drives.size(); ++i) {
    auto t = TG_TRY(iscsi::IscsiTransport::open(url.with_lun(drives[i].lun), topts));
    board->drives_.push_back(std::make_unique<drivers::TapeDrive>(*t, "drive" + std::to_string(i)));
    board->library_.drives.push_back({.drive = board->drives_.back().get(),
                                      .element_address = drives[i].element_address.value_or(0)});
    board->transports_.push_back(std::move(t));
  }
  for (const auto& t : board->transports_) board->library_.transports.push_back(t->describe());
  return std::unique_ptr<Board>(std::move(board));
}

Result<std::unique_ptr<hal::ScsiTransport>> open_iscsi_transport(const std::string& url_text,
                                                                 const IscsiBoardOptions& options) {
  auto url = TG_TRY(url_with_credentials(url_text, options));
  TG_CHECK(iscsi::require_lun(url));
  auto t = TG_TRY(iscsi::IscsiTransport::open(url, transport_options(options)));
  return std::unique_ptr<hal::ScsiTransport>(std::move(t));
}

}  // namespace tg::board
