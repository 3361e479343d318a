// Kill-and-verify loop: the appliance is killed with SIGKILL at chosen
// points of a backup job that spans cartridges (inside a file's data, between
// a flush and its commit, after a commit, at every step of a cartridge change,
// inside a file spanning onto the next cartridge, around the job's catalog
// copy), then restarted. At each point:
//   (a) verify of every cartridge the catalog knows: what the catalog says is
//       on tape reads back and checks out;
//   (b) the rerun of the job completes; each file has exactly one committed
//       copy; what was committed before the kill is still committed and still
//       verifies (no cartridge written over by mistake); tape file numbers
//       agree with the filemarks on tape;
//   (c) a restore of everything is byte-identical to the repository.
// The kill points are found in the command stream itself (an observer on the
// simulated library's SCSI wire counts WRITEs, flushes, filemarks and
// moves), so each kill lands at the same place on every run.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <optional>

#include "firmware/fault_fixture.hpp"
#include "firmware/backup/backup_job.hpp"

using namespace tg;
using namespace tg::firmware;
namespace fs = std::filesystem;

namespace {

using Ev = test::TapeEvent;

struct KillPoint {
  const char* name;
  test::EventPoint at;
};

const KillPoint kKillPoints[] = {
    {"inside a file's data (before the third block)", {Ev::data_write, 3, true}},
    {"a flush acknowledged, its commit not yet recorded", {Ev::flush, 2, false}},
    {"after a commit, before the next block", {Ev::data_write, 1, true, Ev::flush, 2}},
    {"a data tape file closed by its filemark, not yet closed in the catalog",
     {Ev::filemark, 1, false, Ev::data_write, 1}},
    {"cartridge change: the full cartridge moved home", {Ev::move, 2, false}},
    {"cartridge change: the next cartridge loaded, not yet labelled", {Ev::move, 3, false}},
    {"cartridge change: the next cartridge labelled, the label not yet in the catalog",
     {Ev::filemark, 1, false, Ev::label_write, 2}},
    {"span: before the continuation's first block on the next cartridge", {Ev::data_write, 1, true, Ev::label_write, 2}},
    {"span: inside the continuation on the next cartridge", {Ev::data_write, 3, true, Ev::label_write, 2}},
    {"before the job's catalog copy", {Ev::catalog_write, 1, true}},
    {"the catalog copy written, its filemark not", {Ev::catalog_write, 1, false}},
    {"the catalog copy's filemark written, the job not yet finished", {Ev::filemark, 1, false, Ev::catalog_write, 1}},
};

// In the child: dies at the kill point, leaving its name in `marker` so the
// parent knows the kill landed there.
void die_at(const KillPoint& k, const fs::path& marker) {
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    (void)!::write(fd, k.name, std::strlen(k.name));
    ::close(fd);
  }
  ::raise(SIGKILL);
}

class QuietJob final : public JobContext {
 public:
  bool cancelled() const override { return false; }
  void progress(const ProgressSnapshot&) override {}
  void log(LogLevel, const std::string&) override {}
  bool wait_for_operator(const std::string&, std::chrono::milliseconds) override { return false; }
};

struct KillLoop {
  test::FaultScratch dir{"kill-loop"};
  fs::path state = dir.path / "appliance";
  sim::SimConfig config = test::small_library();
  test::RepositoryFiles files;

