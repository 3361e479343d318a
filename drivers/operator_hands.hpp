#pragma once
// What an operator does at a library's mail slots (the I/E station): put a
// cartridge in, take one out. Only a simulated library has hands the
// firmware can move; a real library's operator acts at the library itself.
// Addresses are the changer's element addresses of mail slots.
#include <cstdint>
#include <string>

#include "hal/result.hpp"

namespace tg::drivers {

class OperatorHands {
 public:
  virtual ~OperatorHands() = default;
  // A new (blank) cartridge, or one taken out earlier with its data.
  // Errc::element_full when the mail slot holds one, Errc::busy when the
  // barcode is in the library already.
  virtual Status put_in(std::uint16_t mailslot, const std::string& barcode) = 0;
  // Takes the cartridge out of the library (its data kept outside it); the
  // barcode. Errc::element_empty when the mail slot is empty.
  virtual Result<std::string> take_out(std::uint16_t mailslot) = 0;
};

}  // namespace tg::drivers
