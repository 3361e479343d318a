#pragma once
// A board discovered on an iSCSI target: the changer LUN, the tape LUNs
// and which drive element each sits in (drivers/iscsi/discovery.hpp), wired
// into transports and drivers. Used for `--board iscsi://host:port/iqn`.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "board/board.hpp"
#include "drivers/iscsi/iscsi_url.hpp"
#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::board {

struct IscsiBoardOptions {
  // CHAP credentials when the URL has none (board file); the environment
  // (TAPEGATE_ISCSI_USER / TAPEGATE_ISCSI_PASSWORD) is the last fallback.
  drivers::iscsi::IscsiCredentials credentials;
  // LUN -> drive element address, for changers that report no drive serials.
  std::map<int, std::uint16_t> drive_elements;
  bool header_digest = false;
};

// url: iscsi://[user[%password]@]host[:port]/target-iqn[/changer-lun]. With
// no target, the portal must offer exactly one target with a changer.
// State: state_override, else default_state_root()/iscsi-<host>-<port>-<iqn>.
Result<std::unique_ptr<Board>> open_iscsi_board(const std::string& url,
                                                const std::optional<std::filesystem::path>& state_override);
Result<std::unique_ptr<Board>> open_iscsi_board(const std::string& url,
                                                const std::optional<std::filesystem::path>& state_override,
                                                const IscsiBoardOptions& options);

// One LUN as a transport, for XML boards that name devices by
// iscsi://host:port/iqn/lun (the transport factory's iSCSI branch).
Result<std::unique_ptr<hal::ScsiTransport>> open_iscsi_transport(const std::string& url,
                                                                 const IscsiBoardOptions& options = {});

// "iscsi-127.0.0.1-3260-iqn.2026-11.org.tapegate-vtl" (file-name safe).
std::string iscsi_state_dir_name(const drivers::iscsi::IscsiUrl& url);

}  // namespace tg::board
