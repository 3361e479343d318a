#pragma once
// One owner per drive (field lessons: a restore used a volume another job was
// still unloading). The job engine and the console reserve a drive before
// they move a cartridge into it or talk to it, and record what is loaded, so
// nobody else touches it meanwhile. A DriveLease releases on destruction.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "hal/result.hpp"

namespace tg::firmware::pools {

struct DriveStatus {
  std::string drive;                    // TapeDrive::name()
  std::uint16_t element_address = 0;
  std::optional<std::string> owner;     // "job 12 backup nightly", "console"
  std::optional<std::string> loaded;    // barcode believed loaded, if known
};

class DriveReservations;

class [[nodiscard]] DriveLease {
 public:
  DriveLease(DriveLease&& o) noexcept;
  DriveLease& operator=(DriveLease&&) = delete;
  DriveLease(const DriveLease&) = delete;
  ~DriveLease();

  drivers::LibraryDrive& library_drive() { return *drive_; }
  DriveReservations& reservations() { return *owner_; }
  drivers::TapeDrive& drive() { return *drive_->drive; }
  const std::string& name() const;
  std::optional<std::string> loaded() const;
  void set_loaded(std::optional<std::string> barcode);
  void release();

 private:
  friend class DriveReservations;
  DriveLease(DriveReservations* r, drivers::LibraryDrive* d) : owner_(r), drive_(d) {}
  DriveReservations* owner_ = nullptr;
  drivers::LibraryDrive* drive_ = nullptr;
};

class DriveReservations {
 public:
  explicit DriveReservations(drivers::Library& library);
  drivers::Library& library() { return library_; }

  // A free drive (the named one if given). Errc::busy naming the owner when
  // taken, Errc::not_found for an unknown drive name. Prefers a free drive
  // that already holds `prefer_loaded` so a cartridge is not moved twice.
  Result<DriveLease> reserve(const std::string& owner, const std::optional<std::string>& drive = std::nullopt,
                             const std::optional<std::string>& prefer_loaded = std::nullopt);
  std::vector<DriveStatus> status() const;
  // What the changer says is loaded, e.g. after an inventory; ignored for
  // drives that are reserved (their owner knows better).
  void note_loaded(const std::string& drive, std::optional<std::string> barcode);

 private:
  friend class DriveLease;
  struct Slot {
    drivers::LibraryDrive* drive = nullptr;
    std::optional<std::string> owner;
    std::optional<std::string> loaded;
  };
  Slot* find(const drivers::LibraryDrive* d);
  void release(const drivers::LibraryDrive* d);

  drivers::Library& library_;
  mutable std::mutex mu_;
  std::vector<Slot> slots_;
};

}  // namespace tg::firmware::pools
