#pragma once
// What the firmware gets from a board: the changer and the drives, with the
// changer element each drive sits in. Owned by the board.
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/media_changer.hpp"
#include "drivers/operator_hands.hpp"
#include "drivers/tape_drive.hpp"

namespace tg::drivers {

struct LibraryDrive {
  TapeDrive* drive = nullptr;
  std::uint16_t element_address = 0;  // data transfer element in the changer
};

struct Library {
  std::string name;
  MediaChanger* changer = nullptr;
  std::vector<LibraryDrive> drives;
  std::vector<std::string> transports;  // descriptions for banners/status
  // The operator's hands at the mail slots: set by simulated boards only.
  OperatorHands* hands = nullptr;

  LibraryDrive* drive_by_name(const std::string& n);
  LibraryDrive* drive_by_element(std::uint16_t address);
};

}  // namespace tg::drivers
