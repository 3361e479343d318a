#include "board/sim/cartridge_store.hpp"

#include <charconv>
#include <sstream>

#include "hal/atomic_file.hpp"
#include "hal/hex.hpp"

namespace tg::sim {
namespace {

std::string to_hex(const std::vector<std::uint8_t>& b) { return hal::hex_bytes(b); }

bool from_hex(const std::string& s, std::vector<std::uint8_t>& out) {
  auto bytes = hal::parse_hex_bytes(s);
  if (!bytes) return false;
  out = std::move(*bytes);
  return true;
}

template <class T>
bool parse_num(const std::string& s, T& v, int base = 10) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v, base);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Result<CartridgeInfo> parse_meta(const std::filesystem::path& p, const std::string& text) {
  CartridgeInfo info;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    auto bad = [&] { return Error(Errc::parse_error, p.string() + ":" + std::to_string(n) + ": cannot parse '" + line + "'"); };
    if (eq == std::string::npos) return bad();
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "barcode") info.barcode = v;
    else if (k == "generation") { if (!parse_num(v, info.generation)) return bad(); }
    else if (k == "capacity") { if (!parse_num(v, info.capacity_bytes)) return bad(); }
    else if (k == "write_protected") info.write_protected = v == "1";
    else if (k == "load_count") { if (!parse_num(v, info.load_count)) return bad(); }
    else if (k == "medium_serial") info.medium_serial = v;
    else if (k.rfind("attr.", 0) == 0) {
      std::uint16_t id = 0;
      std::vector<std::uint8_t> bytes;
      if (!parse_num(k.substr(5), id, 16) || !from_hex(v, bytes)) return bad();
      info.host_attributes[id] = std::move(bytes);
    } else {
      return bad();
    }
  }
  if (!valid_barcode(info.barcode)) return Error(Errc::parse_error, p.string() + ": missing or invalid barcode");
  return info;
}

}  // namespace

bool valid_barcode(const std::string& b) {
  if (b.empty() || b.size() > 32) return false;
  for (char c : b)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return false;
  return b != "." && b != "..";
}

Status CartridgeStore::load() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Error(Errc::io_error, "cannot create " + dir_.string() + ": " + ec.message());
  std::lock_guard g(mutex_);
  infos_.clear();
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".meta") continue;
    std::string text = TG_TRY(hal::read_small_file(entry.path()));
    CartridgeInfo info = TG_TRY(parse_meta(entry.path(), text));
    if (entry.path().stem().string() != info.barcode)
      return Error(Errc::parse_error, entry.path().string() + " holds barcode " + info.barcode + ", not its file name");
    infos_[info.barcode] = std::move(info);
  }
  if (ec) return Error(Errc::io_error, "cannot list " + dir_.string() + ": " + ec.message());
  return {};
}

bool CartridgeStore::contains(const std::string& barcode) const {
  std::lock_guard g(mutex_);
  return infos_.count(barcode) != 0;
}

Result<CartridgeInfo> CartridgeStore::get(const std::string& barcode) const {
  std::lock_guard g(mutex_);
  auto it = infos_.find(barcode);
  if (it == infos_.end()) return Error(Errc::not_found, "no cartridge with barcode " + barcode);
  return it->second;
}

Status CartridgeStore::put(const CartridgeInfo& info) {
  if (!valid_barcode(info.barcode)) return Error(Errc::invalid_argument, "invalid barcode '" + info.barcode + "'");
  std::ostringstream s;
  s << "# Tapegate simulated cartridge\n"
    << "barcode=" << info.barcode << "\n"
    << "generation=" << info.generation << "\n"
    << "capacity=" << info.capacity_bytes << "\n"
    << "write_protected=" << (info.write_protected ? 1 : 0) << "\n"
    << "load_count=" << info.load_count << "\n"
    << "medium_serial=" << info.medium_serial << "\n";
  for (const auto& [id, bytes] : info.host_attributes)
    s << "attr." << std::hex << id << std::dec << "=" << to_hex(bytes) << "\n";
  std::lock_guard g(mutex_);
  TG_CHECK(hal::write_file_atomic(dir_ / (info.barcode + ".meta"), s.str(), durable_));
  infos_[info.barcode] = info;
  return {};
}

Result<std::unique_ptr<CartridgeMedium>> CartridgeStore::open_medium(const std::string& barcode) const {
  if (!contains(barcode)) return Error(Errc::not_found, "no cartridge with barcode " + barcode);
  return CartridgeMedium::open(dir_ / barcode);
}

}  // namespace tg::sim
