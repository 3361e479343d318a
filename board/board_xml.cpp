#include "board/board_xml.hpp"

#include <tinyxml2.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "board/sim/cartridge_store.hpp"
#include "board/sim/lto.hpp"
#include "board/typed_value.hpp"

namespace tg::board {
namespace {

using tinyxml2::XMLElement;

// Reads one XML element's attributes, typed, with the position for errors.
class Attrs {
 public:
  Attrs(const XMLElement* e, const std::string& where) : e_(e), where_(where) {}

  Error error(const std::string& what) const {
    return Error(Errc::invalid_argument, where_ + ":" + std::to_string(e_->GetLineNum()) + ": <" + e_->Name() + ">: " + what);
  }
  // Every attribute must be one the element knows.
  Status only(std::initializer_list<const char*> allowed) const {
    for (auto* a = e_->FirstAttribute(); a; a = a->Next()) {
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* n) { return std::string(n) == a->Name(); }))
        return error("unknown attribute '" + std::string(a->Name()) + "'");
    }
    return {};
  }
  bool has(const char* name) const { return e_->Attribute(name) != nullptr; }
  Result<std::string> str(const char* name) const {
    const char* v = e_->Attribute(name);
    if (!v) return error("missing attribute '" + std::string(name) + "'");
    return std::string(v);
  }
  std::string str_or(const char* name, const std::string& def) const {
    const char* v = e_->Attribute(name);
    return v ? std::string(v) : def;
  }
  Result<std::uint64_t> num(const char* name, std::uint64_t lo, std::uint64_t hi) const {
    std::string v = TG_TRY(str(name));
    auto r = parse_unsigned(v, lo, hi);
    if (!r.ok()) return error("attribute '" + std::string(name) + "': " + r.error().message);
    return *r;
  }
  Result<std::uint64_t> num_or(const char* name, std::uint64_t lo, std::uint64_t hi, std::uint64_t def) const {
    if (!has(name)) return def;
    return num(name, lo, hi);
  }
  Result<bool> flag_or(const char* name, bool def) const {
    if (!has(name)) return def;
    auto r = parse_bool(e_->Attribute(name));
    if (!r.ok()) return error("attribute '" + std::string(name) + "': " + r.error().message);
    return *r;
  }
  int line() const { return e_->GetLineNum(); }

 private:
  const XMLElement* e_;
  const std::string& where_;
};

struct Span {
  std::uint32_t first = 0, count = 0;
  std::string what;
  int line = 0;
};

// Element address ranges may not overlap (every address names one element).
Status check_ranges(std::vector<Span> spans, const std::string& where) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < spans.size(); ++i) {
    const Span& a = spans[i - 1];
    const Span& b = spans[i];
    if (a.count && b.count && b.first < a.first + a.count) {
      auto range = [](const Span& s) {
        return s.count == 1 ? std::to_string(s.first) : std::to_string(s.first) + ".." + std::to_string(s.first + s.count - 1);
      };
      const Span& later = a.line > b.line ? a : b;
      const Span& earlier = a.line > b.line ? b : a;
      return Error(Errc::invalid_argument, where + ":" + std::to_string(later.line) + ": " + later.what + " " + range(later) +
                                               " overlaps " + earlier.what + " " + range(earlier) + " (line " +
                                               std::to_string(earlier.line) + ")");
    }
  }
  return {};
}

Status parse_fault(const XMLElement* e, const std::string& where, sim::SimFaults& f) {
  Attrs a(e, where);
  const std::string kind = TG_TRY(a.str("kind"));
  if (kind == "medium-error") {
    TG_CHECK(a.only({"kind", "barcode", "block", "on"}));
    const std::string on = a.str_or("on", "read");
    if (on != "read" && on != "write" && on != "both") return a.error("attribute 'on': '" + on + "' is not read, write or both");
    std::string barcode = TG_TRY(a.str("barcode"));
    const std::uint64_t block = TG_TRY(a.num("block", 0, UINT64_MAX));
    f.medium_errors.push_back({std::move(barcode), block, on != "write", on != "read"});
  } else if (kind == "corrupt-block") {
    TG_CHECK(a.only({"kind", "barcode", "block"}));
    std::string barcode = TG_TRY(a.str("barcode"));
    const std::uint64_t block = TG_TRY(a.num("block", 0, UINT64_MAX));
    f.corrupt_blocks.push_back({std::move(barcode), block});
  } else if (kind == "write-protect") {
    TG_CHECK(a.only({"kind", "barcode"}));
    f.write_protected.push_back(TG_TRY(a.str("barcode")));
  } else if (kind == "stuck-picker") {
    TG_CHECK(a.only({"kind"}));
    f.stuck_picker = true;
  } else if (kind == "unit-attention") {
    TG_CHECK(a.only({"kind", "lun", "asc", "ascq"}));
    const sim::UnitAttentionFault defaults;
    f.unit_attentions.push_back({static_cast<int>(TG_TRY(a.num("lun", 0, 64))),
                                 static_cast<std::uint8_t>(TG_TRY(a.num_or("asc", 0, 255, defaults.asc))),
                                 static_cast<std::uint8_t>(TG_TRY(a.num_or("ascq", 0, 255, defaults.ascq)))});
  } else if (kind == "clean-drive") {
    TG_CHECK(a.only({"kind", "drive"}));
    f.cleaning_requested.push_back(static_cast<int>(TG_TRY(a.num("drive", 0, 63))));
  } else {
    return a.error("unknown fault kind '" + kind + "'");
  }
  return {};
}

