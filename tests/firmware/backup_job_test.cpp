// The backup job on the simulated library: spanning several small
// cartridges, a second run writing only new files, a medium error injected
// by the simulator, and the tape read back through the drive and joined
// by GNU tar.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <map>
#include <set>

#include "backup_test_tape.hpp"
#include "board/board.hpp"
#include "board/sim/sim_library.hpp"
#include "firmware/backup/backup_job.hpp"
#include "firmware/catalog/catalog.hpp"
#include "firmware/pools/cartridge_allocator.hpp"
#include "firmware/pools/cartridge_mount.hpp"

using namespace tg;
using namespace tg::firmware;
namespace fs = std::filesystem;

namespace {

class TestJob final : public JobContext {
 public:
  std::vector<std::string> logs;
  std::uint64_t progress_calls = 0;
  ProgressSnapshot last;
  bool cancelled() const override { return false; }
  void progress(const ProgressSnapshot& p) override {
    ++progress_calls;
    last = p;
  }
  void log(LogLevel, const std::string& t) override { logs.push_back(t); }
  bool wait_for_operator(const std::string& request, std::chrono::milliseconds) override {
    logs.push_back("OPERATOR: " + request);
    return false;
  }
};

struct SimBackup {
  test::ScratchDir dir{"backup-job"};
  std::unique_ptr<board::Board> board;
  std::unique_ptr<catalog::Catalog> cat;
  std::unique_ptr<pools::DriveReservations> drives;
  std::map<std::string, std::vector<std::uint8_t>> files;  // rel path -> content

  explicit SimBackup(const std::string& spec) {
    auto b = board::open_board(spec, dir.path / "state");
    if (!b) FAIL(b.error().message);
    board = std::move(*b);
    auto c = catalog::Catalog::open(dir.path / "catalog.sqlite", hal::system_clock());
    if (!c) FAIL(c.error().message);
    cat = std::move(*c);
    drives = std::make_unique<pools::DriveReservations>(board->library());
    REQUIRE(cat->create_pool({.name = "p1"}).ok());
    auto labels = pools::read_labels(*cat, *drives, true);
    if (!labels) FAIL(labels.error().message);
  }
  ~SimBackup() {
    drives.reset();
    cat.reset();
    board.reset();
  }
  void add(const std::string& rel, std::size_t n, std::uint32_t seed) {
    files[rel] = test::pseudo_random_bytes(n, seed);
    test::write_file(dir.path / "repo" / rel, files[rel]);
  }
  backup::BackupRequest request() {
    return backup::BackupRequest{.repository = "repo1",
                                 .root = dir.path / "repo",
                                 .pool = "p1",
                                 .block_size = 256 * 1024,
                                 .ring_bytes = 4u << 20};
  }
  Result<backup::BackupSummary> run(TestJob& job, const backup::BackupRequest& r) {
    return backup::run_backup(r, board->library(), *drives, *cat, job, hal::system_clock());
  }

  // Reads every tape file of the given cartridges through the drive and
  // extracts them with GNU tar (tar -M across cartridges), comparing every
  // file with the repository.
  void verify_tapes_with_gnu_tar(const std::vector<std::string>& cartridges) {
    fs::path tapes = dir.path / "tapes", out = dir.path / "out";
    fs::create_directories(tapes);
    fs::create_directories(out);
    auto lease = drives->reserve("test readback");
    REQUIRE(lease.ok());
    std::vector<fs::path> data_files;
    std::vector<std::uint8_t> buf(1 << 20);
    for (auto& bc : cartridges) {
      REQUIRE(pools::load_cartridge(board->library(), *lease, bc).ok());
      REQUIRE(lease->drive().rewind().ok());
      REQUIRE(lease->drive().set_block_size(0).ok());
      for (int file = 0;; ++file) {
        std::vector<std::uint8_t> bytes;
        bool eod = false;
        while (true) {
          auto r = lease->drive().read(buf);
          REQUIRE(r.ok());
          if (r->kind == drivers::ReadKind::end_of_data) eod = true;
          if (r->kind != drivers::ReadKind::data) break;
          bytes.insert(bytes.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r->length));
        }
        if (eod) break;
        fs::path p = tapes / (bc + "-" + std::to_string(file) + ".tar");
        test::write_file(p, bytes);
        if (file > 0) data_files.push_back(p);  // file 0 is the label
      }
      REQUIRE(pools::unload_cartridge(board->library(), *lease).ok());
    }
    // Group the data tape files into multi-volume chains: a file whose
    // first member is GNU's "GNUFileParts" continuation continues the one
    // before it. Each chain is extracted by one `tar -x -M`.
    std::vector<std::vector<fs::path>> chains;
    for (auto& p : data_files) {
      auto first = test::run_shell("tar -tf " + p.string() + " 2>/dev/null | head -1");
      bool continues = first.output.find("GNUFileParts/") != std::string::npos;
      if (continues && !chains.empty()) chains.back().push_back(p);
      else chains.push_back({p});
    }
    for (auto& c : chains) {
      std::string cmd = "cd " + out.string() + " && tar -x" + (c.size() > 1 ? " -M" : "");
      for (auto& p : c) cmd += " -f " + p.string();
      auto r = test::run_shell(cmd);
      INFO(cmd << "\n" << r.output);
      CHECK(r.status == 0);
      CHECK(r.output.empty());
    }
    for (auto& [rel, bytes] : files) {
      INFO(rel);
      REQUIRE(fs::exists(out / rel));
      CHECK(test::sha256_hex(test::read_file(out / rel)) == test::sha256_hex(bytes));
    }
  }
};

