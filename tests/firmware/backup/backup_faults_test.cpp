// Backup jobs on the simulated library when the things around them fail:
// repository files that vanish or change after the scan and while they are
// copied, a pool that runs out of cartridges (with another pool's cartridge
// and one holding foreign data in the library), a picker that sticks in the
// middle of a cartridge change, unit attentions from the drive and the
// changer. Each ends with the common checks: what the catalog says is on
// tape verifies, nothing is claimed that is not, and everything that was
// backed up restores byte-identical.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <random>

#include "firmware/fault_fixture.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/backup/backup_job.hpp"
#include "firmware/format/volume_label.hpp"

using namespace tg;
using namespace tg::firmware;
namespace fs = std::filesystem;
using Ev = test::TapeEvent;

namespace {

// A job context whose hooks run at the job's n-th cancelled() question: the
// first is asked after the repository scan, before any file is read (mount
// of the first cartridge); then the tape writer asks once per block.
class HookedJob final : public test::RecordingContext {
 public:
  std::map<int, std::function<void()>> at_question;
  std::function<bool(const std::string&)> on_operator;
  bool cancelled() const override {
    auto it = at_question.find(++questions_);
    if (it != at_question.end()) it->second();
    return false;
  }
  bool wait_for_operator(const std::string& request, std::chrono::milliseconds) override {
    requests.push_back(request);
    return on_operator ? on_operator(request) : false;
  }

 private:
  mutable int questions_ = 0;
};

struct FaultBackup {
  test::FaultScratch dir{"backup-faults"};
  fs::path state = dir.path / "appliance";
  sim::SimConfig config;
  test::RepositoryFiles files;
  std::unique_ptr<test::Appliance> app;

  // The observer sees the job's commands, not the setup's: the appliance
  // is restarted with it after the pool is made and the labels read.
  explicit FaultBackup(sim::SimConfig c, test::CommandObserver* observer = nullptr) : config(std::move(c)) {
    app = test::open_appliance(state, config);
    REQUIRE(cat().create_pool({.name = "p1"}).ok());
    REQUIRE(pools::read_labels(cat(), app->drives(), true).ok());
    if (observer) {
      app.reset();
      app = test::open_appliance(state, config, observer);
    }
  }
  catalog::Catalog& cat() { return app->cat(); }
  // Files get an mtime in the past, as a repository's files have: a change
  // during the job is then always a change of mtime as well.
  static constexpr std::int64_t kOldTime = 1'600'000'000;
  void add(const std::string& rel, std::size_t n, std::uint32_t seed) {
    files[rel] = test::quick_bytes(n, seed);
    fs::path p = dir.path / "repo" / rel;
    test::write_file(p, files[rel]);
    REQUIRE(set_old_mtime(p));
  }
  static bool set_old_mtime(const fs::path& p) {
    struct utimbuf t {.actime = kOldTime, .modtime = kOldTime};
    return ::utime(p.c_str(), &t) == 0;
  }
  fs::path repo(const std::string& rel) const { return dir.path / "repo" / rel; }
  backup::BackupRequest request() const {
    return backup::BackupRequest{.repository = "repo1",
                                 .root = dir.path / "repo",
                                 .pool = "p1",
                                 .block_size = test::kFaultBlock,
                                 .ring_bytes = 8 * test::kFaultBlock,
                                 .operator_wait = std::chrono::milliseconds(1)};
  }
  Result<backup::BackupSummary> run(JobContext& job) {
    return backup::run_backup(request(), app->library(), app->drives(), cat(), job, hal::system_clock());
  }
  // After a failed job: the rerun completes, one committed copy of each
  // file, every cartridge verifies, tape file numbers match the filemarks,
  // everything restores byte for byte.
  void rerun_completes_everything() {
    test::RecordingContext rerun;
    auto r = run(rerun);
    INFO(test::log_text(rerun.logs));
    REQUIRE(r.ok());
    CHECK(r->failures.empty());
    test::check_one_copy_each(cat(), files);
    test::verify_every_cartridge(*app, "after the rerun");
    test::check_file_numbers(*app);
    test::restore_everything(*app, dir.path / "restore", files);
  }
  // Reads block 0 of a cartridge through a drive of the library.
  format::MediumClassification classify(const std::string& barcode) {
    auto lease = app->drives().reserve("test");
    REQUIRE(lease.ok());
    REQUIRE(library::load_cartridge(app->library(), *lease, barcode).ok());
    auto c = pools::read_medium_label(lease->drive());
    REQUIRE(c.ok());
    REQUIRE(library::unload_cartridge(app->library(), *lease).ok());
    return *c;
  }
  void write_foreign(const std::string& barcode) {
    auto lease = app->drives().reserve("test");
    REQUIRE(lease.ok());
    REQUIRE(library::load_cartridge(app->library(), *lease, barcode).ok());
    REQUIRE(lease->drive().rewind().ok());
    REQUIRE(lease->drive().set_block_size(0).ok());
    std::vector<std::uint8_t> noise(4096);
    std::mt19937 rng(7);
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
    REQUIRE(lease->drive().write(noise).ok());
    REQUIRE(lease->drive().write_filemarks(1).ok());
    REQUIRE(library::unload_cartridge(app->library(), *lease).ok());
  }
};

const backup::FileFailure* failure_of(const backup::BackupSummary& s, const std::string& path) {
  for (auto& f : s.failures)
    if (f.path == path) return &f;
  return nullptr;
}

sim::SimConfig roomy_library() {
  auto c = test::small_library(4);
  c.cartridge_bytes = 16u << 20;
  c.early_warning_bytes = 1u << 20;
  return c;
}

}  // namespace

