#pragma once
// The fault tests' appliance: a simulated library, a catalog and the drive
// reservations, all kept in one directory so that a restart (or a SIGKILL
// and a restart) finds them as a real appliance would; optionally an
// observer on every SCSI command the firmware sends to the drives and the
// changer (where a test kills the appliance or injects a fault at an exact
// point of the command stream). And the checks every fault test ends with:
// what the catalog says is on tape verifies, cartridge by cartridge; each
// repository file has exactly one committed copy; tape file numbers agree
// with the filemarks on tape; everything restores byte-identical.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <span>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "board/sim/sim_library.hpp"
#include "drivers/library.hpp"
#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "firmware/catalog/catalog.hpp"
#include "firmware/format/sha256.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "firmware/pools/cartridge_mount.hpp"
#include "firmware/restore/restore_job.hpp"
#include "hal/in_process_transport.hpp"
#include "firmware/restore/memory_tape.hpp"
#include "firmware/format/tar_fixture.hpp"

namespace tg::test {

// A scratch directory in memory where the machine has one (/dev/shm): the
// catalog's and the simulator's fsyncs then cost nothing, which keeps these
// tests quick on a busy disk. What they check does not depend on fsync (a
// SIGKILL keeps what reached the kernel). Else the usual temporary directory.
struct FaultScratch {
  std::filesystem::path path;
  explicit FaultScratch(const std::string& tag) {
    std::filesystem::path base = std::filesystem::temp_directory_path();
    if (::access("/dev/shm", W_OK | X_OK) == 0 && std::filesystem::is_directory("/dev/shm")) base = "/dev/shm";
    std::string tmpl = (base / ("tg-" + tag + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
    path = tmpl;
  }
  ~FaultScratch() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  FaultScratch(const FaultScratch&) = delete;
  FaultScratch& operator=(const FaultScratch&) = delete;
};

// Sees each command before it goes to the simulated device and after the
// device answered: the order is the order the firmware issued them.
class CommandObserver {
 public:
  virtual ~CommandObserver() = default;
  virtual void before(bool changer, const hal::ScsiCommand& cmd) = 0;
  virtual void after(bool changer, const hal::ScsiCommand& cmd) = 0;
};

// The commands a fault test counts to find its moment.
enum class TapeEvent { label_write, data_write, catalog_write, filemark, flush, move, count_ };

// nullopt for everything else (inquiries, positioning, reads, inventories).
inline std::optional<TapeEvent> classify(bool changer, const hal::ScsiCommand& c) {
  if (c.cdb.empty()) return std::nullopt;
  if (changer) return c.cdb[0] == 0xA5 ? std::optional<TapeEvent>(TapeEvent::move) : std::nullopt;  // MOVE MEDIUM
  if (c.cdb[0] == 0x10 && c.cdb.size() >= 5) {  // WRITE FILEMARKS(6): count 0 is a flush
    const std::uint32_t count = (std::uint32_t{c.cdb[2]} << 16) | (std::uint32_t{c.cdb[3]} << 8) | c.cdb[4];
    return count == 0 ? TapeEvent::flush : TapeEvent::filemark;
  }
  if (c.cdb[0] != 0x0A) return std::nullopt;  // WRITE(6)
  std::string_view head(reinterpret_cast<const char*>(c.data_out.data()), std::min<std::size_t>(c.data_out.size(), 4096));
  if (head.rfind("TAPEGATE.LABEL", 0) == 0) return TapeEvent::label_write;
  if (head.find("tapegate-catalog/") != std::string_view::npos) return TapeEvent::catalog_write;
  return TapeEvent::data_write;
}

// The nth command of `kind` (counted from the since_nth command of `since`
// when given), before it reaches the device or after it was answered.
struct EventPoint {
  TapeEvent kind;
  int nth;
  bool before;
  std::optional<TapeEvent> since = {};
  int since_nth = 0;
};

// Runs `action` once, at the point.
class EventTrigger final : public CommandObserver {
 public:
  EventTrigger(EventPoint point, std::function<void()> action) : p_(point), action_(std::move(action)) {}
  void before(bool changer, const hal::ScsiCommand& cmd) override {
    auto e = classify(changer, cmd);
    std::lock_guard<std::mutex> lock(mu_);
    if (e && *e == p_.kind && p_.before && armed() && matched_ + 1 == p_.nth) fire();
  }
  void after(bool changer, const hal::ScsiCommand& cmd) override {
    auto e = classify(changer, cmd);
    if (!e) return;
    std::lock_guard<std::mutex> lock(mu_);
    const bool was_armed = armed();
    ++counts_[static_cast<int>(*e)];
    if (*e != p_.kind || !was_armed) return;
    ++matched_;
    if (!p_.before && matched_ == p_.nth) fire();
  }
  bool fired() const {
    std::lock_guard<std::mutex> lock(mu_);
    return fired_;
  }

 private:
  bool armed() const { return !p_.since || counts_[static_cast<int>(*p_.since)] >= p_.since_nth; }
  void fire() {
    if (fired_) return;
    fired_ = true;
    action_();
  }
  EventPoint p_;
  std::function<void()> action_;
  mutable std::mutex mu_;
  int counts_[static_cast<int>(TapeEvent::count_)] = {};
  int matched_ = 0;
  bool fired_ = false;
};

class ObservedTransport final : public hal::ScsiTransport {
 public:
  ObservedTransport(hal::ScsiTarget& target, std::string description, bool changer, CommandObserver* observer)
      : inner_(target, std::move(description)), changer_(changer), observer_(observer) {}
  Result<hal::ScsiReply> execute(const hal::ScsiCommand& cmd) override {
    if (observer_) observer_->before(changer_, cmd);
    auto r = inner_.execute(cmd);
    if (observer_) observer_->after(changer_, cmd);
    return r;
  }
  std::string describe() const override { return inner_.describe(); }

 private:
  hal::InProcessTransport inner_;
  bool changer_;
  CommandObserver* observer_;
};

// Small cartridges and small blocks: a few MiB of repository span several
// cartridges in well under a second.
inline sim::SimConfig small_library(std::uint16_t cartridges = 8, std::uint16_t drives = 1) {
  sim::SimConfig c;
  c.name = "faults";
  c.drive_count = drives;
  c.slot_count = 12;
  c.mailslot_count = 2;
  c.cartridge_count = cartridges;
  c.cartridge_bytes = 2u << 20;
  c.early_warning_bytes = 512u << 10;
  c.sync_on_flush = false;  // a SIGKILL does not lose what reached the page cache
  return c;
}

inline constexpr std::uint32_t kFaultBlock = 64 * 1024;

class Appliance {
 public:
  // Opens (or reopens after a stop) the library under dir/board and the
  // catalog dir/catalog.sqlite, which runs its crash recovery.
  static Result<std::unique_ptr<Appliance>> open(const std::filesystem::path& dir, const sim::SimConfig& config,
                                                 CommandObserver* observer = nullptr) {
    std::unique_ptr<Appliance> a(new Appliance);
    a->sim_ = TG_TRY(sim::SimLibrary::open(config, dir / "board", hal::system_clock()));
    a->transports_.push_back(std::make_unique<ObservedTransport>(a->sim_->changer(), "sim changer", true, observer));
    a->changer_ = std::make_unique<drivers::MediaChanger>(*a->transports_.back(), "changer");
    a->library_.name = config.name;
    a->library_.changer = a->changer_.get();
    for (std::size_t i = 0; i < a->sim_->drive_count(); ++i) {
      a->transports_.push_back(std::make_unique<ObservedTransport>(a->sim_->drive(i), "sim drive" + std::to_string(i),
                                                                   false, observer));
      a->drives_.push_back(std::make_unique<drivers::TapeDrive>(*a->transports_.back(), "drive" + std::to_string(i)));
      a->library_.drives.push_back({.drive = a->drives_.back().get(), .element_address = a->sim_->drive_element(i)});
    }
    a->reservations_ = std::make_unique<firmware::library::DriveReservations>(a->library_);
    a->cat_ = TG_TRY(firmware::catalog::Catalog::open(dir / "catalog.sqlite", hal::system_clock()));
    return a;
  }
  ~Appliance() {
    // Top down: who uses the drivers, the drivers, their wires, the library.
    cat_.reset();
    reservations_.reset();
    drives_.clear();
    changer_.reset();
    transports_.clear();
    sim_.reset();
  }

  sim::SimLibrary& sim() { return *sim_; }
  drivers::Library& library() { return library_; }
  firmware::catalog::Catalog& cat() { return *cat_; }
  firmware::library::DriveReservations& drives() { return *reservations_; }

 private:
  Appliance() = default;
  std::unique_ptr<sim::SimLibrary> sim_;
  std::vector<std::unique_ptr<ObservedTransport>> transports_;
  std::unique_ptr<drivers::MediaChanger> changer_;
  std::vector<std::unique_ptr<drivers::TapeDrive>> drives_;
  drivers::Library library_;
  std::unique_ptr<firmware::library::DriveReservations> reservations_;
  std::unique_ptr<firmware::catalog::Catalog> cat_;
};

inline std::unique_ptr<Appliance> open_appliance(const std::filesystem::path& dir, const sim::SimConfig& config,
                                                 CommandObserver* observer = nullptr) {
  auto a = Appliance::open(dir, config, observer);
  if (!a) FAIL("opening the appliance: " << a.error().message);
  return std::move(*a);
}

using RepositoryFiles = std::map<std::string, std::vector<std::uint8_t>>;  // relative path -> content

// Deterministic content, 8 bytes per step (splitmix64): megabytes of it
// cost nothing even in a Debug build.
inline std::vector<std::uint8_t> quick_bytes(std::size_t n, std::uint64_t seed) {
  std::vector<std::uint8_t> v(n);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    std::memcpy(v.data() + i, &z, std::min<std::size_t>(8, n - i));
  }
  return v;
}

// A whole file in one read.
inline std::vector<std::uint8_t> slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary | std::ios::ate);
  if (!f) return {};
  std::vector<std::uint8_t> v(static_cast<std::size_t>(f.tellg()));
  f.seekg(0);
  f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size()));
  return v;
}

