// Cleaning through the one library module: a job that meets a drive whose
// TapeAlert asks for cleaning cleans it first (auto-clean) and says so, or
// refuses it naming the remedy.
#include <fstream>
#include <iterator>

#include "firmware/console/bench.hpp"

using namespace tg;
using namespace tg::firmware::console;
namespace fs = std::filesystem;

namespace {

// A one-drive simulated board with a CLN cartridge and drive0 asking for
// cleaning from power-on (TapeAlert 20).
std::string board_file(const fs::path& dir, bool auto_clean) {
  fs::create_directories(dir);
  const fs::path p = dir / "clean.xml";
  std::ofstream(p) << "<board name=\"clean\">\n"
                   << "  <options auto-clean=\"" << (auto_clean ? "true" : "false") << "\"/>\n"
                   << "  <simulated-library generation=\"9\" cartridge-mb=\"16\" speed-mbps=\"0\">\n"
                   << "    <picker address=\"1\"/>\n"
                   << "    <mailslots first=\"10\" count=\"2\"/>\n"
                   << "    <drive name=\"drive0\" element=\"500\"/>\n"
                   << "    <slots first=\"1000\" count=\"8\"/>\n"
                   << "    <cartridge barcode=\"TG0001L9\" slot=\"1000\"/>\n"
                   << "    <cartridge barcode=\"TG0002L9\" slot=\"1001\"/>\n"
                   << "    <cartridge barcode=\"CLN001L1\" slot=\"1007\"/>\n"
                   << "    <fault kind=\"clean-drive\" drive=\"0\"/>\n"
                   << "  </simulated-library>\n"
                   << "</board>\n";
  return p.string();
}

fs::path small_repo(const fs::path& root) {
  fs::create_directories(root / "dump");
  auto data = test::bytes_of(300'000, 7);
  std::ofstream(root / "dump" / "vzdump-qemu-100.vma.zst", std::ios::binary)
      .write(data.data(), static_cast<std::streamsize>(data.size()));
  return root;
}

}  // namespace

TEST_CASE("a backup on a drive asking for cleaning with auto-clean on cleans it first and says so", "[library][cleaning]") {
  test::TempDir boards;
  test::Bench b(board_file(boards.path(), true));
  b.app.board.auto_clean = b.board->options().auto_clean;
  REQUIRE(b.app.board.auto_clean);
  auto before = b.run({"drive", "tapealert", "drive0"});
  REQUIRE(before.exit_status == kExitOk);
  REQUIRE(before.output.find("Clean now") != std::string::npos);

  REQUIRE(b.run({"pool", "create", "weekly"}).exit_status == kExitOk);
  auto repo = small_repo(b.tmp.path() / "repo");
  auto backup = b.run({"backup", repo.string(), "--pool", "weekly", "--job", "nightly"});
  INFO(backup.output);
  INFO(b.io.streamed);
  REQUIRE(backup.exit_status == kExitOk);
  CHECK(backup.output.find("drive drive0 asked for cleaning (TapeAlert): cleaned with CLN001L1 before the backup") !=
        std::string::npos);
  // The job's log says it too.
  std::ifstream events(b.app.paths.log() / "events.log");
  const std::string log{std::istreambuf_iterator<char>(events), std::istreambuf_iterator<char>()};
  CHECK(log.find("drive drive0 asks for cleaning (TapeAlert): cleaning it before the job") != std::string::npos);
  CHECK(log.find("drive drive0 cleaned with CLN001L1 before the job") != std::string::npos);

  auto after = b.run({"drive", "tapealert", "drive0"});
  REQUIRE(after.exit_status == kExitOk);
  CHECK(after.output.find("Clean now") == std::string::npos);
  // The cleaning cartridge is back in its slot.
  auto inv = b.inventory();
  REQUIRE(inv.find_barcode("CLN001L1"));
  CHECK(inv.find_barcode("CLN001L1")->type == drivers::ElementType::storage);
}

TEST_CASE("with auto-clean off a job refuses the drive asking for cleaning and names the remedy", "[library][cleaning]") {
  test::TempDir boards;
  test::Bench b(board_file(boards.path(), false));
  REQUIRE(b.run({"pool", "create", "weekly"}).exit_status == kExitOk);
  auto repo = small_repo(b.tmp.path() / "repo");
  auto backup = b.run({"backup", repo.string(), "--pool", "weekly"});
  INFO(backup.output);
  CHECK(backup.exit_status == kExitFailed);
  CHECK(backup.output.find("drive drive0 asks for cleaning (TapeAlert) and auto-clean is off: run 'clean drive0'") !=
        std::string::npos);
  // The operator cleans it; then the backup runs.
  auto clean = b.run({"clean", "drive0"});
  INFO(clean.output);
  REQUIRE(clean.exit_status == kExitOk);
  CHECK(clean.output.find("drive drive0 cleaned with CLN001L1") != std::string::npos);
  auto again = b.run({"backup", repo.string(), "--pool", "weekly"});
  INFO(again.output);
  CHECK(again.exit_status == kExitOk);
}