TEST_CASE("a file that vanishes after the scan is named and never claimed, one rewritten is copied as it is now") {
  FaultBackup f(roomy_library());
  f.add("a.img", 300'000, 1);
  f.add("gone.img", 200'000, 2);
  f.add("touched.img", 250'000, 3);
  f.add("z.txt", 5'000, 4);
  HookedJob job;
  // After the scan, before anything is read.
  job.at_question[1] = [&] {
    fs::remove(f.repo("gone.img"));
    test::write_file(f.repo("touched.img"), test::quick_bytes(250'000, 99));
  };
  auto r = f.run(job);
  INFO(test::log_text(job.logs));
  REQUIRE(r.ok());
  // GNU tar's rule: a file is copied as it is when it is opened (its size
  // and mtime then go to the header and the catalog).
  CHECK(r->files_written == 3);
  REQUIRE(r->failures.size() == 1);
  const auto* gone = failure_of(*r, "gone.img");
  REQUIRE(gone);
  CHECK_THAT(gone->reason, Catch::Contains("vanished after the repository was scanned"));
  CHECK(r->text().find("FAILED gone.img") != std::string::npos);
  auto jobs = f.cat().list_jobs();
  REQUIRE(jobs.ok());
  CHECK(jobs->front().state == catalog::JobState::failed);

  test::RepositoryFiles kept{{"a.img", f.files["a.img"]},
                             {"touched.img", test::quick_bytes(250'000, 99)},
                             {"z.txt", f.files["z.txt"]}};
  test::check_one_copy_each(f.cat(), kept);
  auto v = f.cat().versions_of("repo1", "gone.img");
  REQUIRE(v.ok());
  for (auto& c : *v) CHECK_FALSE(c.on_tape);
  test::verify_every_cartridge(*f.app, "after the job");
  test::restore_everything(*f.app, f.dir.path / "restore", kept);
}

TEST_CASE("a repository file that shrinks while it is copied is not committed, one rewritten is copied again") {
  FaultBackup f(roomy_library());
  // Streamed in this order; 2 MiB each, 64 KiB blocks, a ring of 8 blocks:
  // the framer reads at most ~10 blocks ahead of the block being written.
  f.add("1-shrinks.img", 2u << 20, 1);
  f.add("2-rewritten.img", 2u << 20, 2);
  f.add("3-steady.img", 1u << 20, 3);
  HookedJob job;
  bool hooks_ok = true;   // hooks run on the job's threads: no REQUIRE there
  // Question 1 is the first cartridge's mount; question n + 1 comes before
  // block n. At block 4 the first file is cut to 1 MiB, which the framer
  // has not reached yet.
  job.at_question[5] = [&] { hooks_ok &= ::truncate(f.repo("1-shrinks.img").c_str(), 1 << 20) == 0; };
  // Around block 36 (the first file's 32 blocks, then 4 of the second) the
  // second file's last 512 KiB are rewritten in place, and its modification
  // time put back as some tools do: only the content tells.
  auto rewritten = f.files["2-rewritten.img"];
  std::fill(rewritten.end() - (512 << 10), rewritten.end(), std::uint8_t{0xEE});
  job.at_question[37] = [&] {
    // In place, tail only (no truncation: the framer is reading the head).
    const std::size_t tail = 512 << 10, at = rewritten.size() - tail;
    int fd = ::open(f.repo("2-rewritten.img").c_str(), O_WRONLY | O_CLOEXEC);
    hooks_ok &= fd >= 0 && ::pwrite(fd, rewritten.data() + at, tail, static_cast<off_t>(at)) ==
                               static_cast<ssize_t>(tail);
    if (fd >= 0) ::close(fd);
    hooks_ok &= FaultBackup::set_old_mtime(f.repo("2-rewritten.img"));
  };
  auto r = f.run(job);
  const std::string logs = test::log_text(job.logs);
  INFO(logs);
  REQUIRE(hooks_ok);
  REQUIRE(r.ok());
  // The shrunken file: that copy is never committed; the retry copies the
  // file as it now is (1 MiB).
  CHECK(r->failures.empty());
  CHECK_THAT(logs, Catch::Contains("file shrank to 1048576 bytes while being copied"));
  // The rewritten one: its ctime changed while it was copied (putting the
  // mtime back changes ctime too), so that copy is not committed either;
  // the retry copies the file as it now is.
  CHECK_THAT(logs, Catch::Contains("'2-rewritten.img' changed while being copied"));
  CHECK_THAT(logs, Catch::Contains("modified while being copied (mtime or ctime changed)"));
  CHECK(r->files_written == 3);

  auto shrunk = f.files["1-shrinks.img"];
  shrunk.resize(1 << 20);
  test::RepositoryFiles kept{
      {"1-shrinks.img", shrunk}, {"2-rewritten.img", rewritten}, {"3-steady.img", f.files["3-steady.img"]}};
  test::check_one_copy_each(f.cat(), kept);
  test::verify_every_cartridge(*f.app, "after the job");
  test::restore_everything(*f.app, f.dir.path / "restore", kept);
}

TEST_CASE("a full pool: the operator is asked by pool name, other pools' and foreign cartridges are never written") {
  auto config = test::small_library(5, 2);
  FaultBackup f(config);
  auto carts = f.cat().list_cartridges();
  REQUIRE(carts.ok());
  REQUIRE(carts->size() == 5);
  const std::string other_pool = (*carts)[3].barcode, foreign = (*carts)[4].barcode;
  REQUIRE(f.cat().create_pool({.name = "p2"}).ok());
  REQUIRE(pools::label_cartridge(f.cat(), f.app->drives(), {.barcode = other_pool, .pool = "p2"}).ok());
  // Foreign data the catalog does not know about yet: it still says blank.
  f.write_foreign(foreign);
  REQUIRE(f.cat().cartridge(foreign)->state == catalog::CartridgeState::blank);
  // ~5.5 MB: more than the pool's three blank 1.5 MiB cartridges hold.
  for (std::uint32_t i = 0; i < 11; ++i) f.add("vm/disk-" + std::to_string(i) + ".img", 500'000, 10 + i);

  HookedJob declined;   // nobody answers
  auto r1 = f.run(declined);
  INFO(test::log_text(declined.logs));
  REQUIRE_FALSE(r1.ok());
  CHECK(r1.error().code == Errc::cancelled);
  REQUIRE(!declined.requests.empty());
  CHECK_THAT(declined.requests.front(), Catch::Contains("pool 'p1' has no writable cartridge"));
  CHECK_THAT(test::log_text(declined.logs), Catch::Contains("cartridge " + foreign));
  auto jobs = f.cat().list_jobs();
  REQUIRE(jobs.ok());
  CHECK(jobs->front().state == catalog::JobState::cancelled);
  CHECK(f.cat().cartridge(foreign)->state == catalog::CartridgeState::foreign);
  auto part = f.cat().files_on_tape("repo1");
  REQUIRE(part.ok());
  CHECK(!part->empty());
  CHECK(part->size() < f.files.size());
  test::verify_every_cartridge(*f.app, "after the cancelled job");

  // The operator brings blank cartridges: the job goes on and completes.
  int brought = 0;
  HookedJob helped;
  helped.on_operator = [&](const std::string&) {
    if (brought >= 3) return false;
    std::string bc = "NEW00" + std::to_string(++brought) + "L9";
    if (!f.app->sim().operator_insert(config.first_mailslot, bc).ok()) return false;
    if (!library::import_mailslots(f.app->drives()).ok()) return false;
    return pools::read_labels(f.cat(), f.app->drives()).ok();   // the job holds one drive, this takes the other
  };
  auto r2 = f.run(helped);
  INFO(test::log_text(helped.logs));
  REQUIRE(r2.ok());
  CHECK(r2->failures.empty());
  CHECK(brought >= 1);
  test::check_one_copy_each(f.cat(), f.files);
  test::verify_every_cartridge(*f.app, "after the completed job");
  test::restore_everything(*f.app, f.dir.path / "restore", f.files);
  for (auto& c : r2->cartridges) {
    CHECK(c != other_pool);
    CHECK(c != foreign);
  }

  // Never written: the other pool's label and the foreign data are intact.
  auto op = f.classify(other_pool);
  CHECK(op.content == format::MediumContent::ours);
  REQUIRE(op.label);
  CHECK(op.label->pool == "p2");
  CHECK(f.classify(foreign).content == format::MediumContent::foreign);
  auto tfs = f.cat().tape_files_of_cartridge(other_pool);
  REQUIRE(tfs.ok());
  CHECK(tfs->size() == 1);   // its label only
}

TEST_CASE("a picker that sticks during a cartridge change: the job fails naming cartridge and drive, the rerun completes") {
  sim::SimLibrary* sim = nullptr;
  test::EventTrigger stick({Ev::move, 2, true}, [&] { sim->set_picker_stuck(true); });
  FaultBackup f(test::small_library(), &stick);
  sim = &f.app->sim();
  for (std::uint32_t i = 0; i < 6; ++i) f.add("vm/disk-" + std::to_string(i) + ".img", 400'000, 30 + i);

  test::RecordingContext job;
  auto r = f.run(job);
  INFO(test::log_text(job.logs));
  REQUIRE(stick.fired());
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().code == Errc::hardware_error);
  CHECK_THAT(r.error().message, Catch::Contains("drive0"));
  CHECK_THAT(r.error().message, Catch::Contains("53/00"));
  auto jobs = f.cat().list_jobs();
  REQUIRE(jobs.ok());
  CHECK(jobs->front().state == catalog::JobState::failed);

  // The picker is repaired; the cartridge it left in the drive is read.
  f.app->sim().set_picker_stuck(false);
  test::verify_every_cartridge(*f.app, "after the failed job");
  f.rerun_completes_everything();
}

TEST_CASE("a unit attention from the changer just before a move (door opened) does not fail the job") {
  // Raised between the inventory the move was decided on and the MOVE
  // MEDIUM that unloads the full cartridge.
  sim::SimLibrary* sim = nullptr;
  bool injected = false;   // set on the job's thread: no REQUIRE there
  test::EventTrigger door({Ev::move, 2, true}, [&] { injected = sim->inject_unit_attention({.lun = 0, .asc = 0x28}).ok(); });
  FaultBackup f(test::small_library(), &door);
  sim = &f.app->sim();
  for (std::uint32_t i = 0; i < 6; ++i) f.add("vm/disk-" + std::to_string(i) + ".img", 450'000, 50 + i);
  test::RecordingContext job;
  auto r = f.run(job);
  INFO(test::log_text(job.logs));
  REQUIRE(door.fired());
  CHECK(injected);
  REQUIRE(r.ok());
  CHECK(r->failures.empty());
  CHECK(r->cartridges.size() >= 2);
  test::check_one_copy_each(f.cat(), f.files);
  test::verify_every_cartridge(*f.app, "after the job");
  test::check_file_numbers(*f.app);
  test::restore_everything(*f.app, f.dir.path / "restore", f.files);
}

TEST_CASE("a drive reset (unit attention 29/00) in the middle of writing: the job stops naming the drive, the rerun completes") {
  // The drive may have lost what it buffered since the last flush: the job
  // must not go on as if those blocks were on tape.
  sim::SimLibrary* sim = nullptr;
  bool injected = false;
  test::EventTrigger reset({Ev::data_write, 4, true, Ev::label_write, 2},
                           [&] { injected = sim->inject_unit_attention({.lun = 1, .asc = 0x29}).ok(); });
  FaultBackup f(test::small_library(), &reset);
  sim = &f.app->sim();
  for (std::uint32_t i = 0; i < 8; ++i) f.add("vm/disk-" + std::to_string(i) + ".img", 450'000, 60 + i);
  test::RecordingContext job;
  auto r = f.run(job);
  INFO(test::log_text(job.logs));
  REQUIRE(reset.fired());
  CHECK(injected);
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().code == Errc::unit_attention);
  CHECK_THAT(r.error().message, Catch::Contains("drive0"));
  CHECK_THAT(r.error().message, Catch::Contains("29/00"));
  auto jobs = f.cat().list_jobs();
  REQUIRE(jobs.ok());
  CHECK(jobs->front().state == catalog::JobState::failed);
  test::verify_every_cartridge(*f.app, "after the failed job");

  f.rerun_completes_everything();
}
