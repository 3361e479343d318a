#pragma once
// SMC media changer, written only against hal::ScsiTransport. Element
// addresses come from the device, never assumed.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/scsi_lun.hpp"
#include "drivers/tape_drive.hpp"  // DeviceIdentity
#include "hal/clock.hpp"
#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::drivers {

enum class ElementType : std::uint8_t { all = 0, transport = 1, storage = 2, import_export = 3, data_transfer = 4 };
const char* element_type_name(ElementType t);  // "picker", "slot", "mail slot", "drive"

struct ElementRange {
  std::uint16_t first = 0;
  std::uint16_t count = 0;
};

// MODE SENSE page 0x1D.
struct ElementAddressAssignment {
  ElementRange transport, storage, import_export, data_transfer;
};

struct ElementStatus {
  ElementType type = ElementType::storage;
  std::uint16_t address = 0;
  bool full = false;
  bool except = false;          // abnormal state; asc/ascq say why
  std::uint8_t asc = 0, ascq = 0;
  bool access = true;
  bool import_export_enabled = false;  // IMPEXP: placed by operator (mail slots)
  std::optional<std::uint16_t> source;  // SVALID: where the cartridge came from
  std::string barcode;          // primary volume tag, trailing spaces removed
  std::string drive_serial;     // DVCID identifier (drives)
};

struct Inventory {
  std::vector<ElementStatus> elements;  // every element, in address order per type
  const ElementStatus* find_barcode(const std::string& barcode) const;
  const ElementStatus* find_address(std::uint16_t address) const;
  std::vector<const ElementStatus*> of_type(ElementType t) const;
};

class MediaChanger {
 public:
  MediaChanger(hal::ScsiTransport& transport, std::string name);
  const std::string& name() const { return name_; }

  Result<DeviceIdentity> identify();
  Status test_unit_ready();
  // Polls TEST UNIT READY until ready, absorbing unit attentions (power on,
  // 28/01 after the operator used the mail slots); see wait_until_ready.
  Status wait_ready(std::chrono::milliseconds timeout, hal::Clock& clock);
  Result<ElementAddressAssignment> element_map();
  // READ ELEMENT STATUS with volume tags (and DVCID for drives), paged so
  // large libraries fit in bounded replies.
  Result<Inventory> inventory();
  Status move(std::uint16_t from, std::uint16_t to);
  Status initialize_element_status();
  // Moves every full mail slot to a free storage slot; returns the barcodes.
  Result<std::vector<std::string>> import_mailslots();
  // Moves a cartridge to a free mail slot; returns the mail-slot address.
  Result<std::uint16_t> export_to_mailslot(std::uint16_t from);

  // Largest READ ELEMENT STATUS reply asked for at once (default 64 KiB);
  // bigger libraries are read in pages by starting address.
  void set_inventory_allocation(std::uint32_t bytes) { inventory_allocation_ = bytes; }
  // The operator's name of an element: "slot 1004", "drive 500", "mail slot
  // 10", "picker 1"; "element N" when the map does not place it.
  std::string element_label(std::uint16_t address) const;

 private:
  Status read_type(ElementType type, ElementRange range, Inventory& out);

  std::string name_;
  ScsiLun lun_;
  std::optional<ElementAddressAssignment> map_;
  std::uint32_t inventory_allocation_ = 64 * 1024;
};

}  // namespace tg::drivers