// Every repository file has a committed copy whose pieces cover it
// contiguously; returns the cartridges holding them.
std::set<std::string> check_catalog(catalog::Catalog& cat, const std::map<std::string, std::vector<std::uint8_t>>& files) {
  std::set<std::string> carts;
  auto on = cat.files_on_tape("repo1");
  REQUIRE(on.ok());
  REQUIRE(on->size() == files.size());
  for (auto& f : *on) {
    INFO(f.path);
    REQUIRE(files.count(f.path));
    CHECK(f.sha256 == test::sha256_hex(files.at(f.path)));
    auto pieces = cat.pieces_of(f.backup_file);
    REQUIRE(pieces.ok());
    std::uint64_t covered = 0;
    for (auto& p : *pieces) {
      CHECK(p.piece.offset == covered);
      covered += p.piece.length;
      carts.insert(p.cartridge);
    }
    CHECK(covered == f.size);
  }
  return carts;
}

}  // namespace

TEST_CASE("backup spans small cartridges; a second run writes only new files") {
  SimBackup f("sim:drives=2,slots=8,cartridges=6,cartridge-mb=8,sync=false");
  std::uint32_t seed = 1;
  for (int vm = 100; vm < 103; ++vm)
    for (int day = 1; day <= 2; ++day) {
      f.add("dump/vzdump-qemu-" + std::to_string(vm) + "-2024_01_0" + std::to_string(day) + "-00_00_00.vma.zst",
            (3u << 20) + seed * 4099, seed);
      ++seed;
    }
  f.add("notes.txt", 1234, 99);
  TestJob job;
  auto r = f.run(job, f.request());
  INFO([&] { std::string s; for (auto& l : job.logs) s += l + "\n"; return s; }());
  REQUIRE(r.ok());
  CHECK(r->files_written == f.files.size());
  CHECK(r->failures.empty());
  CHECK(r->cartridges.size() >= 3);  // ~19 MiB on 8 MiB cartridges
  CHECK(r->early_warnings >= 2);
  CHECK(job.progress_calls > 0);
  auto carts = check_catalog(*f.cat, f.files);
  CHECK(carts.size() == r->cartridges.size());
  for (auto& c : r->cartridges) {
    auto cr = f.cat->cartridge(c);
    REQUIRE(cr.ok());
    if (c != r->cartridges.back()) CHECK(cr->state == catalog::CartridgeState::full);
  }
  auto jobs = f.cat->list_jobs();
  REQUIRE(jobs.ok());
  CHECK(jobs->front().state == catalog::JobState::done);

  // Second run: nothing new.
  TestJob job2;
  auto r2 = f.run(job2, f.request());
  REQUIRE(r2.ok());
  CHECK(r2->files_written == 0);
  CHECK(r2->files_already_on_tape == f.files.size());

  // A new file: only it is written, appended after the end of data.
  f.add("dump/vzdump-qemu-100-2024_01_03-00_00_00.vma.zst", 500000, 77);
  TestJob job3;
  auto r3 = f.run(job3, f.request());
  REQUIRE(r3.ok());
  CHECK(r3->files_written == 1);
  check_catalog(*f.cat, f.files);

  // Everything reads back through the drive and GNU tar joins the spans.
  std::vector<std::string> order = r->cartridges;
  for (auto& c : r3->cartridges)
    if (std::find(order.begin(), order.end(), c) == order.end()) order.push_back(c);
  f.verify_tapes_with_gnu_tar(order);
}

