#pragma once
// The SPC half every simulated LUN shares: an opcode table where every
// opcode defaults to ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE
// (20/00), unit attentions, REQUEST SENSE, INQUIRY (standard, VPD 0x00,
// 0x80, 0x83), TEST UNIT READY, REPORT LUNS, PREVENT ALLOW MEDIUM REMOVAL,
// MODE SENSE/SELECT (6)/(10) framing and LOG SENSE framing. Device classes
// (SSC drive, SMC changer) register their own handlers and supply pages.
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "board/sim/condition.hpp"
#include "board/sim/sim_config.hpp"
#include "hal/scsi_target.hpp"

namespace tg::sim {

struct Command {
  std::span<const std::uint8_t> cdb;
  std::span<const std::uint8_t> data_out;
  std::span<std::uint8_t> data_in;
};

// Copies a reply built in a scratch buffer into the initiator's buffer,
// truncated to the allocation length (SPC-4 4.2.5.6: truncation is not an
// error) and returns the GOOD reply with the count actually transferred.
hal::TargetReply reply_data(std::span<const std::uint8_t> data, std::size_t allocation,
                            std::span<std::uint8_t> data_in);

enum class PageControl : std::uint8_t { current = 0, changeable = 1, defaults = 2, saved = 3 };

struct ModeSelectData {
  std::optional<std::uint8_t> device_specific;          // header byte (tape: buffered mode)
  std::optional<std::array<std::uint8_t, 8>> block_descriptor;
  std::size_t block_descriptor_offset = 0;              // in the parameter list, for field pointers
  std::vector<std::pair<std::size_t, std::span<const std::uint8_t>>> pages;  // offset, bytes
};

class SpcTarget : public hal::ScsiTarget {
 public:
  hal::TargetReply handle(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out,
                          std::span<std::uint8_t> data_in) final;

  // Queue a unit attention (SPC-4 5.14); reported once by the next command
  // other than INQUIRY, REPORT LUNS and REQUEST SENSE.
  void queue_unit_attention(scsi::AscPair code);
  const std::string& serial() const { return serial_; }
  bool removal_prevented() const;

 protected:
  using Handler = std::function<hal::TargetReply(const Command&)>;

  SpcTarget(std::uint8_t peripheral_type, bool removable, Personality personality, std::string serial,
            std::size_t lun_count);

  void on(std::uint8_t opcode, Handler h);
  // For handlers and code that already hold lock_.
  bool removal_prevented_locked() const { return prevent_; }
  void queue_unit_attention_locked(scsi::AscPair code) { unit_attentions_.push_back(code); }

  // Called under lock_: the condition that makes media commands fail
  // (NOT READY 3A/00...), or nullopt when ready. Changers are always ready.
  virtual std::optional<Condition> not_ready() const { return std::nullopt; }

  // MODE SENSE hooks. mode_page appends page `page` (never 0x3F) and
  // returns false when the device has no such page.
  virtual bool mode_page(std::uint8_t page, PageControl pc, std::vector<std::uint8_t>& out) const = 0;
  virtual std::vector<std::uint8_t> mode_pages_supported() const = 0;
  virtual std::uint8_t mode_device_specific() const { return 0; }
  virtual std::uint8_t mode_medium_type() const { return 0; }
  // 8-byte short block descriptor, when the device has one.
  virtual std::optional<std::array<std::uint8_t, 8>> block_descriptor() const { return std::nullopt; }
  // Applies a parsed MODE SELECT parameter list; offsets for field pointers.
  virtual std::optional<Condition> mode_select(const ModeSelectData& data) = 0;

  // LOG SENSE hooks: supported pages (0x00 is added) and their contents
  // (parameters only; the 4-byte page header is added).
  virtual std::vector<std::uint8_t> log_pages_supported() const { return {}; }
  virtual bool log_page(std::uint8_t page, std::vector<std::uint8_t>& params) { (void)page; (void)params; return false; }

  virtual std::vector<std::uint8_t> vpd_device_identifiers() const;  // VPD 0x83 descriptors

  // The condition REQUEST SENSE returns when none is pending.
  Condition idle_sense() const;

  mutable std::mutex lock_;  // one command at a time per LUN; also guards derived state
  const std::uint8_t peripheral_type_;
  const Personality personality_;

 private:
  hal::TargetReply inquiry(const Command& c);
  hal::TargetReply test_unit_ready(const Command& c);
  hal::TargetReply request_sense(const Command& c);
  hal::TargetReply report_luns(const Command& c);
  hal::TargetReply prevent_allow(const Command& c);
  hal::TargetReply mode_sense(const Command& c);
  hal::TargetReply mode_select_cmd(const Command& c);
  hal::TargetReply log_sense(const Command& c);

  std::array<Handler, 256> table_{};
  bool removable_;
  std::string serial_;
  std::size_t lun_count_;
  std::deque<scsi::AscPair> unit_attentions_;
  std::optional<std::array<std::uint8_t, kFixedSenseLength>> last_sense_;  // for REQUEST SENSE
  bool prevent_ = false;
};

}  // namespace tg::sim
