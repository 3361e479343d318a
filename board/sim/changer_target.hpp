#pragma once
// A simulated medium changer LUN (SMC-3): READ ELEMENT STATUS with volume
// tags and drive identifiers (DVCID), truncated to the allocation length
// with the full "bytes available" counts; MODE SENSE pages 0x1D (element
// address assignment), 0x1E (transport geometry), 0x1F (device
// capabilities); MOVE MEDIUM; INITIALIZE ELEMENT STATUS (+ WITH RANGE);
// POSITION TO ELEMENT; mail slots with IMPEXP for operator actions.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "board/sim/fault_book.hpp"
#include "board/sim/sim_library.hpp"
#include "board/sim/spc_target.hpp"
#include "board/sim/tape_drive_target.hpp"
#include "drivers/scsi/cdb_smc.hpp"
#include "drivers/scsi/opcodes.hpp"

namespace tg::sim {

// SMC-3 element type codes, as the drivers name them.
using ElementType = scsi::ElementTypeCode;

struct ChangerElement {
  ElementType type = ElementType::storage;
  std::uint16_t address = 0;
  std::string barcode;                  // "" = empty
  std::optional<std::uint16_t> source;  // SVALID + source storage element address
  bool impexp = false;                  // mail slots: placed by the operator
  TapeDriveTarget* drive = nullptr;     // data transfer elements
  std::uint8_t drive_lun = 0;
};

using PersistElements = std::function<Status(const std::vector<ElementContents>&)>;

class ChangerTarget final : public SpcTarget {
 public:
  // elements: every element, any order (kept sorted by address).
  ChangerTarget(Personality personality, std::string serial, std::size_t lun_count,
                std::vector<ChangerElement> elements, FaultBook& faults, PersistElements persist);

  std::vector<ElementContents> contents() const;
  Status operator_insert(std::uint16_t mailslot, const std::string& barcode);
  Result<std::string> operator_remove(std::uint16_t mailslot);
  // Where a barcode is, if in the library.
  std::optional<std::uint16_t> find(const std::string& barcode) const;

 private:
  bool mode_page(std::uint8_t page, PageControl pc, std::vector<std::uint8_t>& out) const override;
  std::vector<std::uint8_t> mode_pages_supported() const override {
    return {scsi::mode_page::element_address_assignment, scsi::mode_page::transport_geometry,
            scsi::mode_page::device_capabilities};
  }
  std::optional<Condition> mode_select(const ModeSelectData& data) override;

  hal::TargetReply read_element_status(const Command& c);  // element_status.cpp
  hal::TargetReply move_medium(const Command& c);
  hal::TargetReply initialize_element_status(const Command& c);
  hal::TargetReply position_to_element(const Command& c);

  ChangerElement* at(std::uint16_t address);
  const ChangerElement* at(std::uint16_t address) const;
  struct Range { std::uint16_t first = 0, count = 0; };
  Range range_of(ElementType type) const;
  std::vector<ElementContents> contents_locked() const;
  Status persist();

  std::vector<ChangerElement> elements_;  // sorted by address
  FaultBook& faults_;
  PersistElements persist_;
};

}  // namespace tg::sim
