#include "firmware/console/element_ref.hpp"

namespace tg::firmware::console {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
}

Result<std::uint32_t> number_after(const std::vector<std::string>& args, std::size_t& pos, const char* what) {
  if (pos >= args.size()) return Error(Errc::invalid_argument, std::string("'") + what + "' needs a number");
  const auto& w = args[pos];
  if (!all_digits(w) || std::stoul(w) == 0)
    return Error(Errc::invalid_argument, std::string("'") + what + " " + w + "': expected a number from 1");
  ++pos;
  return static_cast<std::uint32_t>(std::stoul(w));
}

}  // namespace


Result<ElementRef> take_element_ref(const std::vector<std::string>& args, std::size_t& pos) {
  if (pos >= args.size()) return Error(Errc::invalid_argument, "missing element (barcode, slot N, drive NAME, mail N or address)");
  const std::string w = args[pos++];
  ElementRef r;
  if (w == "slot" || w == "mail") {
    r.kind = w == "slot" ? ElementRef::Kind::slot : ElementRef::Kind::mail;
    r.number = TG_TRY(number_after(args, pos, w.c_str()));
    r.text = w + " " + std::to_string(r.number);
    return r;
  }
  if (w == "drive" || w == "barcode") {
    if (pos >= args.size()) return Error(Errc::invalid_argument, "'" + w + "' needs a name");
    r.kind = w == "drive" ? ElementRef::Kind::drive : ElementRef::Kind::barcode;
    r.text = args[pos++];
    return r;
  }
  if (all_digits(w)) {
    if (std::stoul(w) > 0xFFFF) return Error(Errc::invalid_argument, "element address " + w + " is out of range (0-65535)");
    r.kind = ElementRef::Kind::address;
    r.number = static_cast<std::uint32_t>(std::stoul(w));
    r.text = w;
    return r;
  }
  r.kind = ElementRef::Kind::word;
  r.text = w;
  return r;
}

Result<const drivers::ElementStatus*> resolve_element(const ElementRef& ref, const drivers::Inventory& inv,
                                                      drivers::Library& lib) {
  using K = ElementRef::Kind;
  switch (ref.kind) {
    case K::address: {
      auto* e = inv.find_address(static_cast<std::uint16_t>(ref.number));
      if (!e) return Error(Errc::not_found, "the changer has no element at address " + ref.text);
      return e;
    }
    case K::slot:
    case K::mail: {
      auto list = inv.of_type(ref.kind == K::slot ? drivers::ElementType::storage : drivers::ElementType::import_export);
      if (ref.number > list.size())
        return Error(Errc::not_found, "there is no " + ref.text + "; the library has " + std::to_string(list.size()) +
                                          (ref.kind == K::slot ? " slots" : " mail slots"));
      return list[ref.number - 1];
    }
    case K::drive:
    case K::word: {
      if (auto* d = lib.drive_by_name(ref.text)) {
        auto* e = inv.find_address(d->element_address);
        if (!e) return Error(Errc::not_found, "drive " + ref.text + " sits at element " + std::to_string(d->element_address) +
                                                  ", which the changer does not report");
        return e;
      }
      if (ref.kind == K::drive) {
        std::string names;
        for (const auto& d : lib.drives) names += (names.empty() ? "" : ", ") + (d.drive ? d.drive->name() : std::string("?"));
        return Error(Errc::not_found, "no drive named '" + ref.text + "'; drives: " + (names.empty() ? "none" : names));
      }
      [[fallthrough]];
    }
    case K::barcode: {
      if (auto* e = inv.find_barcode(ref.text)) return e;
      return Error(Errc::not_found, "no cartridge with barcode " + ref.text + " in the library (and no drive of that name)");
    }
  }
  return Error(Errc::internal, "unhandled element reference");
}

std::string element_label(const drivers::ElementStatus& e, const drivers::Inventory& inv, drivers::Library& lib) {
  if (e.type == drivers::ElementType::data_transfer) {
    if (auto* d = lib.drive_by_element(e.address); d && d->drive) return "drive " + d->drive->name();
    return "drive at " + std::to_string(e.address);
  }
  auto list = inv.of_type(e.type);
  std::size_t index = 0;
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i]->address == e.address) index = i + 1;
  return std::string(drivers::element_type_name(e.type)) + " " + std::to_string(index);
}

std::string element_label_long(const drivers::ElementStatus& e, const drivers::Inventory& inv, drivers::Library& lib) {
  return element_label(e, inv, lib) + " (address " + std::to_string(e.address) + ")";
}

}  // namespace tg::firmware::console