  KillLoop() {
    // Sizes chosen so that files span the 1.5 MiB cartridges; an empty file
    // and small ones between the big ones.
    const std::pair<const char*, std::size_t> layout[] = {
        {"a/first.bin", 300'000},     {"a/small-1.txt", 4'000},   {"a/empty", 0},
        {"b/disk-1.img", 1'100'000},  {"b/disk-2.img", 700'000},  {"c/notes.txt", 12'345},
        {"c/part-1.bin", 450'000},    {"c/part-2.bin", 650'000},  {"d/big.img", 1'300'000},
        {"d/tail.txt", 2'000}};
    test::write_repository(files, dir.path / "repo", layout, 11);
    auto a = test::open_appliance(state, config);
    REQUIRE(a->cat().create_pool({.name = "p1"}).ok());
    REQUIRE(pools::read_labels(a->cat(), a->drives(), true).ok());
  }

  backup::BackupRequest request() const {
    return backup::BackupRequest{.repository = "repo1",
                                 .root = dir.path / "repo",
                                 .pool = "p1",
                                 .block_size = test::kFaultBlock,
                                 .ring_bytes = 8 * test::kFaultBlock,
                                 // Sparse syncs, scaled down: a sync commits
                                 // several files at once, as in production.
                                 .sync_bytes = 400'000};
  }
};

}  // namespace

TEST_CASE("kill loop: the uninterrupted job has the layout the kill points assume") {
  KillLoop f;
  auto a = test::open_appliance(f.state, f.config);
  test::RecordingContext job;
  auto r = backup::run_backup(f.request(), a->library(), a->drives(), a->cat(), job, hal::system_clock());
  INFO(test::log_text(job.logs));
  REQUIRE(r.ok());
  CHECK(r->failures.empty());
  CHECK(r->cartridges.size() >= 3);
  // Files span cartridges; one continues from the first onto the second,
  // where the "span" kill points land.
  int spanning = 0;
  bool first_to_second = false;
  auto on = a->cat().files_on_tape("repo1");
  REQUIRE(on.ok());
  for (auto& f : *on) {
    auto pieces = a->cat().pieces_of(f.backup_file);
    REQUIRE(pieces.ok());
    std::set<std::string> carts;
    for (auto& p : *pieces) carts.insert(p.cartridge);
    if (carts.size() > 1) ++spanning;
    if (carts.count(r->cartridges[0]) && carts.count(r->cartridges[1])) first_to_second = true;
  }
  CHECK(spanning >= 2);
  CHECK(first_to_second);
  test::check_one_copy_each(a->cat(), f.files);
  test::verify_every_cartridge(*a, "uninterrupted");
  test::check_file_numbers(*a);
  test::restore_everything(*a, f.dir.path / "restore", f.files);
}

TEST_CASE("kill loop: SIGKILL at each point, restart, verify, rerun, restore") {
  const auto index = GENERATE(range(std::size_t{0}, std::size(kKillPoints)));
  const KillPoint& kp = kKillPoints[index];
  INFO("kill point: " << kp.name);
  KillLoop f;
  const fs::path marker = f.dir.path / "killed-at";

  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The appliance, in its own process, killed at the kill point.
    test::EventTrigger plan(kp.at, [&] { die_at(kp, marker); });
    auto a = test::Appliance::open(f.state, f.config, &plan);
    if (!a) ::_exit(3);
    QuietJob job;
    auto r = backup::run_backup(f.request(), (*a)->library(), (*a)->drives(), (*a)->cat(), job, hal::system_clock());
    ::_exit(r.ok() ? 0 : 4);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  INFO("child status " << status);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  CHECK(test::slurp(marker) == std::vector<std::uint8_t>(kp.name, kp.name + std::strlen(kp.name)));

  // Restart: the catalog's recovery runs when it is opened.
  auto a = test::open_appliance(f.state, f.config);
  CHECK(a->cat().recovery().interrupted_jobs == 1);
  auto jobs = a->cat().list_jobs();
  REQUIRE(jobs.ok());
  REQUIRE(jobs->size() == 1);
  CHECK(jobs->front().state == catalog::JobState::interrupted);

  // (a) Everything the catalog says is on tape verifies.
  test::verify_every_cartridge(*a, "after the kill");
  auto before = a->cat().files_on_tape("repo1");
  REQUIRE(before.ok());
  for (auto& on : *before) {
    INFO(on.path);
    REQUIRE(f.files.count(on.path));
    CHECK(on.sha256 == format::sha256_hex(f.files.at(on.path)));
  }

  // (b) The rerun completes, writing only what is missing.
  test::RecordingContext job;
  auto r = backup::run_backup(f.request(), a->library(), a->drives(), a->cat(), job, hal::system_clock());
  INFO("rerun:\n" << test::log_text(job.logs));
  REQUIRE(r.ok());
  CHECK(r->failures.empty());
  CHECK(r->files_already_on_tape == before->size());
  CHECK(r->files_written + r->files_already_on_tape == f.files.size());
  test::check_one_copy_each(a->cat(), f.files);
  for (auto& on : *before) {
    auto bf = a->cat().backup_file(on.backup_file);
    REQUIRE(bf.ok());
    INFO(on.path);
    CHECK(bf->on_tape);  // still the committed copy
  }
  test::verify_every_cartridge(*a, "after the rerun");
  test::check_file_numbers(*a);

  // (c) Everything restores byte-identical.
  test::restore_everything(*a, f.dir.path / "restore", f.files);
}
