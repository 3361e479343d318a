// help, version, config show, log, discover.
#include "drivers/iscsi/discovery.hpp"
#include "drivers/iscsi/iscsi_url.hpp"
#include "drivers/sg/sg_discovery.hpp"
#include "drivers/usb/usb_discovery.hpp"
#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/version.hpp"

namespace tg::firmware::console {
namespace {

Result<Reply> help(CommandContext& c) {
  const bool simulated = c.app.library ? c.app.library->hands != nullptr : c.app.board.simulated;
  return c.table.help_for(c.args(), simulated);
}

Result<Reply> version(CommandContext&) {
  Reply r;
  r.field("tapegate", firmware::version()).field("tape_format", firmware::tape_format_name());
  return r;
}

Result<Reply> config_show(CommandContext& c) {
  Reply r;
  r.field("board", c.app.board.name.empty() ? Cell{} : Cell(c.app.board.name));
  r.field("board_spec", cell_or_none(c.app.board.spec));
  r.field("state_directory", c.app.paths.root.string());
  r.field("catalog", c.app.paths.catalog().string());
  r.field("saved_jobs", c.app.paths.jobs().string());
  r.field("event_log", c.app.paths.log().string());
  r.field("control_socket", (c.app.paths.run() / "tapegate.sock").string());
  r.field("auto_clean", c.app.board.auto_clean);
  r.field("block_size", c.app.board.block_size ? Cell(std::int64_t{c.app.board.block_size}) : Cell("default"));
  auto& t = r.table("transports", "Transports", {"transport"});
  for (const auto& tr : c.app.board.transports) t.rows.push_back({tr});
  if (c.app.library) {
    auto& d = r.table("drives", "Drives", {"drive", "element_address", "transport"});
    for (auto& ld : c.app.library->drives)
      if (ld.drive) d.rows.push_back({ld.drive->name(), std::int64_t{ld.element_address}, ld.drive->transport().describe()});
  }
  return r;
}

Result<Reply> log_cmd(CommandContext& c) {
  if (!c.app.log) return Error(Errc::unsupported, "no event log here");
  std::size_t n = 50;
  if (const auto* v = c.req.args.get("lines")) {
    if (v->empty() || v->size() > 6 || v->find_first_not_of("0123456789") != std::string::npos)
      return Error(Errc::invalid_argument, "--lines wants a number, not '" + *v + "'");
    n = std::stoul(*v);
  }
  auto entries = c.app.log->last(n);
  if (!c.req.args.has("follow")) {
    Reply r;
    auto& t = r.table("events", "Events", {"time", "level", "source", "text"});
    for (const auto& e : entries) {
      auto line = EventLog::format(e);
      t.rows.push_back({line.substr(0, line.find(' ')), cell(log_level_name(e.level)), e.source, e.text});
    }
    return r;
  }
  // --follow: the lines as they come, until the client stops (ctrl-C or
  // disconnect).
  std::uint64_t seen = 0;
  for (const auto& e : entries) {
    c.io.stream(EventLog::format(e) + "\n", false);
    seen = e.seq;
  }
  if (entries.empty()) seen = c.app.log->last_seq();
  while (!c.io.stop_requested()) {
    if (!c.app.log->wait_newer(seen, std::chrono::milliseconds(250))) continue;
    for (const auto& e : c.app.log->since(seen)) {
      c.io.stream(EventLog::format(e) + "\n", false);
      seen = e.seq;
    }
  }
  return Reply{};
}

const char* type_name(std::uint8_t t) { return t == 0x01 ? "tape drive" : t == 0x08 ? "media changer" : "other"; }

Result<Reply> discover(CommandContext& c) {
  Reply r;
  if (!c.args().empty()) {
    const std::string& url = c.arg(0);
    if (url.rfind("iscsi://", 0) != 0)
      return Error(Errc::invalid_argument, "discover takes an iscsi://host[:port] portal, not '" + url + "'");
    auto targets = drivers::iscsi::discover_portal(url);
    if (!targets) return std::move(targets).error().with_context("discovering " + drivers::iscsi::redact_secret(url));
    auto& t = r.table("luns", "iSCSI targets and LUNs", {"target", "lun", "type", "vendor", "product", "serial"});
    for (const auto& tg : *targets) {
      if (!tg.error.empty()) {
        // A target that could not be probed (a refused CHAP login, most
        // often) fails the command: a script must not read "exit 0" as
        // "every target was seen".
        r.note("target " + tg.iqn + ": " + drivers::iscsi::redact_secret(tg.error));
        r.failed = true;
      }
      for (const auto& l : tg.luns)
        t.rows.push_back({tg.url, std::int64_t{l.lun}, l.type_name, l.vendor, l.product, cell_or_none(l.serial)});
      for (const auto& ch : tg.changers) {
        r.note(tg.url + " LUN " + std::to_string(ch.lun) + ": changer with " + std::to_string(ch.slot_count) + " slots, " +
               std::to_string(ch.drive_element_count) + " drive elements, " + std::to_string(ch.mail_slot_count) + " mail slots, " +
               std::to_string(ch.cartridges) + " cartridges" + (ch.error.empty() ? "" : " (" + ch.error + ")"));
        for (const auto& d : ch.drives)
          r.note("  tape LUN " + std::to_string(d.lun) + " in drive element " +
                 (d.element_address ? std::to_string(*d.element_address) : std::string("unknown")));
      }
    }
    if (targets->empty()) r.note("the portal lists no targets");
    return r;
  }
  auto sg = sg::discover_sg();
  auto& t = r.table("devices", "Local SCSI tape devices", {"device", "type", "vendor", "model", "serial", "hctl", "kernel_node"});
  if (sg) {
    for (const auto& d : *sg)
      t.rows.push_back({d.spec, cell(type_name(d.peripheral_type)), d.vendor, d.model, cell_or_none(d.serial), cell_or_none(d.hctl),
                        cell_or_none(d.kernel_node)});
  } else {
    r.note("SCSI generic scan: " + sg.error().message);
  }
  auto usb = usb::discover_usb();
  auto& u = r.table("usb", "USB tape devices (Bulk-Only)", {"device", "lun", "type", "vendor", "product", "serial", "note"});
  if (usb) {
    for (const auto& d : *usb) {
      if (d.luns.empty())
        u.rows.push_back({d.spec(), Cell{}, Cell{}, d.manufacturer, d.product, cell_or_none(d.serial), cell_or_none(d.note)});
      for (const auto& l : d.luns)
        u.rows.push_back({d.spec(l.lun), std::int64_t{l.lun}, cell(type_name(l.peripheral_type)), l.vendor, l.product,
                          cell_or_none(l.serial.empty() ? d.serial : l.serial), cell_or_none(d.note)});
    }
  } else {
    r.note("USB scan: " + usb.error().message);
  }
  if (t.rows.empty() && u.rows.empty())
    r.note("no tape drives or changers found on this machine (SCSI generic, USB); give 'discover iscsi://host:port' for a portal");
  return r;
}

}  // namespace

Status register_system_commands(CommandTable& t) {
  TG_CHECK(t.add({.name = "help", .usage = "help [command]", .summary = "list the commands, or explain one", .handler = help,
                  .needs_library = false, .max_args = 2, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "version", .usage = "version", .summary = "firmware and tape format versions", .handler = version,
                  .needs_library = false, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "config show", .usage = "config show", .summary = "board, state directory, transports and options",
                  .handler = config_show, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "log", .usage = "log [--lines N] [--follow]", .summary = "the event log (--follow: keep printing new events)",
                  .handler = log_cmd, .needs_library = false, .options = {{"lines", true}, {"follow", false}}, .role = access::Role::viewer}));
  TG_CHECK(t.add({.name = "discover", .usage = "discover [iscsi://host[:port][/target]]",
                  .summary = "local SCSI and USB tape devices, or the targets and LUNs of an iSCSI portal", .handler = discover,
                  .needs_library = false, .max_args = 1, .role = access::Role::operator_}));
  return {};
}

}  // namespace tg::firmware::console
