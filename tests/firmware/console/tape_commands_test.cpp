// The product's main job through the command table on the simulated board:
// pool create, backup spanning cartridges, catalog list, restore, verify,
// catalog rebuild from the tapes alone; restored bytes compared with the
// originals.
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "bench.hpp"

using namespace tg;
using namespace tg::firmware::console;
namespace fs = std::filesystem;

namespace {

std::vector<char> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Repo {
  fs::path root;
  std::map<std::string, std::vector<char>> files;
  void add(const std::string& rel, std::size_t n, std::uint32_t seed) {
    auto data = test::bytes_of(n, seed);
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
    files[rel] = std::move(data);
  }
  void check_restored(const fs::path& dir) const {
    for (const auto& [rel, data] : files) {
      INFO(rel);
      REQUIRE(fs::exists(dir / rel));
      CHECK(read_all(dir / rel) == data);
    }
  }
};

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("backup and restore through the console: spanning cartridges, byte-identical", "[console][board][backup]") {
  test::Bench b("sim:drives=1,slots=8,mailslots=2,cartridges=6,cartridge-mb=4,sync=false");
  Repo repo{b.tmp.path() / "repo", {}};
  repo.add("dump/vzdump-qemu-100-2026_11_01-00_00_00.vma.zst", 5'300'000, 1);
  repo.add("dump/vzdump-qemu-100-2026_11_01-00_00_00.log", 900, 2);
  repo.add("dump/vzdump-lxc-101-2026_11_01-00_10_00.tar.zst", 2'100'000, 3);
  repo.add("dump/vzdump-qemu-102-2026_11_01-00_20_00.vma.zst", 1'700'000, 4);

  auto pool = b.run({"pool", "create", "demo"});
  INFO(pool.output);
  REQUIRE(pool.exit_status == kExitOk);

  auto nopool = b.run({"backup", repo.root.string(), "--pool", "nope"});
  CHECK(nopool.exit_status == kExitFailed);
  CHECK(nopool.output.find("pool 'nope' does not exist") != std::string::npos);
  auto nodir = b.run({"backup", (b.tmp.path() / "missing").string(), "--pool", "demo"});
  CHECK(nodir.exit_status == kExitFailed);
  CHECK(nodir.output.find("is not a directory") != std::string::npos);

  auto backup = b.run({"backup", repo.root.string(), "--pool", "demo", "--job", "nightly", "--json"});
  INFO(backup.output);
  REQUIRE(backup.exit_status == kExitOk);
  CHECK(backup.output.find("\"files_written\":4") != std::string::npos);
  // Progress was streamed while the job ran.
  CHECK(b.io.streamed.find("nightly") != std::string::npos);
  auto id_at = backup.output.find("\"catalog_job\":");
  REQUIRE(id_at != std::string::npos);
  const std::string job_id = std::to_string(std::stoll(backup.output.substr(id_at + 14)));

  auto list = b.run({"catalog", "list", "--pool", "demo", "--json"});
  INFO(list.output);
  REQUIRE(list.exit_status == kExitOk);
  // 9.1 MB on 4 MiB cartridges: the big file is split across cartridges.
  CHECK(count(list.output, "\"path\":\"dump/vzdump-qemu-100-2026_11_01-00_00_00.vma.zst\"") >= 2);
  std::set<std::string> carts;
  for (auto p = list.output.find("\"cartridge\":\""); p != std::string::npos; p = list.output.find("\"cartridge\":\"", p + 1))
    carts.insert(list.output.substr(p + 13, list.output.find('"', p + 13) - p - 13));
  CHECK(carts.size() >= 3);

  auto again = b.run({"backup", repo.root.string(), "--pool", "demo", "--job", "nightly", "--json"});
  REQUIRE(again.exit_status == kExitOk);
  CHECK(again.output.find("\"files_written\":0") != std::string::npos);
  CHECK(again.output.find("\"files_already_on_tape\":4") != std::string::npos);
  // The newest job of that name wrote nothing: restoring it says so.
  auto nothing = b.run({"restore", "nightly", "--to", (b.tmp.path() / "none").string()});
  CHECK(nothing.exit_status == kExitFailed);
  CHECK(nothing.output.find("holds no files on tape") != std::string::npos);

  auto usage = b.run({"restore", "nightly"});
  CHECK(usage.exit_status == kExitUsage);

  fs::path out = b.tmp.path() / "restored";
  auto restore = b.run({"restore", job_id, "--kind", "job", "--to", out.string()});
  INFO(restore.output);
  REQUIRE(restore.exit_status == kExitOk);
  repo.check_restored(out);

  // A second restore into the same place refuses to overwrite, and says so.
  auto twice = b.run({"restore", job_id, "--kind", "job", "--to", out.string()});
  CHECK(twice.exit_status == kExitFailed);
  CHECK(twice.output.find("not overwritten") != std::string::npos);

  // The same restore run by the service: its job is recorded failed, as the
  // one-shot's exit status says, and `job status` shows why.
  b.app.in_service = true;
  auto started = b.run({"restore", job_id, "--kind", "job", "--to", out.string(), "--json"});
  b.app.in_service = false;
  REQUIRE(started.exit_status == kExitOk);
  std::uint64_t service_job = 0;
  for (const auto& j : b.jobs->list()) service_job = std::max(service_job, j.id);
  REQUIRE(test::eventually([&] { return firmware::service::job_finished(b.jobs->get(service_job)->state); }));
  CHECK(b.jobs->get(service_job)->state == firmware::service::JobState::failed);
  auto status = b.run({"job", "status", std::to_string(service_job), "--json"});
  INFO(status.output);
  CHECK(status.output.find("\"state\":\"failed\"") != std::string::npos);
  CHECK(status.output.find("\"files_failed\":4") != std::string::npos);
  CHECK(status.output.find("not overwritten") != std::string::npos);

  auto verify = b.run({"verify", job_id, "--kind", "job"});
  INFO(verify.output);
  CHECK(verify.exit_status == kExitOk);

  auto pools = b.run({"pool", "list"});
  CHECK(pools.output.find("demo") != std::string::npos);
  auto jobs = b.run({"job", "list"});
  CHECK(count(jobs.output, "succeeded") >= 4);
}

TEST_CASE("catalog rebuild from the cartridges alone, then restore", "[console][board][backup]") {
  test::Bench b("sim:drives=1,slots=8,mailslots=2,cartridges=6,cartridge-mb=4,sync=false");
  Repo repo{b.tmp.path() / "repo", {}};
  repo.add("vzdump-qemu-200-2026_11_01-00_00_00.vma.zst", 4'600'000, 7);
  repo.add("vzdump-qemu-201-2026_11_01-00_00_00.vma.zst", 700'000, 8);
  REQUIRE(b.run({"pool", "create", "p"}).exit_status == kExitOk);
  auto labels = b.run({"inventory", "--read-labels"});
  INFO(labels.output);
  REQUIRE(labels.exit_status == kExitOk);
  CHECK(labels.output.find("blank") != std::string::npos);
  REQUIRE(b.run({"backup", repo.root.string(), "--pool", "p", "--job", "weekly"}).exit_status == kExitOk);

  // The appliance's disk is lost: only the tapes remain.
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) fs::remove(b.app.paths.catalog().string() + suffix);
  auto empty = b.run({"catalog", "list", "--json"});
  CHECK(empty.output.find("vzdump") == std::string::npos);

  auto rebuild = b.run({"catalog", "rebuild"});
  INFO(rebuild.output);
  REQUIRE(rebuild.exit_status == kExitOk);
  auto list = b.run({"catalog", "list"});
  CHECK(list.output.find("vzdump-qemu-200-2026_11_01-00_00_00.vma.zst") != std::string::npos);

  fs::path out = b.tmp.path() / "after-rebuild";
  auto restore = b.run({"restore", "weekly", "--kind", "job", "--to", out.string()});
  INFO(restore.output);
  REQUIRE(restore.exit_status == kExitOk);
  repo.check_restored(out);
}