Status parse_sim(const XMLElement* lib, const std::string& where, BoardDescription& out) {
  Attrs a(lib, where);
  TG_CHECK(a.only({"generation", "cartridges", "cartridge-mb", "early-warning-mb", "max-block-kb", "speed-mbps", "buffer-mb",
                   "backhitch-ms", "power-on-ua", "sync", "barcode-prefix", "name", "no-locate", "no-position",
                   "space-counts-filemarks"}));
  sim::SimConfig c;
  c.name = a.str_or("name", out.name);
  c.generation = static_cast<int>(TG_TRY(a.num_or("generation", 5, 10, 9)));
  c.cartridge_count = static_cast<std::uint16_t>(TG_TRY(a.num_or("cartridges", 0, 10000, 8)));
  c.cartridge_bytes = TG_TRY(a.num_or("cartridge-mb", 1, 1ull << 26, 64)) << 20;
  c.early_warning_bytes = TG_TRY(a.num_or("early-warning-mb", 0, 1ull << 26, 0)) << 20;
  c.max_block_bytes = static_cast<std::uint32_t>(TG_TRY(a.num_or("max-block-kb", 1, 16383, 1024)) << 10);
  c.speed_mbps = static_cast<std::uint32_t>(TG_TRY(a.num_or("speed-mbps", 0, 100000, 0)));
  c.drive_buffer_mb = static_cast<std::uint32_t>(TG_TRY(a.num_or("buffer-mb", 1, 65536, 256)));
  c.backhitch_penalty = std::chrono::milliseconds(TG_TRY(a.num_or("backhitch-ms", 0, 600000, 3000)));
  c.power_on_unit_attention = TG_TRY(a.flag_or("power-on-ua", true));
  c.sync_on_flush = TG_TRY(a.flag_or("sync", true));
  c.drive_quirks.no_locate = TG_TRY(a.flag_or("no-locate", false));
  c.drive_quirks.no_position = TG_TRY(a.flag_or("no-position", false));
  c.drive_quirks.space_counts_filemarks = TG_TRY(a.flag_or("space-counts-filemarks", false));
  c.barcode_prefix = a.str_or("barcode-prefix", "TG");

  std::vector<Span> spans;
  bool saw_picker = false, saw_slots = false, saw_mail = false;
  spans.push_back({c.picker_address, 1, "<picker>", a.line()});
  std::set<std::string> names;
  std::map<std::string, int> barcodes;
  for (const XMLElement* e = lib->FirstChildElement(); e; e = e->NextSiblingElement()) {
    Attrs ea(e, where);
    const std::string tag = e->Name();
    auto once = [&](bool& seen) -> Status {
      if (seen) return ea.error("given twice");
      seen = true;
      return {};
    };
    if (tag == "picker") {
      TG_CHECK(once(saw_picker));
      TG_CHECK(ea.only({"address"}));
      c.picker_address = static_cast<std::uint16_t>(TG_TRY(ea.num("address", 0, 65535)));
      spans[0] = {c.picker_address, 1, "<picker>", ea.line()};
    } else if (tag == "slots") {
      TG_CHECK(once(saw_slots));
      TG_CHECK(ea.only({"first", "count"}));
      c.first_slot = static_cast<std::uint16_t>(TG_TRY(ea.num("first", 0, 65535)));
      c.slot_count = static_cast<std::uint16_t>(TG_TRY(ea.num("count", 1, 10000)));
      if (c.first_slot + c.slot_count > 0x10000) return ea.error("slots run past address 65535");
      spans.push_back({c.first_slot, c.slot_count, "<slots>", ea.line()});
    } else if (tag == "mailslots") {
      TG_CHECK(once(saw_mail));
      TG_CHECK(ea.only({"first", "count"}));
      c.first_mailslot = static_cast<std::uint16_t>(TG_TRY(ea.num("first", 0, 65535)));
      c.mailslot_count = static_cast<std::uint16_t>(TG_TRY(ea.num("count", 0, 256)));
      if (c.first_mailslot + c.mailslot_count > 0x10000) return ea.error("mail slots run past address 65535");
      spans.push_back({c.first_mailslot, c.mailslot_count, "<mailslots>", ea.line()});
    } else if (tag == "drive") {
      TG_CHECK(ea.only({"name", "element", "serial", "generation"}));
      sim::SimDriveConfig d;
      d.element = static_cast<std::uint16_t>(TG_TRY(ea.num("element", 0, 65535)));
      d.serial = ea.str_or("serial", "");
      d.generation = static_cast<int>(TG_TRY(ea.num_or("generation", 5, 10, 0)));
      const std::string name = ea.str_or("name", "drive" + std::to_string(c.drives.size()));
      if (!names.insert(name).second) return ea.error("drive name '" + name + "' used twice");
      out.sim_drive_names.push_back(name);
      spans.push_back({d.element, 1, "<drive> " + name, ea.line()});
      c.drives.push_back(d);
    } else if (tag == "cartridge") {
      TG_CHECK(ea.only({"barcode", "slot", "capacity-mb", "write-protected"}));
      sim::SimCartridgeConfig k;
      k.barcode = TG_TRY(ea.str("barcode"));
      if (!sim::valid_barcode(k.barcode)) return ea.error("barcode '" + k.barcode + "' is not 1..32 of A-Z a-z 0-9 - _ .");
      if (auto [it, fresh] = barcodes.emplace(k.barcode, ea.line()); !fresh)
        return ea.error("barcode " + k.barcode + " already used on line " + std::to_string(it->second));
      if (ea.has("slot")) k.slot = static_cast<std::uint16_t>(TG_TRY(ea.num("slot", 0, 65535)));
      k.capacity_bytes = TG_TRY(ea.num_or("capacity-mb", 1, 1ull << 26, 0)) << 20;
      k.write_protected = TG_TRY(ea.flag_or("write-protected", false));
      c.cartridges.push_back(k);
    } else if (tag == "fault") {
      TG_CHECK(parse_fault(e, where, c.faults));
    } else {
      return ea.error("unknown element (expected picker, slots, mailslots, drive, cartridge or fault)");
    }
  }
  if (c.drives.empty()) {
    // Default: drive_count drives from first_drive.
    for (std::uint16_t i = 0; i < c.drive_count; ++i) {
      c.drives.push_back({static_cast<std::uint16_t>(c.first_drive + i)});
      out.sim_drive_names.push_back("drive" + std::to_string(i));
      spans.push_back({static_cast<std::uint32_t>(c.first_drive + i), 1, "default drive", a.line()});
    }
  }
  if (!saw_mail) spans.push_back({c.first_mailslot, c.mailslot_count, "default mail slots", a.line()});
  if (!saw_slots) spans.push_back({c.first_slot, c.slot_count, "default slots", a.line()});
  TG_CHECK(check_ranges(spans, where));
  // Cartridges placed in a slot must name one, and one each.
  std::map<std::uint16_t, std::string> used;
  for (const auto& k : c.cartridges) {
    if (!k.slot) continue;
    const bool is_slot = *k.slot >= c.first_slot && *k.slot < c.first_slot + c.slot_count;
    const bool is_mail = *k.slot >= c.first_mailslot && *k.slot < c.first_mailslot + c.mailslot_count;
    const int line = barcodes[k.barcode];
    if (!is_slot && !is_mail)
      return Error(Errc::invalid_argument, where + ":" + std::to_string(line) + ": <cartridge> " + k.barcode + ": element " +
                                               std::to_string(*k.slot) + " is not a slot or mail slot");
    if (auto [it, fresh] = used.emplace(*k.slot, k.barcode); !fresh)
      return Error(Errc::invalid_argument, where + ":" + std::to_string(line) + ": <cartridge> " + k.barcode + ": slot " +
                                               std::to_string(*k.slot) + " already holds " + it->second);
  }
  if (c.cartridges.size() > std::size_t{c.slot_count} + c.mailslot_count)
    return a.error(std::to_string(c.cartridges.size()) + " cartridges do not fit in " +
                   std::to_string(c.slot_count + c.mailslot_count) + " slots");
  out.sim = std::move(c);
  return {};
}

