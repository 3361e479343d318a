// `backup` through the command table when part of the repository cannot
// be read: the exit status is not success and the reply names what was
// not backed up and says the backup is incomplete.
#include <fstream>

#include "bench.hpp"
#include "json_value.hpp"
#include "without_dac_override.hpp"

using namespace tg;
using namespace tg::firmware::console;
namespace fs = std::filesystem;

TEST_CASE("a backup that cannot read a directory exits non-zero and says it is incomplete", "[console][board][backup]") {
  test::Bench b("sim:drives=1,slots=4,mailslots=1,cartridges=2,cartridge-mb=16,sync=false");
  const fs::path repo = b.tmp.path() / "repo";
  auto add = [&](const fs::path& rel, std::uint32_t seed) {
    auto data = test::bytes_of(700 + seed, seed);
    fs::create_directories((repo / rel).parent_path());
    std::ofstream(repo / rel, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
  };
  for (std::uint32_t i = 0; i < 7; ++i) add("a/f" + std::to_string(i), i);
  for (std::uint32_t i = 0; i < 6; ++i) add("b-locked/f" + std::to_string(i), 10 + i);
  for (std::uint32_t i = 0; i < 7; ++i) add("c/f" + std::to_string(i), 20 + i);
  REQUIRE(b.run({"pool", "create", "p"}).exit_status == kExitOk);
  fs::permissions(repo / "b-locked", fs::perms::none);
  Outcome out;
  {
    test::WithoutDacOverride unprivileged;
    REQUIRE(test::WithoutDacOverride::cannot_list(repo / "b-locked"));
    out = b.run({"backup", repo.string(), "--pool", "p", "--job", "probe"});
  }
  fs::permissions(repo / "b-locked", fs::perms::owner_all);
  INFO(out.output);
  CHECK(out.exit_status == kExitFailed);
  // The 13 files past the locked directory are scanned and written too.
  auto number_after = [&](const std::string& label) {
    auto at = out.output.find(label);
    REQUIRE(at != std::string::npos);
    return std::stoll(out.output.substr(at + label.size()));
  };
  CHECK(number_after("files scanned:") == 14);
  CHECK(number_after("files written:") == 14);
  CHECK(out.output.find("b-locked") != std::string::npos);
  CHECK(out.output.find("Permission denied") != std::string::npos);
  CHECK(out.output.find("backup incomplete") != std::string::npos);
  CHECK(out.output.find("backup INCOMPLETE") != std::string::npos);
}

// `--json` carries measures as numbers (bytes, seconds, MB/s, counts), the
// text form keeps them human; the per-drive figures come as an array. The
// simulated drive's backhitches follow from the job's syncs alone (see
// tests/firmware/backup/backup_job_test.cpp): restarts = backhitches - stalls.
TEST_CASE("backup --json: numbers as numbers, a drives array, backhitches from the simulated drive", "[console][board][backup]") {
  test::Bench b("sim:drives=1,slots=4,mailslots=1,cartridges=2,cartridge-mb=64,sync=false,speed-mbps=400,backhitch-ms=1");
  const fs::path repo = b.tmp.path() / "repo";
  for (std::uint32_t i = 0; i < 10; ++i) {
    auto data = test::bytes_of(120000 + i * 512, i);
    fs::create_directories(repo / "vm");
    std::ofstream(repo / "vm" / ("disk" + std::to_string(i)), std::ios::binary)
        .write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  REQUIRE(b.run({"pool", "create", "p"}).exit_status == kExitOk);
  auto out = b.run({"backup", repo.string(), "--pool", "p", "--job", "numbers", "--json"});
  INFO(out.output);
  REQUIRE(out.exit_status == kExitOk);
  auto json = test::parse_json(out.output);
  REQUIRE(json);
  const auto& j = *json;
  for (const char* key : {"bytes_written", "written", "seconds", "mb_per_s", "drive_stalls", "backhitches"}) {
    INFO(key);
    REQUIRE(j.has(key));
    CHECK(j[key].is_number());
  }
  CHECK(j["written"].number() == j["bytes_written"].number());
  CHECK(j["bytes_written"].number() > 10 * 120000);
  REQUIRE(j["drives"].is_array());
  REQUIRE(j["drives"].array().size() == 1);
  const auto& d = j["drives"].array()[0];
  CHECK(d["drive"].string() == "drive0");
  for (const char* key : {"bytes_written", "seconds", "mb_per_s", "drive_stalls", "backhitches"}) {
    INFO(key);
    CHECK(d[key].is_number());
  }
  CHECK(d["bytes_written"].number() == j["bytes_written"].number());
  // No stop in a small job: the data's last filemark is buffered and the
  // catalog copy's filemark is the one sync (docs/tape-format.md).
  CHECK(j["backhitches"].number() - j["drive_stalls"].number() == 0);

  // `job status` of the finished job shows the same figures, as numbers.
  auto list = test::parse_json(b.run({"job", "list", "--json"}).output);
  REQUIRE(list);
  REQUIRE_FALSE((*list)["jobs"].array().empty());
  const auto id = static_cast<std::int64_t>((*list)["jobs"].array().back()["id"].number());
  auto status_out = b.run({"job", "status", std::to_string(id), "--json"});
  INFO(status_out.output);
  auto status = test::parse_json(status_out.output);
  REQUIRE(status);
  for (const char* key : {"bytes_written", "seconds", "mb_per_s", "drive_stalls", "backhitches"}) {
    INFO(key);
    REQUIRE(status->has(key));
    CHECK((*status)[key].is_number());
  }
  CHECK((*status)["drives"].is_array());

  // The text form stays human; media listings carry numbers in JSON too.
  auto text = b.run({"backup", repo.string(), "--pool", "p", "--job", "again", "--all"});
  INFO(text.output);
  REQUIRE(text.exit_status == kExitOk);
  CHECK(text.output.find(" MiB in ") != std::string::npos);
  CHECK(text.output.find(" MB/s") != std::string::npos);
  auto jobs = test::parse_json(b.run({"catalog", "jobs", "--json"}).output);
  REQUIRE(jobs);
  REQUIRE_FALSE((*jobs)["jobs"].array().empty());
  CHECK((*jobs)["jobs"].array()[0]["bytes"].is_number());
  auto media = b.run({"pool", "list", "--json"});
  INFO(media.output);
  auto pools = test::parse_json(media.output);
  REQUIRE(pools);
  REQUIRE((*pools)["pools"].array().size() == 1);
  CHECK((*pools)["pools"].array()[0]["written"].is_number());
}
