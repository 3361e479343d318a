#pragma once
// SSC tape drive, written only against hal::ScsiTransport. It interprets
// sense: early warning, filemark and end of data are outcomes, not errors.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/scsi/drive_counters_page.hpp"
#include "drivers/scsi/sequential_access_page.hpp"
#include "drivers/scsi_lun.hpp"
#include "hal/clock.hpp"
#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::drivers {

struct DeviceIdentity {
  std::uint8_t peripheral_type = 0;  // 0x01 tape, 0x08 changer
  std::string vendor, product, revision;
  std::string serial;                // VPD 0x80
  std::vector<std::string> designators;  // VPD 0x83, printable form
};

struct BlockLimits {
  std::uint8_t granularity = 0;
  std::uint32_t max_block = 0;  // 0 = no limit reported
  std::uint16_t min_block = 0;
};

struct MediumInfo {
  bool present = false;
  bool write_protected = false;
  std::uint8_t density_code = 0;   // LTO generation, e.g. 0x60 LTO-9
  std::string density_name;        // "LTO-9"
  std::uint32_t block_size = 0;    // 0 = variable
  bool compression = false;
  bool worm = false;
};

// What a write came back with. Every byte passed was accepted by the drive
// unless an Error was returned.
struct WriteStatus {
  bool early_warning = false;   // EOM/EW: finish cleanly, then change cartridge
};

enum class ReadKind : std::uint8_t { data, filemark, end_of_data };
struct ReadStatus {
  ReadKind kind = ReadKind::data;
  std::size_t length = 0;        // bytes of the block placed in the buffer
  bool truncated = false;        // block was longer than the buffer (data lost)
  std::size_t block_length = 0;  // actual block length when known
};

enum class SpaceCode : std::uint8_t { blocks = 0, filemarks = 1, end_of_data = 3 };
struct SpaceStatus {
  std::int64_t residual = 0;     // count not spaced (stopped at filemark/EOD/BOP)
  bool hit_filemark = false, hit_end_of_data = false, hit_beginning = false;
};

struct TapeAlert {
  std::uint8_t flag;             // 1..64
  const char* name;              // "Cleaning required", ...
  const char* severity;          // "critical" / "warning" / "information"
};

// What the driver last read of the drive's logs, kept so others can show it
// without asking the drive again: TapeAlert flags clear when read (SSC-4
// 8.2.3), so a second reader would steal them from the first, and a drive a
// job is using takes no commands from anyone else.
struct DriveReadings {
  std::optional<std::vector<TapeAlert>> tape_alerts;  // the flags set at the last read
  std::optional<scsi::DriveCounters> counters;        // backhitches and stalls (page 0x30)
  std::optional<scsi::SequentialAccessCounters> data;  // bytes (page 0x0C)
};

struct MamAttribute {
  std::uint16_t id = 0;
  std::string name;              // "Barcode", "Medium serial number", ...
  std::string value;             // printable rendering
};

class TapeDrive {
 public:
  // name: the operator's name for it ("drive0"); used in every error.
  TapeDrive(hal::ScsiTransport& transport, std::string name);

  const std::string& name() const { return name_; }
  hal::ScsiTransport& transport() { return transport_; }

  Result<DeviceIdentity> identify();
  Status test_unit_ready();
  // Polls TEST UNIT READY, absorbing unit attentions, until ready or timeout.
  // NOT READY (becoming ready, no medium yet) is waited out, polling once a
  // second on `clock`; any other error ends the wait at once.
  Status wait_ready(std::chrono::milliseconds timeout);
  Status wait_ready(std::chrono::milliseconds timeout, hal::Clock& clock);
  Status load();
  Status unload();
  Status rewind();
  Result<BlockLimits> block_limits();
  Result<MediumInfo> medium_info();
  Status set_block_size(std::uint32_t bytes);  // 0 = variable
  Status set_compression(bool on);
  Status prevent_removal(bool prevent);

