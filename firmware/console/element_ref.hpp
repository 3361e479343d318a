#pragma once
// How an operator names a place in the library. Accepted forms (one or two
// words):
//   1026            an element address, as the changer reports it
//   slot 3          the 3rd storage slot, counted from 1 in address order
//   mail 1          the 1st import/export (mail) slot
//   drive drive0    a drive by name (a bare drive name also works)
//   TP0001L9        the element holding the cartridge with that barcode
//   barcode 123456  a barcode, when it would read as an address
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "drivers/media_changer.hpp"
#include "hal/result.hpp"

namespace tg::firmware::console {

struct ElementRef {
  enum class Kind : std::uint8_t { address, slot, mail, drive, barcode, word } kind = Kind::word;
  std::string text;         // the name or barcode as typed
  std::uint32_t number = 0; // address or 1-based index
};

// Consumes one or two words starting at args[pos]; advances pos.
Result<ElementRef> take_element_ref(const std::vector<std::string>& args, std::size_t& pos);

// The element the reference names in this inventory.
Result<const drivers::ElementStatus*> resolve_element(const ElementRef& ref, const drivers::Inventory& inv,
                                                      drivers::Library& lib);

// "slot 3", "drive drive0", "mail slot 1", "picker 1" (from the address).
std::string element_label(const drivers::ElementStatus& e, const drivers::Inventory& inv, drivers::Library& lib);
// "slot 3 (address 1026)".
std::string element_label_long(const drivers::ElementStatus& e, const drivers::Inventory& inv, drivers::Library& lib);

}  // namespace tg::firmware::console
