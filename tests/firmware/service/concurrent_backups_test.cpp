// One owner per drive, from the appliance's drive reservations: jobs hold
// the one drive they run on, so two tape jobs use two drives at once; a
// third waits for a drive and says who holds them; console commands on a
// drive a job holds are refused, naming the job.
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "board/sim/sim_library.hpp"
#include "firmware/console/bench.hpp"
#include "firmware/console/tape_job.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::console;
using service::JobState;
namespace fs = std::filesystem;

namespace {

std::uint64_t last_job(test::Bench& b) {
  auto jobs = b.jobs->list();
  REQUIRE_FALSE(jobs.empty());
  return jobs.back().id;
}

service::JobInfo job(test::Bench& b, std::uint64_t id) {
  auto j = b.jobs->get(id);
  REQUIRE(j.ok());
  return *j;
}

bool in_state(test::Bench& b, std::uint64_t id, JobState s) {
  auto j = b.jobs->get(id);
  return j.ok() && j->state == s;
}

bool finished(test::Bench& b, std::uint64_t id) {
  auto j = b.jobs->get(id);
  return j.ok() && service::job_finished(j->state);
}

std::string log_of(const service::JobInfo& j) {
  std::string s;
  for (const auto& l : j.log_tail) s += l + "\n";
  return s + j.error.message;
}

fs::path repository(const fs::path& root, std::uint32_t seed) {
  fs::create_directories(root);
  const auto bytes = test::bytes_of(200'000, seed);
  std::ofstream(root / "vzdump-qemu-100.vma.zst", std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return root;
}

}  // namespace

TEST_CASE("two backups to two pools hold both drives at once, a third waits for a drive and runs when one frees, "
          "drive commands on a job's drive are refused naming the job",
          "[console][board][drives]") {
  // No cartridges in the library yet: each backup, once it holds a drive,
  // waits for the operator. That is where they are observed holding their
  // drives at the same time (no timing involved).
  test::Bench b("sim:drives=2,slots=8,mailslots=3,cartridges=0,cartridge-mb=16,sync=false");
  b.app.in_service = true;  // commands return as soon as the job started
  const std::vector<std::string> barcodes{"TG0101L9", "TG0102L9", "TG0103L9"};
  {
    // The operator will bring known blank cartridges.
    auto cat = open_catalog(b.app);
    REQUIRE(cat.ok());
    for (const auto& bc : barcodes) {
      REQUIRE((*cat)->ensure_cartridge(bc).ok());
      REQUIRE((*cat)->forget_content(bc, catalog::CartridgeState::blank).ok());
    }
  }
  std::vector<std::uint64_t> ids;
  for (const std::string pool : {"a", "b", "c"}) {
    REQUIRE(b.run({"pool", "create", pool}).exit_status == kExitOk);
    auto repo = repository(b.tmp.path() / ("repo-" + pool), static_cast<std::uint32_t>(pool[0]));
    auto started = b.run({"backup", repo.string(), "--pool", pool, "--job", "nightly-" + pool});
    INFO(started.output);
    REQUIRE(started.exit_status == kExitOk);
    ids.push_back(last_job(b));
    if (pool == "c") break;
    // a and b: each gets a drive and waits for a cartridge, holding it.
    REQUIRE(test::eventually([&] { return in_state(b, ids.back(), JobState::waiting_for_operator) || finished(b, ids.back()); }));
    INFO(log_of(job(b, ids.back())));
    REQUIRE(in_state(b, ids.back(), JobState::waiting_for_operator));
  }
  const std::string owner_a = service::job_owner_name(ids[0], "nightly-a");
  const std::string owner_b = service::job_owner_name(ids[1], "nightly-b");

  // Both backups hold a drive at the same time.
  std::set<std::string> owners;
  std::string drive_of_a;
  for (const auto& s : b.drives->status()) {
    if (s.owner) owners.insert(*s.owner);
    if (s.owner == owner_a) drive_of_a = s.drive;
  }
  CHECK(owners == std::set<std::string>{owner_a, owner_b});
  REQUIRE_FALSE(drive_of_a.empty());

  // The third waits for a drive, and says so and who holds them.
  REQUIRE(test::eventually([&] {
    auto j = job(b, ids[2]);
    return j.progress.phase.view() == "waiting for a drive" || service::job_finished(j.state);
  }));
  {
    auto j = job(b, ids[2]);
    INFO(log_of(j));
    CHECK(j.state == JobState::running);
    CHECK(j.progress.phase.view() == "waiting for a drive");
    const std::string log = log_of(j);
    CHECK(log.find("waiting for a drive: every drive") != std::string::npos);
    CHECK(log.find(owner_a) != std::string::npos);
    CHECK(log.find(owner_b) != std::string::npos);
  }

  // Drive commands and status name the job holding the drive.
  for (const std::vector<std::string>& words : {std::vector<std::string>{"drive", "eject", drive_of_a},
                                                std::vector<std::string>{"drive", "rewind", drive_of_a},
                                                std::vector<std::string>{"clean", drive_of_a}}) {
    auto refused = b.run(words);
    INFO(refused.output);
    CHECK(refused.exit_status == kExitFailed);
    CHECK(refused.output.find("drive " + drive_of_a + " is in use by " + owner_a) != std::string::npos);
  }
  auto status = b.run({"status"});
  CHECK(status.output.find("in use by " + owner_a) != std::string::npos);

  // The operator brings the cartridges; a and b go on, and c takes the
  // first drive they free.
  auto inv = b.inventory();
  auto mails = inv.of_type(drivers::ElementType::import_export);
  REQUIRE(mails.size() == barcodes.size());
  for (std::size_t i = 0; i < barcodes.size(); ++i)
    REQUIRE(b.board->simulated_library()->operator_insert(mails[i]->address, barcodes[i]).ok());
  auto imported = b.run({"import"});
  INFO(imported.output);
  REQUIRE(imported.exit_status == kExitOk);
  REQUIRE(b.run({"job", "continue", std::to_string(ids[0])}).exit_status == kExitOk);
  REQUIRE(b.run({"job", "continue", std::to_string(ids[1])}).exit_status == kExitOk);
  for (auto id : ids) {
    REQUIRE(test::eventually([&] { return finished(b, id); }, std::chrono::minutes(2)));
    auto j = job(b, id);
    INFO(log_of(j));
    CHECK(j.state == JobState::succeeded);
  }
  for (const auto& s : b.drives->status()) CHECK_FALSE(s.owner);  // every job let go of its drive
}