inline std::string log_text(const std::vector<std::string>& logs) {
  std::string s;
  for (auto& l : logs) s += l + "\n";
  return s;
}

// Verifies every cartridge the catalog knows, one `verify <barcode>` each:
// every file the catalog holds a committed copy of checks out. Copies the
// catalog itself says are incomplete (an interrupted job's) are the plan's
// `unavailable` and are not read. Returns the cartridges verified.
inline std::set<std::string> verify_every_cartridge(Appliance& a, const std::string& when) {
  using namespace firmware::restore;
  std::set<std::string> verified;
  auto carts = a.cat().list_cartridges();
  REQUIRE(carts.ok());
  for (auto& c : *carts) {
    auto plan = plan_restore(a.cat(), Selection{.kind = SelectionKind::cartridge, .value = c.barcode});
    REQUIRE(plan.ok());
    if (plan->files.empty()) continue;
    const std::size_t planned = plan->files.size(), unavailable = plan->unavailable.size();
    RecordingContext ctx;
    LibraryCartridges source(a.drives(), {.owner = "verify"});
    auto r = run_verify(a.cat(), std::move(*plan), source, ctx, {});
    INFO(when << ": verify " << c.barcode << "\n" << log_text(ctx.logs));
    REQUIRE(r.ok());
    INFO(r->summary());
    CHECK(r->files_ok == planned);
    CHECK(r->files_failed == unavailable);
    verified.insert(c.barcode);
  }
  return verified;
}

