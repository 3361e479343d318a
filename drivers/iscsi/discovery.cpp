#include "drivers/iscsi/discovery.hpp"

#include <algorithm>
#include <cstdlib>

#include "drivers/iscsi/chap_secret.hpp"
#include "drivers/iscsi/lun_inventory.hpp"
#include "drivers/media_changer.hpp"

namespace tg::drivers::iscsi {
namespace {

IscsiDriveInfo drive_info(const IscsiLunInfo& l) {
  return {.lun = l.lun, .vendor = l.vendor, .product = l.product, .serial = l.serial};
}

// Inventory of one changer LUN and the drive mapping inside it.
void describe_changer(IscsiSession& session, IscsiChangerInfo& ch, const std::vector<IscsiLunInfo>& tapes,
                      const std::map<int, std::uint16_t>& board_map, bool only_changer,
                      std::vector<int>& placed_luns) {
  SessionLun view(session, ch.lun);
  if (auto st = absorb_unit_attentions(view, 10, std::chrono::seconds(60)); !st) {
    ch.error = st.error().message;
    return;
  }
  MediaChanger changer(view, "LUN " + std::to_string(ch.lun));
  auto inv = changer.inventory();
  if (!inv) {
    ch.error = inv.error().message;
    return;
  }
  std::vector<DriveElement> elements;
  for (const auto& e : inv->elements) {
    if (e.full) ++ch.cartridges;
    switch (e.type) {
      case ElementType::transport: ++ch.picker_count; break;
      case ElementType::storage: ++ch.slot_count; break;
      case ElementType::import_export: ++ch.mail_slot_count; break;
      case ElementType::data_transfer:
        ++ch.drive_element_count;
        elements.push_back({.address = e.address, .identifier = e.drive_serial});
        break;
      default: break;
    }
  }
  std::vector<DriveLun> drives;
  for (const auto& t : tapes) drives.push_back({.lun = t.lun, .serial = t.serial});
  // With several changers on one target only the DVCID evidence can tell
  // them apart; board-file and order rules apply to a single changer.
  auto mapping = only_changer ? map_drives_to_elements(drives, elements, board_map)
                              : map_drives_to_elements(drives, elements, {});
  if (!mapping) {
    ch.error = mapping.error().message;
    return;
  }
  for (const auto& a : *mapping) {
    if (!a.element || (!only_changer && a.source != MappingSource::dvcid_serial)) continue;
    auto t = std::find_if(tapes.begin(), tapes.end(), [&](const auto& x) { return x.lun == a.lun; });
    IscsiDriveInfo d = drive_info(*t);
    d.element_address = a.element;
    d.mapped_by = a.source;
    ch.drives.push_back(d);
    placed_luns.push_back(a.lun);
  }
}

}  // namespace

Result<IscsiTargetInfo> probe_target(const IscsiUrl& url_in, const DiscoveryOptions& options) {
  IscsiUrl url = url_in;
  url.lun.reset();
  fill_credentials(url, options.credentials);
  TG_CHECK(require_target(url));
  IscsiTargetInfo info;
  info.iqn = url.target;
  info.url = url.describe();

  auto session = TG_TRY(IscsiSession::open(url, SessionKind::normal, options.session));
  SessionLun lun0(*session, 0);
  auto luns = TG_TRY(report_luns(lun0, options.command_timeout));
  std::sort(luns.begin(), luns.end());

  std::vector<IscsiLunInfo> tapes;
  for (int lun : luns) {
    SessionLun view(*session, lun);
    auto p = probe_lun(view, lun, options.command_timeout);
    if (!p) return std::move(p).error().with_context(url.describe() + "/" + std::to_string(lun));
    if (p->inquiry.qualifier == 3) continue;  // listed but absent
    IscsiLunInfo l{.lun = lun,
                   .peripheral_type = p->inquiry.device_type,
                   .type_name = peripheral_type_name(p->inquiry.device_type),
                   .vendor = p->inquiry.vendor,
                   .product = p->inquiry.product,
                   .revision = p->inquiry.revision,
                   .serial = p->serial};
    if (l.peripheral_type == peripheral::tape) tapes.push_back(l);
    info.luns.push_back(std::move(l));
  }

  std::vector<int> placed;
  const auto changer_count = std::count_if(info.luns.begin(), info.luns.end(),
                                           [](const auto& l) { return l.peripheral_type == peripheral::changer; });
  for (const auto& l : info.luns) {
    if (l.peripheral_type != peripheral::changer) continue;
    IscsiChangerInfo ch{.lun = l.lun, .vendor = l.vendor, .product = l.product, .serial = l.serial};
    describe_changer(*session, ch, tapes, options.board_drive_map, changer_count == 1, placed);
    info.changers.push_back(std::move(ch));
    if (!session->usable()) return Error(Errc::connection_lost, url.describe() + ": connection lost during discovery");
  }
  for (const auto& t : tapes) {
    if (std::find(placed.begin(), placed.end(), t.lun) == placed.end()) info.standalone_drives.push_back(drive_info(t));
  }
  return info;
}

Result<std::vector<IscsiTargetInfo>> discover_portal(const std::string& text, const DiscoveryOptions& options) {
  auto url = TG_TRY(parse_iscsi_url(text));
  // URL first, then the caller's (board file), then the environment.
  const EnvLookup getenv_lookup = [](const char* n) -> const char* { return std::getenv(n); };
  fill_credentials(url, options.credentials.empty() ? credentials_from_env(getenv_lookup) : options.credentials);
  // A password the URL names (?secret-file=, ?secret-env=) wins over both.
  TG_CHECK(resolve_secret(url, getenv_lookup));
  if (!url.target.empty()) {
    auto one = TG_TRY(probe_target(url, options));
    return std::vector<IscsiTargetInfo>{std::move(one)};
  }
  std::vector<DiscoveredTarget> found;
  {
    auto session = TG_TRY(IscsiSession::open(url, SessionKind::discovery, options.session));
    found = TG_TRY(session->send_targets(options.command_timeout));
  }
  std::vector<IscsiTargetInfo> out;
  for (const auto& t : found) {
    IscsiUrl turl = url;
    turl.target = t.name;
    turl.lun.reset();
    auto info = probe_target(turl, options);
    if (info) {
      info->portals = t.portals;
      out.push_back(std::move(*info));
    } else {
      IscsiTargetInfo failed{.iqn = t.name, .portals = t.portals, .url = turl.describe(),
                             .error = info.error().message};
      out.push_back(std::move(failed));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.iqn < b.iqn; });
  return out;
}

}  // namespace tg::drivers::iscsi