Status parse_devices(const XMLElement* root, const std::string& where, BoardDescription& out) {
  std::map<std::uint16_t, int> elements;
  std::map<std::string, int> names;
  for (const XMLElement* e = root->FirstChildElement(); e; e = e->NextSiblingElement()) {
    Attrs a(e, where);
    const std::string tag = e->Name();
    if (tag == "changer") {
      if (out.changer) return a.error("only one changer per board (first on line " + std::to_string(out.changer->line) + ")");
      TG_CHECK(a.only({"name", "transport"}));
      std::string transport = TG_TRY(a.str("transport"));
      out.changer = BoardDevice{a.str_or("name", "changer"), 0, std::move(transport), a.line()};
    } else if (tag == "drive") {
      TG_CHECK(a.only({"name", "element", "transport"}));
      const auto element = static_cast<std::uint16_t>(TG_TRY(a.num("element", 0, 65535)));
      std::string transport = TG_TRY(a.str("transport"));
      BoardDevice d{a.str_or("name", "drive" + std::to_string(out.drives.size())), element, std::move(transport),
                    a.line()};
      if (auto [it, fresh] = elements.emplace(d.element, d.line); !fresh)
        return a.error("duplicate element address " + std::to_string(d.element) + " (also on line " + std::to_string(it->second) + ")");
      if (auto [it, fresh] = names.emplace(d.name, d.line); !fresh)
        return a.error("drive name '" + d.name + "' used twice (also on line " + std::to_string(it->second) + ")");
      out.drives.push_back(std::move(d));
    }
  }
  if (!out.changer) return Error(Errc::invalid_argument, where + ":" + std::to_string(root->GetLineNum()) +
                                                           ": <board> needs a <simulated-library> or a <changer>");
  return {};
}

}  // namespace