  // Variable mode: one block of block.size() bytes. Fixed mode: a whole
  // number of blocks. VOLUME OVERFLOW -> Errc::volume_overflow (not written).
  Result<WriteStatus> write(std::span<const std::uint8_t> block);
  // IMMED=0: returns after the drive's buffer is on tape (a sync: the tape
  // stops, the next write costs a backhitch). count 0 = flush.
  Result<WriteStatus> write_filemarks(std::uint32_t count);
  // IMMED=1: the filemarks join the buffer and the tape keeps streaming;
  // nothing is durable until a later sync. An error may be reported on a
  // later command (deferred sense).
  Result<WriteStatus> write_filemarks_buffered(std::uint32_t count);
  // Variable mode: one block into buf (SILI off; ILI handled). Fixed mode:
  // buf.size()/block_size blocks.
  Result<ReadStatus> read(std::span<std::uint8_t> buf);
  Result<SpaceStatus> space(SpaceCode code, std::int32_t count);
  // Logical object (block) number from READ POSITION; falls back to the
  // driver's own count when the device reports the position as unknown.
  Result<std::uint64_t> position();
  // LOCATE to a logical object (block or filemark). A drive that answers
  // LOCATE with INVALID COMMAND OPERATION CODE (tgt, old DDS drives, some
  // VTLs) is remembered as having none: this and every later locate is
  // done with REWIND (when going back or the position is unknown) and
  // SPACE blocks forward. Locating past end of data is Errc::blank_check.
  Status locate(std::uint64_t logical_object);
  // False once the drive refused LOCATE as an unknown command.
  bool has_locate() const { return has_locate_; }
  // Where the driver reports what the operator should know once (the drive
  // has no LOCATE); set by whoever owns the event log. Default: dropped.
  void set_notice_sink(std::function<void(const std::string&)> sink) { notice_ = std::move(sink); }
  Status erase(bool long_erase);
  Result<std::vector<TapeAlert>> tape_alerts();
  // How often the tape stopped and restarted (backhitches, stalls), from
  // the simulated drive's vendor log page 0x30. std::nullopt when the drive
  // does not keep such counts where we can read them (any drive not of
  // vendor TAPEGATE, or one that refuses the page): "not available", which
  // is neither an error nor zero. The vendor is asked once per driver.
  Result<std::optional<scsi::DriveCounters>> drive_counters();
  // Bytes to and from the host and the medium since the drive's power-on
  // (LOG SENSE 0x0C); std::nullopt when the drive has no such page.
  Result<std::optional<scsi::SequentialAccessCounters>> data_counters();
  // The last successful reads of the three above; any thread may ask.
  DriveReadings last_readings() const;
  // Medium auxiliary memory. A drive or cartridge without MAM (ILLEGAL
  // REQUEST) gives an empty list, not an error.
  Result<std::vector<MamAttribute>> mam_attributes();

  // The driver's own logical object count (what position() falls back to);
  // empty when unknown (after errors, SPACE over filemarks, power-on).
  std::optional<std::uint64_t> tracked_position() const { return tracked_position_; }
  // True after the transport reported a lost position (reconnect) until
  // rewind() or locate() succeeds; write(), write_filemarks() and erase()
  // refuse meanwhile (Errc::position_lost).
  bool position_lost() const { return position_lost_; }
  // The block size the driver writes with (0 = variable), as last read by
  // medium_info() or set by set_block_size().
  std::uint32_t block_size() const { return block_size_; }

 private:
  // Every command goes through here: it latches a lost position reported by
  // the transport, then runs the CDB (see ScsiLun::run).
  Result<Completion> run(const char* op, std::span<const std::uint8_t> cdb, hal::DataDirection direction,
                         std::span<const std::uint8_t> out, std::span<std::uint8_t> in,
                         std::chrono::milliseconds timeout);
  Status run_no_data(const char* op, std::span<const std::uint8_t> cdb, std::chrono::milliseconds timeout);
  // LOG SENSE of one page into `buf`: the reply's bytes, or std::nullopt
  // when the drive has no such page (ILLEGAL REQUEST); other sense is an
  // error naming `op`.
  Result<std::optional<Bytes>> log_page(const char* op, std::uint8_t page, std::span<std::uint8_t> buf);
  Status refuse_if_position_lost(const char* op);
  Result<WriteStatus> write_filemarks(std::uint32_t count, bool immediate);
  void advance(std::uint64_t objects);
  Status locate_by_spacing(std::uint64_t logical_object);  // tape_drive_locate.cpp
  Status rewind_for_locate();
  Result<std::vector<std::uint8_t>> mode_sense(std::uint8_t page, bool dbd);

  hal::ScsiTransport& transport_;
  std::string name_;
  ScsiLun lun_;
  bool position_lost_ = false;
  std::optional<bool> long_position_supported_;
  bool has_locate_ = true;
  std::function<void(const std::string&)> notice_;
  std::uint32_t block_size_ = 0;
  std::optional<bool> has_counters_page_;  // vendor TAPEGATE; unknown until first asked
  mutable std::mutex readings_mu_;  // last_ is read by other threads than the drive's user
  DriveReadings last_;
  // Our own count of logical objects since the last known position; tgt
  // cannot report positions (field notes), so the driver keeps one.
  std::optional<std::uint64_t> tracked_position_;
};

}  // namespace tg::drivers
