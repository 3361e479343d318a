#pragma once
// What a portal offers, for `tapegate discover iscsi://host:port` and for
// wiring an iSCSI board: SendTargets on a discovery session, then per
// target REPORT LUNS, INQUIRY (+ VPD 0x80 serial) per LUN, and for each
// media changer its elements and which tape LUN sits in which drive
// element (drive_mapping.hpp). Plain data, no formatting: the console prints it.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drivers/iscsi/drive_mapping.hpp"
#include "drivers/iscsi/iscsi_session.hpp"
#include "drivers/iscsi/iscsi_url.hpp"
#include "hal/result.hpp"

namespace tg::drivers::iscsi {

struct IscsiLunInfo {
  int lun = 0;
  std::uint8_t peripheral_type = 0x1F;  // 0x01 tape, 0x08 changer
  std::string type_name;                // "tape drive", "media changer", ...
  std::string vendor, product, revision;
  std::string serial;                   // VPD 0x80, "" if none
};

struct IscsiDriveInfo {
  int lun = 0;
  std::string vendor, product, serial;
  std::optional<std::uint16_t> element_address;  // data transfer element in the changer
  MappingSource mapped_by = MappingSource::none;
};

struct IscsiChangerInfo {
  int lun = 0;
  std::string vendor, product, serial;
  std::uint16_t picker_count = 0, slot_count = 0, mail_slot_count = 0, drive_element_count = 0;
  std::uint16_t cartridges = 0;       // full elements of any type
  std::vector<IscsiDriveInfo> drives; // tape LUNs in this changer's drive elements
  std::string error;                  // inventory failed: why (the rest is still filled)
};

struct IscsiTargetInfo {
  std::string iqn;
  std::vector<std::string> portals;     // as SendTargets reported them ("127.0.0.1:3260,1")
  std::string url;                      // iscsi://host:port/iqn (no credentials)
  std::vector<IscsiLunInfo> luns;
  std::vector<IscsiChangerInfo> changers;
  std::vector<IscsiDriveInfo> standalone_drives;  // tape LUNs in no changer
  std::string error;                    // non-empty: this target could not be probed
};

struct DiscoveryOptions {
  SessionOptions session;
  // Fallback CHAP credentials (board file, environment) for URLs without them.
  IscsiCredentials credentials;
  // Board-file mapping LUN -> drive element address (drive_mapping.hpp rule 2).
  std::map<int, std::uint16_t> board_drive_map;
  std::chrono::milliseconds command_timeout{60'000};
};

// `url`: iscsi://[user[%password]@]host[:port][/target-iqn]. CHAP: the
// URL's credentials, else options.credentials, else the environment
// (TAPEGATE_ISCSI_USER / TAPEGATE_ISCSI_PASSWORD). With a target
// name only that target is probed; else every target SendTargets lists.
// Fails only when the portal itself cannot be reached or logged in to;
// a target that fails to probe is listed with its error.
Result<std::vector<IscsiTargetInfo>> discover_portal(const std::string& url, const DiscoveryOptions& options = {});

// One target (url.target required; url.lun ignored).
Result<IscsiTargetInfo> probe_target(const IscsiUrl& url, const DiscoveryOptions& options);

}  // namespace tg::drivers::iscsi
