// `backup` through the command table when part of the repository cannot
// be read: the exit status is not success and the reply names what was
// not backed up and says the backup is incomplete.
#include <fstream>

#include "bench.hpp"
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