Result<BoardDescription> parse_board_xml(const std::string& text, const std::string& where,
                                         const std::filesystem::path& base_dir) {
  tinyxml2::XMLDocument doc;
  if (doc.Parse(text.data(), text.size()) != tinyxml2::XML_SUCCESS) {
    return Error(Errc::invalid_argument, where + ":" + std::to_string(doc.ErrorLineNum()) + ": broken XML: " +
                                             tinyxml2::XMLDocument::ErrorIDToName(doc.ErrorID()));
  }
  const XMLElement* root = doc.RootElement();
  if (!root || std::string(root->Name()) != "board")
    return Error(Errc::invalid_argument, where + ":" + std::to_string(root ? root->GetLineNum() : 1) +
                                             ": the root element must be <board>");
  Attrs ra(root, where);
  TG_CHECK(ra.only({"name", "state"}));
  BoardDescription out;
  out.name = ra.str_or("name", std::filesystem::path(where).stem().string());
  if (out.name.empty()) return ra.error("attribute 'name' is empty");
  if (ra.has("state")) {
    std::filesystem::path p = TG_TRY(ra.str("state"));
    if (p.empty()) return ra.error("attribute 'state' is empty");
    out.state = p.is_relative() ? base_dir / p : p;
  }
  const XMLElement* lib = nullptr;
  bool saw_options = false, saw_devices = false;
  for (const XMLElement* e = root->FirstChildElement(); e; e = e->NextSiblingElement()) {
    Attrs a(e, where);
    const std::string tag = e->Name();
    if (tag == "options") {
      if (saw_options) return a.error("given twice");
      saw_options = true;
      TG_CHECK(a.only({"auto-clean", "block-size"}));
      out.options.auto_clean = TG_TRY(a.flag_or("auto-clean", false));
      out.options.block_size = static_cast<std::uint32_t>(TG_TRY(a.num_or("block-size", 0, 0xFFFFFF, 0)));
    } else if (tag == "simulated-library") {
      if (lib) return a.error("only one simulated library per board");
      if (saw_devices) return a.error("a board has a simulated library or explicit devices, not both");
      lib = e;
    } else if (tag == "changer" || tag == "drive") {
      if (lib) return a.error("a board has a simulated library or explicit devices, not both");
      saw_devices = true;
    } else {
      return a.error("unknown element (expected options, simulated-library, changer or drive)");
    }
  }
  if (lib) TG_CHECK(parse_sim(lib, where, out));
  else TG_CHECK(parse_devices(root, where, out));
  return out;
}

Result<BoardDescription> load_board_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error(Errc::not_found, "board file " + file.string() + " cannot be read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_board_xml(ss.str(), file.string(), file.parent_path());
}

}  // namespace tg::board