TEST_CASE("a medium error marks the cartridge bad and rewrites the files elsewhere") {
  SimBackup f("sim:drives=1,slots=6,cartridges=4,cartridge-mb=16,sync=false");
  for (std::uint32_t i = 0; i < 4; ++i) f.add("vm/disk" + std::to_string(i) + ".img", (1u << 20) + i * 1000, i + 1);
  // The cartridge the job will take first gets a write error at block 6
  // (logical objects 0-1 are the label and its filemark).
  auto set = pools::media_set_for_job(*f.cat, "p1");
  REQUIRE(set.ok());
  auto inv = f.board->library().changer->inventory();
  REQUIRE(inv.ok());
  std::vector<std::string> in_lib;
  for (auto& e : inv->elements)
    if (e.full && !e.barcode.empty()) in_lib.push_back(e.barcode);
  auto choice = pools::choose_cartridge(*f.cat, "p1", set->id, in_lib);
  REQUIRE(choice.ok());
  REQUIRE(choice->allocation);
  std::string first = choice->allocation->barcode;
  REQUIRE(f.board->simulated_library());
  REQUIRE(f.board->simulated_library()
              ->inject_medium_error({.barcode = first, .block = 6, .on_read = false, .on_write = true})
              .ok());
  TestJob job;
  auto r = f.run(job, f.request());
  INFO([&] { std::string s; for (auto& l : job.logs) s += l + "\n"; return s; }());
  REQUIRE(r.ok());
  CHECK(r->medium_errors == 1);
  CHECK(r->files_written == f.files.size());
  auto cr = f.cat->cartridge(first);
  REQUIRE(cr.ok());
  CHECK(cr->state == catalog::CartridgeState::bad);
  auto carts = check_catalog(*f.cat, f.files);
  CHECK(carts.count(first) == 0);
}

namespace {

// Dies by SIGKILL in the middle of the stream: the writer asks cancelled()
// once per block, so the kill lands after a fixed number of blocks.
class KillAfterBlocks final : public JobContext {
 public:
  explicit KillAfterBlocks(int n) : left_(n) {}
  bool cancelled() const override {
    if (--left_ == 0) ::raise(SIGKILL);
    return false;
  }
  void progress(const ProgressSnapshot&) override {}
  void log(LogLevel, const std::string&) override {}
  bool wait_for_operator(const std::string&, std::chrono::milliseconds) override { return false; }

 private:
  mutable int left_;
};

}  // namespace

TEST_CASE("killed with SIGKILL mid-job, the rerun appends after end of data and completes") {
  const std::string spec = "sim:drives=1,slots=6,cartridges=4,cartridge-mb=8,sync=true";
  test::ScratchDir dir("backup-kill");
  std::map<std::string, std::vector<std::uint8_t>> files;
  for (std::uint32_t i = 0; i < 8; ++i) {
    std::string rel = "vm/disk" + std::to_string(i) + ".img";
    files[rel] = test::pseudo_random_bytes((1u << 20) + i * 777, 50 + i);
    test::write_file(dir.path / "repo" / rel, files[rel]);
  }
  backup::BackupRequest req{.repository = "repo1", .root = dir.path / "repo", .pool = "p1",
                            .block_size = 256 * 1024, .ring_bytes = 2u << 20};
  {
    // Set up the pool and labels in this process, then close everything.
    auto b = board::open_board(spec, dir.path / "state");
    REQUIRE(b.ok());
    auto c = catalog::Catalog::open(dir.path / "catalog.sqlite", hal::system_clock());
    REQUIRE(c.ok());
    pools::DriveReservations drives((*b)->library());
    REQUIRE((*c)->create_pool({.name = "p1"}).ok());
    REQUIRE(pools::read_labels(**c, drives, true).ok());
  }
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Child: the appliance, killed after 20 blocks (5 MiB: some files committed).
    auto b = board::open_board(spec, dir.path / "state");
    auto c = catalog::Catalog::open(dir.path / "catalog.sqlite", hal::system_clock());
    if (!b || !c) ::_exit(3);
    pools::DriveReservations drives((*b)->library());
    KillAfterBlocks job(20);
    auto r = backup::run_backup(req, (*b)->library(), drives, **c, job, hal::system_clock());
    if (!r) std::fprintf(stderr, "child: %s\n", r.error().message.c_str());
    ::_exit(r.ok() ? 0 : 4);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  INFO("child status " << status << " exit " << WEXITSTATUS(status));
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);

  // Restart: catalog recovery, then the same job again.
  auto b = board::open_board(spec, dir.path / "state");
  REQUIRE(b.ok());
  auto c = catalog::Catalog::open(dir.path / "catalog.sqlite", hal::system_clock());
  REQUIRE(c.ok());
  CHECK((*c)->recovery().interrupted_jobs == 1);
  auto before = (*c)->files_on_tape("repo1");
  REQUIRE(before.ok());
  CHECK(before->size() < files.size());  // the kill really was mid-job
  pools::DriveReservations drives((*b)->library());
  TestJob job;
  auto r = backup::run_backup(req, (*b)->library(), drives, **c, job, hal::system_clock());
  INFO([&] { std::string s; for (auto& l : job.logs) s += l + "\n"; return s; }());
  REQUIRE(r.ok());
  CHECK(r->files_written + r->files_already_on_tape == files.size());
  CHECK(r->files_already_on_tape == before->size());
  check_catalog(**c, files);
  // Exactly one committed copy of each file: nothing missing, nothing twice.
  for (auto& [rel, bytes] : files) {
    auto v = (*c)->versions_of("repo1", rel);
    REQUIRE(v.ok());
    int on_tape = 0;
    for (auto& f : *v) on_tape += f.on_tape ? 1 : 0;
    INFO(rel);
    CHECK(on_tape == 1);
  }
}
