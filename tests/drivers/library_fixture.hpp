#pragma once
// What the driver suite (library_suite.hpp) needs from a tape library,
// whatever its target: the simulated board through the in-process
// transport (tests/drivers), or a tgt library over iSCSI
// (tests/integration). A fixture is a freshly started library whose
// cartridges sit in storage slots and whose drives are empty.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "hal/clock.hpp"

namespace tg::test {

struct FixtureCartridge {
  std::string barcode;
  std::uint16_t slot = 0;
};

class LibraryFixture {
 public:
  virtual ~LibraryFixture() = default;

  virtual drivers::MediaChanger& changer() = 0;
  virtual std::size_t drive_count() const = 0;
  virtual drivers::TapeDrive& drive(std::size_t index) = 0;
  // The data transfer element of drive `index` in the changer.
  virtual std::uint16_t drive_element(std::size_t index) const = 0;
  // The serial the drive reports in VPD 0x80 (and the changer in DVCID);
  // "" when the target does not report one.
  virtual std::string drive_serial(std::size_t index) const = 0;
  // Cartridges in storage slots when the library starts (at least two).
  virtual std::vector<FixtureCartridge> cartridges() const = 0;
  // Waits (wait_ready) run on this clock: a ManualClock for the
  // simulator, the system clock for a real target.
  virtual hal::Clock& clock() = 0;

  // What the target can do. tgt cannot report positions and has no early
  // warning zone before its end (field notes); the simulator does both.
  virtual bool reports_position() const { return true; }
  virtual bool has_early_warning_zone() const { return true; }
  virtual std::uint64_t cartridge_bytes() const = 0;

  // Fault injection and operator actions; the checks that need them are
  // skipped where the target has none.
  virtual bool can_inject_faults() const { return false; }
  virtual void inject_read_medium_error(const std::string& /*barcode*/, std::uint64_t /*block*/) {}
  virtual void inject_unit_attention(std::size_t /*drive*/) {}
  virtual bool has_operator() const { return false; }
  virtual void operator_insert(std::uint16_t /*mailslot*/, const std::string& /*barcode*/) {}
  virtual std::string operator_remove(std::uint16_t /*mailslot*/) { return {}; }
};

}  // namespace tg::test