// Exactly one committed copy of every repository file, with its hash.
// Writes a repository of files of the given sizes (pseudo-random content,
// one seed each from `seed` on) under `root` and records them in `files`.
inline void write_repository(RepositoryFiles& files, const std::filesystem::path& root,
                             std::span<const std::pair<const char*, std::size_t>> layout, std::uint32_t seed) {
  for (auto& [rel, n] : layout) {
    files[rel] = quick_bytes(n, seed++);
    write_file(root / rel, files[rel]);
  }
}

inline void check_one_copy_each(firmware::catalog::Catalog& cat, const RepositoryFiles& files) {
  auto on = cat.files_on_tape("repo1");
  REQUIRE(on.ok());
  CHECK(on->size() == files.size());
  for (auto& [rel, bytes] : files) {
    INFO(rel);
    auto v = cat.versions_of("repo1", rel);
    REQUIRE(v.ok());
    int copies = 0;
    for (auto& f : *v)
      if (f.on_tape) {
        ++copies;
        CHECK(f.sha256 == firmware::format::sha256_hex(bytes));
      }
    CHECK(copies == 1);
  }
}

// Tape file N of a cartridge starts after N filemarks: the catalog's file
// numbers and first blocks agree with what is on the tape (restore LOCATEs
// by block, `dump` and rebuild count filemarks).
inline void check_file_numbers(Appliance& a) {
  auto carts = a.cat().list_cartridges();
  REQUIRE(carts.ok());
  auto lease = a.drives().reserve("file number check");
  REQUIRE(lease.ok());
  for (auto& c : *carts) {
    auto tfs = a.cat().tape_files_of_cartridge(c.barcode);
    REQUIRE(tfs.ok());
    if (tfs->empty()) continue;
    REQUIRE(firmware::library::load_cartridge(a.library(), *lease, c.barcode).ok());
    for (auto& t : *tfs) {
      if (t.state != firmware::catalog::TapeFileState::closed) continue;
      INFO("cartridge " << c.barcode << " tape file " << t.file_number);
      REQUIRE(lease->drive().rewind().ok());
      if (t.file_number > 0) {
        auto sp = lease->drive().space(drivers::SpaceCode::filemarks, static_cast<std::int32_t>(t.file_number));
        REQUIRE(sp.ok());
        CHECK(sp->residual == 0);
      }
      auto pos = lease->drive().position();
      REQUIRE(pos.ok());
      CHECK(*pos == t.first_block);
    }
  }
  REQUIRE(firmware::library::unload_cartridge(a.library(), *lease).ok());
}

