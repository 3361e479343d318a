#include "drivers/library.hpp"

namespace tg::drivers {

LibraryDrive* Library::drive_by_name(const std::string& n) {
  for (auto& d : drives)
    if (d.drive && d.drive->name() == n) return &d;
  return nullptr;
}

LibraryDrive* Library::drive_by_element(std::uint16_t address) {
  for (auto& d : drives)
    if (d.element_address == address) return &d;
  return nullptr;
}

}  // namespace tg::drivers
