// READ ELEMENT STATUS replies and the element address assignment page: the
// changer describes its own geometry, so every length in it is untrusted.
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/scsi/element_status.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tg::Bytes in(data, size);
  (void)tg::scsi::parse_element_status(in);
  (void)tg::scsi::parse_element_address_page(in);
  return 0;
}
