#include "board/sim_spec.hpp"

#include <charconv>
#include <set>

#include "board/sim/lto.hpp"
#include "board/typed_value.hpp"

namespace tg::board {
namespace {

Error spec_error(const std::string& key, const std::string& why) {
  return Error(Errc::invalid_argument, "sim spec: key '" + key + "': " + why);
}

// "BARCODE@BLOCK" -> barcode, block.
Result<std::pair<std::string, std::uint64_t>> barcode_at(const std::string& key, const std::string& v) {
  auto at = v.find('@');
  if (at == std::string::npos || at == 0) return spec_error(key, "'" + v + "' is not BARCODE@BLOCK");
  auto block = parse_unsigned(v.substr(at + 1), 0, UINT64_MAX);
  if (!block.ok()) return spec_error(key, "'" + v + "': block " + block.error().message);
  return std::make_pair(v.substr(0, at), *block);
}

std::string state_name_for(const std::string& body) {
  if (body.empty()) return "sim";
  std::string s = "sim-" + body;
  for (char& c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) c = '_';
  if (s.size() > 96) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : body) h = (h ^ ch) * 1099511628211ull;
    s = s.substr(0, 80) + "-" + std::to_string(h % 1000000007ull);
  }
  return s;
}

}  // namespace

Result<SimSpec> parse_sim_spec(const std::string& spec) {
  if (spec.rfind("sim:", 0) != 0 && spec != "sim")
    return Error(Errc::invalid_argument, "sim spec must start with 'sim:': '" + spec + "'");
  const std::string body = spec.size() > 4 ? spec.substr(4) : "";
  SimSpec out;
  out.state_name = state_name_for(body);
  sim::SimConfig& c = out.config;
  std::set<std::string> seen;
  static const std::set<std::string> repeatable{"medium-error", "corrupt-block", "write-protect", "unit-attention", "clean-drive"};

  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find(',', pos);
    if (end == std::string::npos) end = body.size();
    const std::string item = body.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos) return Error(Errc::invalid_argument, "sim spec: '" + item + "' is not key=value");
    const std::string key = item.substr(0, eq), v = item.substr(eq + 1);
    if (!seen.insert(key).second && !repeatable.count(key)) return spec_error(key, "given twice");

    auto num = [&](std::uint64_t lo, std::uint64_t hi) -> Result<std::uint64_t> {
      auto r = parse_unsigned(v, lo, hi);
      if (!r.ok()) return spec_error(key, r.error().message);
      return r;
    };
    auto flag = [&]() -> Result<bool> {
      auto r = parse_bool(v);
      if (!r.ok()) return spec_error(key, r.error().message);
      return r;
    };
    auto u16 = [&](std::uint64_t lo, std::uint64_t hi) -> Result<std::uint16_t> {
      return static_cast<std::uint16_t>(TG_TRY(num(lo, hi)));
    };

    if (key == "drives") c.drive_count = TG_TRY(u16(0, 64));
    else if (key == "slots") c.slot_count = TG_TRY(u16(1, 10000));
    else if (key == "mailslots") c.mailslot_count = TG_TRY(u16(0, 256));
    else if (key == "cartridges") c.cartridge_count = TG_TRY(u16(0, 10000));
    else if (key == "cartridge-mb") c.cartridge_bytes = TG_TRY(num(1, 1ull << 26)) << 20;
    else if (key == "early-warning-mb") c.early_warning_bytes = TG_TRY(num(1, 1ull << 26)) << 20;
    else if (key == "max-block-kb") c.max_block_bytes = static_cast<std::uint32_t>(TG_TRY(num(1, 16383)) << 10);
    else if (key == "speed-mbps") c.speed_mbps = static_cast<std::uint32_t>(TG_TRY(num(0, 100000)));
    else if (key == "buffer-mb") c.drive_buffer_mb = static_cast<std::uint32_t>(TG_TRY(num(1, 65536)));
    else if (key == "backhitch-ms") c.backhitch_penalty = std::chrono::milliseconds(TG_TRY(num(0, 600000)));
    else if (key == "generation") {
      c.generation = static_cast<int>(TG_TRY(num(0, 99)));
      if (!sim::lto_generation(c.generation)) return spec_error(key, "'" + v + "' is not an LTO generation 5..10");
    } else if (key == "name") {
      if (v.empty()) return spec_error(key, "empty");
      c.name = v;
    } else if (key == "barcode-prefix") {
      if (v.empty() || v.size() > 4) return spec_error(key, "'" + v + "' must be 1..4 characters");
      c.barcode_prefix = v;
    } else if (key == "picker") c.picker_address = TG_TRY(u16(0, 65535));
    else if (key == "first-drive") c.first_drive = TG_TRY(u16(0, 65535));
    else if (key == "first-slot") c.first_slot = TG_TRY(u16(0, 65535));
    else if (key == "first-mailslot") c.first_mailslot = TG_TRY(u16(0, 65535));
    else if (key == "power-on-ua") c.power_on_unit_attention = TG_TRY(flag());
    else if (key == "sync") c.sync_on_flush = TG_TRY(flag());
    else if (key == "no-locate") c.drive_quirks.no_locate = TG_TRY(flag());
    else if (key == "no-position") c.drive_quirks.no_position = TG_TRY(flag());
    else if (key == "space-counts-filemarks") c.drive_quirks.space_counts_filemarks = TG_TRY(flag());
    else if (key == "auto-clean") out.options.auto_clean = TG_TRY(flag());
    else if (key == "block-size") out.options.block_size = static_cast<std::uint32_t>(TG_TRY(num(0, 0xFFFFFF)));
    // Faults.
    else if (key == "medium-error") {
      // BARCODE@BLOCK[:read|:write|:rw]
      std::string target = v, mode = "read";
      if (auto colon = v.rfind(':'); colon != std::string::npos) {
        target = v.substr(0, colon);
        mode = v.substr(colon + 1);
      }
      if (mode != "read" && mode != "write" && mode != "rw") return spec_error(key, "mode '" + mode + "' is not read, write or rw");
      auto [barcode, block] = TG_TRY(barcode_at(key, target));
      c.faults.medium_errors.push_back({barcode, block, mode != "write", mode != "read"});
    } else if (key == "corrupt-block") {
      auto [barcode, block] = TG_TRY(barcode_at(key, v));
      c.faults.corrupt_blocks.push_back({barcode, block});
    } else if (key == "write-protect") {
      if (v.empty()) return spec_error(key, "needs a barcode");
      c.faults.write_protected.push_back(v);
    } else if (key == "stuck-picker") c.faults.stuck_picker = TG_TRY(flag());
    else if (key == "unit-attention") {
      // LUN[:ASC/ASCQ] in hex, default 29/00.
      sim::UnitAttentionFault f;
      std::string lun = v;
      if (auto colon = v.find(':'); colon != std::string::npos) {
        lun = v.substr(0, colon);
        const std::string code = v.substr(colon + 1);
        const auto slash = code.find('/');
        if (slash == std::string::npos) return spec_error(key, "'" + code + "' is not ASC/ASCQ (hex)");
        auto asc = parse_unsigned("0x" + code.substr(0, slash), 0, 255);
        auto ascq = parse_unsigned("0x" + code.substr(slash + 1), 0, 255);
        if (!asc.ok() || !ascq.ok()) return spec_error(key, "'" + code + "' is not ASC/ASCQ (hex)");
        f.asc = static_cast<std::uint8_t>(*asc);
        f.ascq = static_cast<std::uint8_t>(*ascq);
      }
      auto l = parse_unsigned(lun, 0, 64);
      if (!l.ok()) return spec_error(key, "LUN " + l.error().message);
      f.lun = static_cast<int>(*l);
      c.faults.unit_attentions.push_back(f);
    } else if (key == "clean-drive") {
      c.faults.cleaning_requested.push_back(static_cast<int>(TG_TRY(num(0, 63))));
    } else {
      return Error(Errc::invalid_argument, "sim spec: unknown key '" + key + "'");
    }
  }
  return out;
}

}  // namespace tg::board
