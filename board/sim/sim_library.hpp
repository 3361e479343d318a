#pragma once
// A simulated tape library: one SMC changer LUN and N SSC drive LUNs, each a
// hal::ScsiTarget answering CDBs byte for byte as the hardware does.
// Cartridges are files under <state>/board/; the element map (which
// cartridge is in which slot, mail slot or drive) survives a restart.
//
// LUN numbering (REPORT LUNS, USB Bulk-Only CBW LUN): 0 = changer,
// 1..N = drives in configuration order.
//
// Thread safety: every target may be driven from its own thread; commands
// to one LUN are serialised, the changer's moves lock the drives involved.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "board/sim/sim_config.hpp"
#include "hal/clock.hpp"
#include "hal/result.hpp"
#include "hal/scsi_target.hpp"

namespace tg::sim {

class ChangerTarget;
class TapeDriveTarget;
class CartridgeStore;
class FaultBook;

struct DriveStats {
  std::uint64_t backhitches = 0;        // stop-and-restarts: stalls plus restarts after a flush
  std::uint64_t bytes_written = 0;      // host bytes accepted by WRITE
  std::uint64_t bytes_read = 0;         // bytes returned by READ
  std::uint32_t current_speed_mbps = 0; // speed-matching step in use (0 = model off)
  std::uint64_t stalls = 0;             // underruns: the host was slower than the lowest step
};

struct ElementContents {
  std::uint16_t address = 0;
  std::string barcode;                  // "" = empty
  std::optional<std::uint16_t> source;  // where the cartridge came from
  bool placed_by_operator = false;      // mail slots: IMPEXP
};

class SimLibrary {
 public:
  // state_dir: the library's own directory (normally <state>/board). It is
  // created; an existing element map and cartridges there are reused.
  // clock: drives the speed model; must outlive the library.
  static Result<std::unique_ptr<SimLibrary>> open(const SimConfig& config,
                                                  const std::filesystem::path& state_dir,
                                                  hal::Clock& clock);
  ~SimLibrary();
  SimLibrary(const SimLibrary&) = delete;
  SimLibrary& operator=(const SimLibrary&) = delete;

  const SimConfig& config() const { return config_; }
  const std::filesystem::path& state_dir() const { return state_dir_; }

  // The device side of each LUN.
  hal::ScsiTarget& changer();
  hal::ScsiTarget& drive(std::size_t index);
  std::size_t drive_count() const;
  std::size_t lun_count() const { return 1 + drive_count(); }
  hal::ScsiTarget* lun(std::size_t lun);  // nullptr when out of range

  std::uint16_t drive_element(std::size_t index) const;
  const std::string& drive_serial(std::size_t index) const;
  const std::string& changer_serial() const;
  DriveStats drive_stats(std::size_t index) const;

  // The element map as the library holds it (for tests and status pages).
  std::vector<ElementContents> elements() const;
  std::optional<std::string> barcode_at(std::uint16_t address) const;

  // Operator actions at the mail slots (the I/E station): insert a new or a
  // known cartridge, take one out of the library. Both raise UNIT ATTENTION
  // 28/01 (import or export element accessed) on the changer.
  Status operator_insert(std::uint16_t mailslot, const std::string& barcode);
  Result<std::string> operator_remove(std::uint16_t mailslot);

  // Fault injection (see SimFaults for what each does on the wire).
  Status inject_medium_error(const MediumErrorFault& f);
  Status inject_corrupt_block(const CorruptBlockFault& f);
  // Flip bytes of a block in the cartridge's data file itself (persistent).
  Status corrupt_block_on_disk(const std::string& barcode, std::uint64_t block);
  Status inject_unit_attention(const UnitAttentionFault& f);
  // The cartridge's write-protect tab: persistent, as on a real cartridge.
  Status set_write_protected(const std::string& barcode, bool on);
  // Write protection as an injected fault: until clear_faults(), not stored.
  Status inject_write_protect(const std::string& barcode);
  void set_picker_stuck(bool stuck);
  Status request_cleaning(std::size_t drive_index);
  void clear_faults();

  // Saves the element map (temp + rename). Called after every move; public
  // so a shutdown path can make sure.
  Status save_state();

 private:
  SimLibrary(SimConfig config, std::filesystem::path state_dir, hal::Clock& clock);
  Status start();
  Status write_state(const std::vector<ElementContents>& contents);
  Status write_state_locked();

  SimConfig config_;
  std::filesystem::path state_dir_;
  hal::Clock& clock_;
  std::unique_ptr<FaultBook> faults_;
  std::unique_ptr<CartridgeStore> store_;
  std::mutex state_mutex_;
  std::set<std::string> outside_;  // exported through a mail slot
  std::set<std::uint16_t> ejected_;                // drive elements holding an ejected cartridge
  std::set<std::uint16_t> cleaned_;                // drive elements cleaned since their clean-drive fault
  std::vector<ElementContents> last_contents_;     // as last saved (an ejection saves without the changer)
  std::vector<std::string> drive_serials_;
  std::string changer_serial_;
  std::vector<std::unique_ptr<TapeDriveTarget>> drives_;
  std::unique_ptr<ChangerTarget> changer_;
};

}  // namespace tg::sim
