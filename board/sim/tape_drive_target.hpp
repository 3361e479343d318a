#pragma once
// A simulated LTO drive LUN (SSC-4): the SPC commands of SpcTarget plus
// READ BLOCK LIMITS, REPORT DENSITY SUPPORT, READ/WRITE(6) fixed and
// variable, WRITE FILEMARKS,
// SPACE(6)/(16), READ POSITION short/long/extended, LOCATE(10)/(16),
// REWIND, LOAD UNLOAD, ERASE, READ/WRITE ATTRIBUTE (MAM), mode pages 0x0F
// (data compression) and 0x10 (device configuration), log pages 0x02, 0x03,
// 0x0C, 0x2E (TapeAlert) and 0x30 (vendor TAPEGATE only: speed model
// counters, board/README.md).
//
// The changer moves cartridges in and out through insert()/remove(); like a
// real LTO drive, an inserted cartridge is loaded (threaded) at once and the
// drive raises UNIT ATTENTION 28/00.
#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "board/sim/cartridge_store.hpp"
#include "board/sim/fault_book.hpp"
#include "board/sim/lto.hpp"
#include "board/sim/sim_library.hpp"
#include "board/sim/speed_model.hpp"
#include "board/sim/spc_target.hpp"
#include "drivers/scsi/cdb_ssc.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "drivers/scsi/tape_alert.hpp"

namespace tg::sim {

struct TapeDriveSetup {
  LtoGeneration generation;
  Personality personality;
  std::string serial;
  std::size_t lun_count = 1;
  std::uint32_t max_block = 1u << 20;
  std::uint64_t early_warning_bytes = 0;  // 0 = automatic per cartridge
  bool sync_on_flush = true;
  SpeedModelConfig speed;
  DriveQuirks quirks;
};

class TapeDriveTarget final : public SpcTarget {
 public:
  TapeDriveTarget(TapeDriveSetup setup, CartridgeStore& store, FaultBook& faults, hal::Clock& clock);
  ~TapeDriveTarget() override;

  // Changer side. insert: the cartridge enters and is loaded. remove: the
  // drive rewinds, flushes and ejects; Errc::busy when removal is prevented.
  // power_on: the cartridge was already in the drive when the library
  // (re)started: no load counted, no 28/00 (the power-on 29/00 covers it).
  // threaded=false with power_on: the cartridge was ejected before the
  // restart and still waits in the drive unthreaded.
  Status insert(const std::string& barcode, bool power_on = false, bool threaded = true);
  Result<std::string> remove();
  std::optional<std::string> cartridge() const;

  void set_write_protected(const std::string& barcode, bool on);
  void request_cleaning();
  // Told (under the drive's lock: it must take no lock but its own) when an
  // SSC UNLOAD ejects the cartridge (true) or a LOAD threads it again or the
  // changer takes it out (false), so the library can keep that over a restart.
  void set_ejected_observer(std::function<void(bool ejected)> f) { ejected_observer_ = std::move(f); }
  // Told (the same way) when a cleaning cartridge has cleaned the heads.
  void set_cleaned_observer(std::function<void()> f) { cleaned_observer_ = std::move(f); }
  DriveStats stats() const;

  // The early-warning zone for a cartridge of `capacity` bytes.
  std::uint64_t early_warning_for(std::uint64_t capacity) const;

 private:
  std::optional<Condition> not_ready() const override;
  bool mode_page(std::uint8_t page, PageControl pc, std::vector<std::uint8_t>& out) const override;
  std::vector<std::uint8_t> mode_pages_supported() const override {
    return {scsi::mode_page::data_compression, scsi::mode_page::device_configuration};
  }
  std::uint8_t mode_device_specific() const override;
  std::optional<std::array<std::uint8_t, 8>> block_descriptor() const override;
  std::optional<Condition> mode_select(const ModeSelectData& data) override;
  std::vector<std::uint8_t> log_pages_supported() const override;
  bool answers_speed_page() const;
  bool log_page(std::uint8_t page, std::vector<std::uint8_t>& params) override;

  // tape_drive_io.cpp
  hal::TargetReply read_block_limits(const Command& c);
  hal::TargetReply report_density_support(const Command& c);
  hal::TargetReply read6(const Command& c);
  hal::TargetReply write6(const Command& c);
  hal::TargetReply write_filemarks(const Command& c);
  hal::TargetReply erase(const Command& c);
  // tape_drive_position.cpp
  hal::TargetReply space(const Command& c);
  hal::TargetReply locate(const Command& c);
  hal::TargetReply read_position(const Command& c);
  hal::TargetReply rewind(const Command& c);
  hal::TargetReply load_unload(const Command& c);
  // tape_drive_mam.cpp
  hal::TargetReply read_attribute(const Command& c);
  hal::TargetReply write_attribute(const Command& c);

  hal::TargetReply space_objects(std::int64_t count, scsi::SpaceCode code);
  hal::TargetReply space_blocks_counting_filemarks(std::int64_t count);
  std::optional<Condition> write_protected_check();
  std::uint64_t offset_at(std::uint64_t position) const;
  bool beyond_early_warning(std::uint64_t bytes) const;
  Status flush();
  Status unthread();
  // Flags 1..64 (scsi::tape_alert names them), bit flag - 1.
  void raise_alert(std::uint8_t flag) { alerts_.set(static_cast<std::size_t>(flag - 1)); }
  void clear_alert(std::uint8_t flag) { alerts_.reset(static_cast<std::size_t>(flag - 1)); }
  Condition io_failure(const Error& e);

  TapeDriveSetup setup_;
  CartridgeStore& store_;
  FaultBook& faults_;
  SpeedModel speed_;

  std::optional<CartridgeInfo> cart_;        // in the drive (threaded or not)
  std::unique_ptr<CartridgeMedium> medium_;  // open while threaded
  bool threaded_ = false;
  std::uint64_t pos_ = 0;                    // logical object number
  std::uint32_t block_size_ = 0;             // 0 = variable
  bool compression_ = true;                  // LTO drives compress by default
  std::function<void(bool)> ejected_observer_;
  std::function<void()> cleaned_observer_;
  bool cleaning_requested_ = false;
  std::bitset<64> alerts_;                   // TapeAlert flags 1..64
  std::uint64_t bytes_written_ = 0, bytes_read_ = 0;
  std::uint64_t write_errors_ = 0, read_errors_ = 0;
};

}  // namespace tg::sim