// Restores the committed copy of every file into `to` and compares it
// byte for byte; nothing else is left in `to`.
inline void restore_everything(Appliance& a, const std::filesystem::path& to, const RepositoryFiles& files) {
  using namespace firmware::restore;
  auto on = a.cat().files_on_tape("repo1");
  REQUIRE(on.ok());
  std::vector<firmware::catalog::BackupFile> chosen;
  for (auto& f : *on) {
    auto bf = a.cat().backup_file(f.backup_file);
    REQUIRE(bf.ok());
    chosen.push_back(*bf);
  }
  auto plan = plan_for_files(a.cat(), std::move(chosen));
  REQUIRE(plan.ok());
  RecordingContext ctx;
  LibraryCartridges source(a.drives(), {.owner = "restore"});
  auto r = run_restore(std::move(*plan), source, ctx, RestoreOptions{.target = to});
  REQUIRE(r.ok());
  INFO(r->summary() << "\n" << log_text(ctx.logs));
  CHECK(r->ok());
  CHECK(r->files_ok == files.size());
  for (auto& [rel, bytes] : files) {
    INFO(rel);
    REQUIRE(std::filesystem::exists(to / rel));
    bool same = slurp(to / rel) == bytes;
    CHECK(same);
  }
  std::size_t entries = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(to))
    if (!e.is_directory()) ++entries;
  CHECK(entries == files.size());
}

}  // namespace tg::test
