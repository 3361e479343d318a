#include "firmware/library/drive_reservations.hpp"

namespace tg::firmware::library {

DriveLease::DriveLease(DriveLease&& o) noexcept : owner_(o.owner_), drive_(o.drive_) {
  o.owner_ = nullptr;
  o.drive_ = nullptr;
}

DriveLease::~DriveLease() { release(); }

void DriveLease::release() {
  if (owner_ && drive_) owner_->release(drive_);
  owner_ = nullptr;
  drive_ = nullptr;
}

const std::string& DriveLease::name() const { return drive_->drive->name(); }

std::optional<std::string> DriveLease::loaded() const {
  std::lock_guard<std::mutex> g(owner_->mu_);
  auto* s = owner_->find(drive_);
  return s ? s->loaded : std::nullopt;
}

void DriveLease::set_loaded(std::optional<std::string> barcode) { owner_->set_loaded(drive_, std::move(barcode)); }

DriveReservations::DriveReservations(drivers::Library& library) : library_(library), root_(this) {
  for (auto& d : library_.drives) slots_.push_back(Slot{.drive = &d});
}

DriveReservations::DriveReservations(DriveLease& held) : library_(held.owner_->library_), root_(held.owner_->root_) {
  slots_.push_back(Slot{.drive = held.drive_, .loaded = held.loaded()});
}

DriveReservations::Slot* DriveReservations::find(const drivers::LibraryDrive* d) {
  for (auto& s : slots_)
    if (s.drive == d) return &s;
  return nullptr;
}

void DriveReservations::release(const drivers::LibraryDrive* d) {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (auto* s = find(d)) s->owner.reset();
  }
  freed_.notify_all();
}

void DriveReservations::set_loaded(const drivers::LibraryDrive* d, std::optional<std::string> barcode) {
  // A share records it in the appliance's reservations too, so their status
  // says what the job has loaded.
  if (root_ != this) root_->set_loaded(d, barcode);
  std::lock_guard<std::mutex> g(mu_);
  if (auto* s = find(d)) s->loaded = std::move(barcode);
}

Result<DriveLease> DriveReservations::reserve(const std::string& owner, const std::optional<std::string>& drive,
                                              const std::optional<std::string>& prefer_loaded) {
  std::lock_guard<std::mutex> g(mu_);
  return reserve_locked(owner, drive, prefer_loaded);
}

Result<DriveLease> DriveReservations::reserve_locked(const std::string& owner, const std::optional<std::string>& drive,
                                                     const std::optional<std::string>& prefer_loaded) {
  if (slots_.empty()) return make_error(Errc::not_found, "library " + library_.name + " has no drives");
  Slot* pick = nullptr;
  if (drive) {
    for (auto& s : slots_)
      if (s.drive->drive && s.drive->drive->name() == *drive) pick = &s;
    if (!pick) return make_error(Errc::not_found, "no drive named '" + *drive + "' in library " + library_.name);
    if (pick->owner)
      return make_error(Errc::busy, "drive " + *drive + " is in use by " + *pick->owner);
  } else {
    for (auto& s : slots_) {
      if (s.owner || !s.drive->drive) continue;
      if (prefer_loaded && s.loaded == prefer_loaded) {
        pick = &s;
        break;
      }
      // An empty drive next, so loading does not first need an unload.
      if (!pick || (pick->loaded && !s.loaded)) pick = &s;
    }
    if (!pick) {
      std::string who;
      for (auto& s : slots_) who += (who.empty() ? "" : ", ") + s.drive->drive->name() + ": " + s.owner.value_or("?");
      return make_error(Errc::busy, "every drive of library " + library_.name + " is in use (" + who + ")");
    }
  }
  pick->owner = owner;
  return DriveLease(this, pick->drive);
}

Result<DriveLease> DriveReservations::reserve_waiting(const std::string& owner, const std::optional<std::string>& drive,
                                                      const std::function<bool()>& cancelled,
                                                      const std::function<void(const Error&)>& waiting,
                                                      std::chrono::milliseconds poll,
                                                      const std::optional<std::string>& prefer_loaded) {
  for (bool told = false;; told = true) {
    std::unique_lock<std::mutex> lk(mu_);
    auto r = reserve_locked(owner, drive, prefer_loaded);
    if (r.ok() || r.error().code != Errc::busy) return r;
    // Asked outside our lock: `cancelled` and `waiting` take the job's locks.
    lk.unlock();
    if (cancelled && cancelled()) return make_error(Errc::cancelled, "cancelled while waiting: " + r.error().message);
    if (!told && waiting) waiting(r.error());
    lk.lock();
    const std::uint64_t wakes = wakes_;
    freed_.wait_for(lk, poll, [&] {
      if (wakes_ != wakes) return true;
      for (const auto& s : slots_)
        if (!s.owner && s.drive->drive && (!drive || s.drive->drive->name() == *drive)) return true;
      return false;
    });
  }
}

void DriveReservations::wake_waiters() {
  {
    std::lock_guard<std::mutex> g(mu_);
    ++wakes_;
  }
  freed_.notify_all();
}

std::optional<std::string> DriveReservations::owner_of(const std::string& drive) const {
  std::lock_guard<std::mutex> g(mu_);
  for (const auto& s : slots_)
    if (s.drive->drive && s.drive->drive->name() == drive) return s.owner;
  return std::nullopt;
}

std::vector<DriveStatus> DriveReservations::status() const {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<DriveStatus> out;
  for (const auto& s : slots_)
    out.push_back(DriveStatus{.drive = s.drive->drive ? s.drive->drive->name() : std::string("?"),
                              .element_address = s.drive->element_address, .owner = s.owner, .loaded = s.loaded});
  return out;
}

void DriveReservations::note_loaded(const std::string& drive, std::optional<std::string> barcode) {
  std::lock_guard<std::mutex> g(mu_);
  for (auto& s : slots_)
    if (s.drive->drive && s.drive->drive->name() == drive && !s.owner) s.loaded = std::move(barcode);
}

Result<DriveLease> wait_for_drive(DriveReservations& drives, JobContext& ctx, const std::string& owner,
                                  const std::optional<std::string>& only, const std::optional<std::string>& prefer_loaded) {
  return drives.reserve_waiting(
      owner, only, [&ctx] { return ctx.cancelled(); },
      [&](const Error& busy) {
        ctx.log(LogLevel::notice, "waiting for " + (only ? "drive " + *only : std::string("a drive")) + ": " + busy.message);
        ProgressSnapshot p;
        p.phase.set("waiting for a drive");
        if (only) p.drive.set(*only);
        ctx.progress(p);
      },
      std::chrono::milliseconds(200), prefer_loaded);
}

}  // namespace tg::firmware::library
