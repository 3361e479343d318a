#pragma once
// One owner per drive (field lessons: a restore used a volume another job was
// still unloading). The appliance has one DriveReservations for its library:
// jobs and console commands reserve a drive before they move a cartridge
// into it or talk to it, and record what is loaded, so nobody else touches
// it meanwhile. A DriveLease releases on destruction.
//
// The changer is shared by every drive's owner. It moves one cartridge at a
// time, and a move is decided on an inventory read under the same
// lock_changer(), so two owners never pick the same free slot or cartridge.
// The lock is held for one decision and its move, never while a drive
// rewinds, loads or writes.
//
// A job that holds one drive runs its engines on a share of the library
// (the constructor from a DriveLease): they reserve from it as from the
// whole library and can only get that drive.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/library.hpp"
#include "firmware/job/job_context.hpp"
#include "hal/result.hpp"

namespace tg::firmware::library {

struct DriveStatus {
  std::string drive;                    // TapeDrive::name()
  std::uint16_t element_address = 0;
  std::optional<std::string> owner;     // "job 12 (backup nightly)", "drive rewind"
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
  // The share of a job that holds `held`: that drive only; its moves take
  // the changer lock of the reservations `held` came from. Must not
  // outlive `held`.
  explicit DriveReservations(DriveLease& held);
  DriveReservations(const DriveReservations&) = delete;
  DriveReservations& operator=(const DriveReservations&) = delete;

  drivers::Library& library() { return library_; }

  // A free drive (the named one if given). Errc::busy naming the owner when
  // taken, Errc::not_found for an unknown drive name. Prefers a free drive
  // that already holds `prefer_loaded` so a cartridge is not moved twice.
  Result<DriveLease> reserve(const std::string& owner, const std::optional<std::string>& drive = std::nullopt,
                             const std::optional<std::string>& prefer_loaded = std::nullopt);
  // The same, waiting while the drive (or every drive) is in use: `waiting`
  // is called once with the reason before the first wait. `cancelled` is
  // checked at least every `poll` and on wake_waiters(); then
  // Errc::cancelled. An unknown drive name fails at once.
  Result<DriveLease> reserve_waiting(const std::string& owner, const std::optional<std::string>& drive,
                                     const std::function<bool()>& cancelled,
                                     const std::function<void(const Error&)>& waiting,
                                     std::chrono::milliseconds poll = std::chrono::milliseconds(200),
                                     const std::optional<std::string>& prefer_loaded = std::nullopt);
  // Waiters re-check cancellation now (a job was cancelled).
  void wake_waiters();

  // Who holds the drive named `drive`, if anyone.
  std::optional<std::string> owner_of(const std::string& drive) const;
  std::vector<DriveStatus> status() const;
  // What the changer says is loaded, e.g. after an inventory; ignored for
  // drives that are reserved (their owner knows better).
  void note_loaded(const std::string& drive, std::optional<std::string> barcode);

  // Held for an inventory read and the move decided on it (see above).
  [[nodiscard]] std::unique_lock<std::mutex> lock_changer() { return std::unique_lock<std::mutex>(root_->changer_mu_); }

 private:
  friend class DriveLease;
  struct Slot {
    drivers::LibraryDrive* drive = nullptr;
    std::optional<std::string> owner;
    std::optional<std::string> loaded;
  };
  Slot* find(const drivers::LibraryDrive* d);
  Result<DriveLease> reserve_locked(const std::string& owner, const std::optional<std::string>& drive,
                                    const std::optional<std::string>& prefer_loaded);
  void release(const drivers::LibraryDrive* d);
  void set_loaded(const drivers::LibraryDrive* d, std::optional<std::string> barcode);

  drivers::Library& library_;
  DriveReservations* root_;  // whose changer lock and loaded records count: this, or the one a share came from
  mutable std::mutex mu_;
  std::condition_variable freed_;  // a drive was released, or wake_waiters()
  std::uint64_t wakes_ = 0;
  std::vector<Slot> slots_;
  std::mutex changer_mu_;    // used on the root only
};

// For jobs: the first drive that is free (or `only` when given), waiting
// while all are busy and saying so (and who holds them) in the job's
// progress and log; Errc::cancelled when the job is cancelled meanwhile.
// Every job takes its drive this way, so no job fails because a console
// command held the drive for a moment.
// `prefer_loaded`: a free drive already holding that barcode first.
Result<DriveLease> wait_for_drive(DriveReservations& drives, JobContext& ctx, const std::string& owner,
                                  const std::optional<std::string>& only = std::nullopt,
                                  const std::optional<std::string>& prefer_loaded = std::nullopt);

}  // namespace tg::firmware::library
