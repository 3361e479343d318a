#include "board/sim/library_state.hpp"

#include <charconv>
#include <sstream>

#include "board/sim/cartridge_store.hpp"

namespace tg::sim {

std::string format_library_state(const LibraryState& s) {
  std::ostringstream o;
  o << "# Tapegate simulated library: element map (address barcode source impexp)\n";
  for (const auto& e : s.occupied) {
    if (e.barcode.empty()) continue;
    o << "element " << e.address << ' ' << e.barcode << ' ';
    if (e.source) o << *e.source;
    else o << '-';
    o << ' ' << (e.placed_by_operator ? 1 : 0) << '\n';
  }
  for (const auto& b : s.outside) o << "outside " << b << '\n';
  for (auto a : s.ejected) o << "ejected " << a << '\n';
  for (auto a : s.cleaned) o << "cleaned " << a << '\n';
  return o.str();
}

Result<LibraryState> parse_library_state(const std::string& text, const std::string& where) {
  LibraryState s;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto num = [](const std::string& t, std::uint16_t& v) {
    auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    return r.ec == std::errc() && r.ptr == t.data() + t.size();
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string kind, a, b, src, imp, extra;
    ls >> kind;
    auto bad = [&](const std::string& why) {
      return Error(Errc::parse_error, where + ":" + std::to_string(n) + ": " + why + ": '" + line + "'");
    };
    if (kind == "element") {
      ls >> a >> b >> src >> imp;
      ElementContents e;
      if (!num(a, e.address)) return bad("bad element address");
      if (!valid_barcode(b)) return bad("bad barcode");
      e.barcode = b;
      if (src != "-") {
        std::uint16_t v = 0;
        if (!num(src, v)) return bad("bad source address");
        e.source = v;
      }
      if (imp != "0" && imp != "1") return bad("bad impexp flag");
      e.placed_by_operator = imp == "1";
      s.occupied.push_back(e);
    } else if (kind == "ejected" || kind == "cleaned") {
      ls >> a;
      std::uint16_t v = 0;
      if (!num(a, v)) return bad("bad element address");
      (kind == "ejected" ? s.ejected : s.cleaned).insert(v);
    } else if (kind == "outside") {
      ls >> b;
      if (!valid_barcode(b)) return bad("bad barcode");
      s.outside.insert(b);
    } else {
      return bad("unknown entry");
    }
    if (ls >> extra) return bad("trailing text");
  }
  return s;
}

}  // namespace tg::sim
