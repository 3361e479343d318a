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

#include "firmware/pipeline/backup_test_tape.hpp"
#include "without_dac_override.hpp"
#include "board/board.hpp"
#include "board/sim/sim_library.hpp"
#include "firmware/library/cartridge_moves.hpp"
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
  std::unique_ptr<library::DriveReservations> drives;
  std::map<std::string, std::vector<std::uint8_t>> files;  // rel path -> content

  explicit SimBackup(const std::string& spec) {
    auto b = board::open_board(spec, dir.path / "state");
    if (!b) FAIL(b.error().message);
    board = std::move(*b);
    auto c = catalog::Catalog::open(dir.path / "catalog.sqlite", hal::system_clock());
    if (!c) FAIL(c.error().message);
    cat = std::move(*c);
    drives = std::make_unique<library::DriveReservations>(board->library());
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
  Result<backup::BackupSummary> run(JobContext& job, const backup::BackupRequest& r) {
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
      REQUIRE(library::load_cartridge(board->library(), *lease, bc).ok());
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
      REQUIRE(library::unload_cartridge(board->library(), *lease).ok());
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

TEST_CASE("backup spans small cartridges, a second run writes only new files") {
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
    library::DriveReservations drives((*b)->library());
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
    library::DriveReservations drives((*b)->library());
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
  library::DriveReservations drives((*b)->library());
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

namespace {

// Keeps every progress snapshot the job reported.
class RecordingJob final : public JobContext {
 public:
  std::vector<std::string> logs;
  std::vector<ProgressSnapshot> snaps;
  bool cancelled() const override { return false; }
  void progress(const ProgressSnapshot& p) override { snaps.push_back(p); }
  void log(LogLevel, const std::string& t) override { logs.push_back(t); }
  bool wait_for_operator(const std::string& request, std::chrono::milliseconds) override {
    logs.push_back("OPERATOR: " + request);
    return false;
  }
  std::string all_logs() const {
    std::string s;
    for (auto& l : logs) s += l + "\n";
    return s;
  }
};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The lengths of the blocks of every data and catalog tape file (file 1 on)
// of a cartridge, read back through a drive.
std::set<std::size_t> data_block_lengths(SimBackup& f, const std::string& barcode) {
  std::set<std::size_t> lengths;
  auto lease = f.drives->reserve("test block sizes");
  REQUIRE(lease.ok());
  REQUIRE(library::load_cartridge(f.board->library(), *lease, barcode).ok());
  REQUIRE(lease->drive().rewind().ok());
  REQUIRE(lease->drive().set_block_size(0).ok());
  std::vector<std::uint8_t> buf(2u << 20);
  for (int file = 0;; ++file) {
    bool eod = false, any = false;
    while (true) {
      auto r = lease->drive().read(buf);
      REQUIRE(r.ok());
      if (r->kind == drivers::ReadKind::end_of_data) eod = true;
      if (r->kind != drivers::ReadKind::data) break;
      any = true;
      if (file > 0) lengths.insert(r->length);
    }
    if (eod || !any) break;
  }
  REQUIRE(library::unload_cartridge(f.board->library(), *lease).ok());
  return lengths;
}

}  // namespace

TEST_CASE("backup progress keeps the job's bytes through a cartridge change and names the cartridges") {
  SimBackup f("sim:drives=1,slots=6,cartridges=4,cartridge-mb=8,sync=false");
  // The first file is larger than a cartridge: at the first change none of
  // the job's files is finished, only the piece on the first cartridge.
  f.add("vm/a-disk.img", 11u << 20, 5);
  f.add("vm/b-disk.img", 300000, 6);
  RecordingJob job;
  auto r = f.run(job, f.request());
  INFO(job.all_logs());
  REQUIRE(r.ok());
  REQUIRE(r->cartridges.size() >= 2);
  const std::string first = r->cartridges[0], second = r->cartridges[1];

  auto on = f.cat->files_on_tape("repo1");
  REQUIRE(on.ok());
  std::uint64_t first_piece = 0;
  for (auto& file : *on)
    if (file.path == "vm/a-disk.img") {
      auto pieces = f.cat->pieces_of(file.backup_file);
      REQUIRE(pieces.ok());
      REQUIRE(pieces->size() >= 2);
      CHECK(pieces->front().cartridge == first);
      first_piece = pieces->front().piece.length;
    }
  REQUIRE(first_piece > 0);

  const ProgressSnapshot* unloading = nullptr;
  const ProgressSnapshot* loading = nullptr;
  std::uint64_t last = 0;
  for (auto& s : job.snaps) {
    std::string phase(s.phase.view());
    INFO(phase << ": " << s.bytes_done << " bytes");
    CHECK(s.bytes_total == f.files.at("vm/a-disk.img").size() + f.files.at("vm/b-disk.img").size());
    CHECK(s.bytes_done >= last);  // never falls back (to "0 B") during the job
    last = s.bytes_done;
    if (starts_with(phase, "changing cartridge")) CHECK(s.bytes_done > 0);
    if (phase == "changing cartridge: unloading " + first + " (full)") unloading = &s;
    if (phase == "changing cartridge: loading " + second) loading = &s;
  }
  REQUIRE(unloading);
  REQUIRE(loading);
  // Exactly the bytes on the first cartridge, while it is unloaded and the next one loaded.
  CHECK(unloading->bytes_done == first_piece);
  CHECK(std::string(unloading->cartridge.view()) == first);
  CHECK(loading->bytes_done == first_piece);
  CHECK(std::string(loading->cartridge.view()) == second);
  CHECK(std::string(loading->drive.view()) == "drive0");
  CHECK(loading->files_total == 2);
}

TEST_CASE("appending, the job writes in the block size of the cartridge's label") {
  SimBackup f("sim:drives=1,slots=6,cartridges=4,cartridge-mb=16,sync=false");
  f.add("vm/a.img", 1u << 20, 11);
  RecordingJob j1;
  auto r1 = f.run(j1, f.request());  // 256 KiB blocks
  INFO(j1.all_logs());
  REQUIRE(r1.ok());
  REQUIRE(r1->cartridges.size() == 1);
  const std::string a = r1->cartridges[0];
  auto ca = f.cat->cartridge(a);
  REQUIRE(ca.ok());
  REQUIRE(ca->state == catalog::CartridgeState::appendable);
  REQUIRE(ca->block_size == 256 * 1024);

  // A later job asks for 512 KiB blocks; its first cartridge is the
  // appendable one, so it writes 256 KiB blocks, as the label says.
  f.add("vm/b.img", 2u << 20, 12);
  auto req = f.request();
  req.block_size = 512 * 1024;
  RecordingJob j2;
  auto r2 = f.run(j2, req);
  INFO(j2.all_logs());
  REQUIRE(r2.ok());
  CHECK(r2->files_written == 1);
  REQUIRE(r2->cartridges.size() == 1);
  CHECK(r2->cartridges[0] == a);
  CHECK(r2->block_size == 256 * 1024);
  CHECK(j2.all_logs().find("cartridge " + a + " is labelled for 262144-byte blocks: the job appends to it") !=
        std::string::npos);
  CHECK(data_block_lengths(f, a) == std::set<std::size_t>{256 * 1024});
  check_catalog(*f.cat, f.files);
  f.verify_tapes_with_gnu_tar({a});
}

namespace {

// Moves a cartridge between two kinds of element (slot <-> mail slot) with
// the changer, as an operator at the mail slots would.
void move_cartridge(SimBackup& f, const std::string& barcode, drivers::ElementType to) {
  auto inv = f.board->library().changer->inventory();
  REQUIRE(inv.ok());
  std::optional<std::uint16_t> from, dest;
  for (auto& e : inv->elements) {
    if (e.full && e.barcode == barcode) from = e.address;
    if (!e.full && e.type == to && !dest) dest = e.address;
  }
  REQUIRE(from);
  REQUIRE(dest);
  REQUIRE(f.board->library().changer->move(*from, *dest).ok());
}

// Brings a cartridge back from a mail slot while the job changes cartridges.
class ImportDuringChange final : public JobContext {
 public:
  ImportDuringChange(SimBackup& f, std::string barcode) : f_(f), barcode_(std::move(barcode)) {}
  std::vector<std::string> logs;
  bool cancelled() const override { return false; }
  void progress(const ProgressSnapshot& p) override {
    if (!done_ && p.phase.view().substr(0, 29) == "changing cartridge: unloading") {
      done_ = true;
      move_cartridge(f_, barcode_, drivers::ElementType::storage);
    }
  }
  void log(LogLevel, const std::string& t) override { logs.push_back(t); }
  bool wait_for_operator(const std::string&, std::chrono::milliseconds) override { return false; }
  std::string all_logs() const {
    std::string s;
    for (auto& l : logs) s += l + "\n";
    return s;
  }
  bool imported() const { return done_; }

 private:
  SimBackup& f_;
  std::string barcode_;
  bool done_ = false;
};

}  // namespace

TEST_CASE("once writing, the job passes over an appendable cartridge labelled for another block size") {
  SimBackup f("sim:drives=1,slots=8,mailslots=2,cartridges=5,cartridge-mb=8,sync=false");
  // A: sequence 1, 256 KiB blocks. B: sequence 2, 512 KiB blocks (A held
  // back as if full while B was labelled). Both appendable.
  f.add("vm/a.img", 1u << 20, 21);
  RecordingJob j1;
  auto r1 = f.run(j1, f.request());
  INFO(j1.all_logs());
  REQUIRE(r1.ok());
  const std::string a = r1->cartridges.at(0);
  REQUIRE(f.cat->set_cartridge_state(a, catalog::CartridgeState::full, "test").ok());
  f.add("vm/b.img", 1u << 20, 22);
  auto big = f.request();
  big.block_size = 512 * 1024;
  RecordingJob j2;
  auto r2 = f.run(j2, big);
  INFO(j2.all_logs());
  REQUIRE(r2.ok());
  const std::string b = r2->cartridges.at(0);
  REQUIRE(b != a);
  REQUIRE(f.cat->set_cartridge_state(a, catalog::CartridgeState::appendable, "test").ok());
  auto cb = f.cat->cartridge(b);
  REQUIRE(cb.ok());
  REQUIRE(cb->block_size == 512 * 1024);

  // B is out of the library when a 256 KiB job starts (so it starts on A)
  // and back when A is full: the job must not append to B in 256 KiB blocks.
  move_cartridge(f, b, drivers::ElementType::import_export);
  f.add("vm/c.img", 10u << 20, 23);
  ImportDuringChange j3(f, b);
  auto r3 = f.run(j3, f.request());
  INFO(j3.all_logs());
  REQUIRE(r3.ok());
  REQUIRE(j3.imported());
  CHECK(r3->files_written == 1);
  CHECK(r3->block_size == 256 * 1024);
  REQUIRE(r3->cartridges.size() >= 2);
  CHECK(r3->cartridges[0] == a);
  CHECK(std::find(r3->cartridges.begin(), r3->cartridges.end(), b) == r3->cartridges.end());
  CHECK(j3.all_logs().find("cartridge " + b + " is labelled for 524288-byte blocks and this job writes 262144-byte "
                           "blocks: not appending to it") != std::string::npos);
  auto after = f.cat->cartridge(b);
  REQUIRE(after.ok());
  CHECK(after->state == catalog::CartridgeState::appendable);
  // Every cartridge holds only blocks of its label's size.
  CHECK(data_block_lengths(f, b) == std::set<std::size_t>{512 * 1024});
  for (auto& c : r3->cartridges) {
    INFO(c);
    auto cc = f.cat->cartridge(c);
    REQUIRE(cc.ok());
    CHECK(cc->block_size == 256 * 1024);
    CHECK(data_block_lengths(f, c) == std::set<std::size_t>{256 * 1024});
  }
  check_catalog(*f.cat, f.files);
  std::vector<std::string> order = r3->cartridges;
  order.push_back(b);
  f.verify_tapes_with_gnu_tar(order);
}

TEST_CASE("a full cartridge the catalog calls appendable is marked full, not written past its end") {
  // What a catalog rebuilt from the tapes, or a crash before the state was
  // recorded, leaves: A is full on tape, appendable in the catalog.
  SimBackup f("sim:drives=1,slots=6,cartridges=4,cartridge-mb=8,sync=false");
  f.add("vm/a.img", 1u << 20, 31);
  RecordingJob j1;
  auto r1 = f.run(j1, f.request());
  INFO(j1.all_logs());
  REQUIRE(r1.ok());
  REQUIRE(r1->cartridges.size() == 1);
  const std::string a = r1->cartridges[0];
  {
    // Fill A to its physical end after its end of data.
    auto lease = f.drives->reserve("test fill");
    REQUIRE(lease.ok());
    REQUIRE(library::load_cartridge(f.board->library(), *lease, a).ok());
    REQUIRE(lease->drive().set_block_size(0).ok());
    REQUIRE(lease->drive().space(drivers::SpaceCode::end_of_data, 0).ok());
    std::vector<std::uint8_t> block(256 * 1024, 0);
    int written = 0;
    while (true) {
      auto w = lease->drive().write(block);
      if (!w) {
        REQUIRE(w.error().code == Errc::volume_overflow);
        break;
      }
      REQUIRE(++written < 100);
    }
    REQUIRE(library::unload_cartridge(f.board->library(), *lease).ok());
  }
  auto ca = f.cat->cartridge(a);
  REQUIRE(ca.ok());
  REQUIRE(ca->state == catalog::CartridgeState::appendable);

  f.add("vm/b.img", 1u << 20, 32);
  RecordingJob j2;
  auto r2 = f.run(j2, f.request());
  INFO(j2.all_logs());
  REQUIRE(r2.ok());
  CHECK(r2->files_written == 1);
  REQUIRE(r2->cartridges.size() == 1);
  CHECK(r2->cartridges[0] != a);
  CHECK(j2.all_logs().find("cartridge " + a + " has 0 MiB left (cartridge memory) although the catalog had it "
                           "appendable: marked full") != std::string::npos);
  ca = f.cat->cartridge(a);
  REQUIRE(ca.ok());
  CHECK(ca->state == catalog::CartridgeState::full);
  check_catalog(*f.cat, f.files);
}

TEST_CASE("a job spans only onto later cartridges of its media set") {
  // A full cartridge a rebuilt catalog calls appendable, with room left in
  // its early-warning zone: a job leaving a later cartridge must not go back
  // to it (readers take a set's cartridges in sequence order).
  SimBackup f("sim:drives=1,slots=8,cartridges=5,cartridge-mb=8,sync=false");
  f.add("vm/a.img", 10u << 20, 41);
  RecordingJob j1;
  auto r1 = f.run(j1, f.request());
  INFO(j1.all_logs());
  REQUIRE(r1.ok());
  REQUIRE(r1->cartridges.size() == 2);
  const std::string a = r1->cartridges[0], b = r1->cartridges[1];
  REQUIRE(f.cat->set_cartridge_state(a, catalog::CartridgeState::appendable, "test: as if rebuilt").ok());

  f.add("vm/b.img", 5u << 20, 42);
  RecordingJob j2;
  auto r2 = f.run(j2, f.request());
  INFO(j2.all_logs());
  REQUIRE(r2.ok());
  REQUIRE(r2->cartridges.size() == 2);
  CHECK(r2->cartridges[0] == b);
  CHECK(r2->cartridges[1] != a);
  CHECK(j2.all_logs().find("cartridge " + a + " (sequence 1) comes before " + b +
                           " (sequence 2) in media set") != std::string::npos);
  // The spanning file's pieces lie on cartridges of rising sequence.
  auto on = f.cat->files_on_tape("repo1");
  REQUIRE(on.ok());
  for (auto& file : *on) {
    if (file.path != "vm/b.img") continue;
    auto pieces = f.cat->pieces_of(file.backup_file);
    REQUIRE(pieces.ok());
    REQUIRE(pieces->size() == 2);
    CHECK(pieces->at(0).cartridge == b);
    CHECK(pieces->at(1).cartridge == r2->cartridges[1]);
  }
  check_catalog(*f.cat, f.files);
  f.verify_tapes_with_gnu_tar({a, b, r2->cartridges[1]});
}

TEST_CASE("an unreadable directory makes the backup incomplete, everything else is written") {
  // The probe's repository: 20 files, one subdirectory at mode 000, backed
  // up without the right to read it. It used to end the scan silently:
  // "7 files, 0 failed", job done.
  SimBackup f("sim:drives=1,slots=4,cartridges=2,cartridge-mb=16,sync=false");
  for (std::uint32_t i = 0; i < 7; ++i) f.add("a/file" + std::to_string(i), 1000 + i, i + 1);
  for (std::uint32_t i = 0; i < 6; ++i)
    test::write_file(f.dir.path / "repo/b-locked" / ("file" + std::to_string(i)), test::pseudo_random_bytes(500, i));
  for (std::uint32_t i = 0; i < 7; ++i) f.add("c/file" + std::to_string(i), 2000 + i, i + 20);
  const fs::path locked = f.dir.path / "repo/b-locked";
  fs::permissions(locked, fs::perms::none);
  TestJob job;
  Result<backup::BackupSummary> r = make_error(Errc::internal, "not run");
  {
    test::WithoutDacOverride unprivileged;
    REQUIRE(test::WithoutDacOverride::cannot_list(locked));
    r = f.run(job, f.request());
  }
  fs::permissions(locked, fs::perms::owner_all);
  INFO([&] { std::string s; for (auto& l : job.logs) s += l + "\n"; return s; }());
  REQUIRE(r.ok());
  CHECK(r->files_scanned == 14);
  CHECK(r->files_written == 14);
  REQUIRE(r->failures.size() == 1);
  CHECK(r->failures[0].path == "b-locked");
  CHECK(r->failures[0].reason.find("Permission denied") != std::string::npos);
  CHECK_FALSE(r->complete());
  CHECK(r->text().find("backup INCOMPLETE") != std::string::npos);
  CHECK(r->text().find("FAILED b-locked") != std::string::npos);
  check_catalog(*f.cat, f.files);
  auto jobs = f.cat->list_jobs();
  REQUIRE(jobs.ok());
  CHECK(jobs->front().state == catalog::JobState::failed);

  // A second run finds nothing new to write, and is still incomplete.
  TestJob again;
  {
    fs::permissions(locked, fs::perms::none);
    test::WithoutDacOverride unprivileged;
    r = f.run(again, f.request());
  }
  fs::permissions(locked, fs::perms::owner_all);
  REQUIRE(r.ok());
  CHECK(r->files_written == 0);
  CHECK_FALSE(r->complete());
  jobs = f.cat->list_jobs();
  REQUIRE(jobs.ok());
  CHECK(jobs->front().state == catalog::JobState::failed);
}

TEST_CASE("each member's header carries its file's mode and owner, and GNU tar extracts them") {
  SimBackup f("sim:drives=1,slots=4,cartridges=2,cartridge-mb=16,sync=false");
  f.add("home/secret.key", 3000, 1);
  f.add("bin/tool", 2000, 2);
  f.add("plain.txt", 1000, 3);
  const fs::path repo = f.dir.path / "repo";
  REQUIRE(::chown((repo / "home/secret.key").c_str(), 1234, 2345) == 0);
  REQUIRE(::chmod((repo / "home/secret.key").c_str(), 0600) == 0);
  REQUIRE(::chown((repo / "bin/tool").c_str(), 3'000'000, 0) == 0);   // too large for the ustar field
  REQUIRE(::chmod((repo / "bin/tool").c_str(), 04750) == 0);
  TestJob job;
  auto r = f.run(job, f.request());
  REQUIRE(r.ok());
  REQUIRE(r->complete());
  // GNU tar, as root, gives extracted files the header's numeric owner
  // (no names to map) and mode.
  f.verify_tapes_with_gnu_tar(r->cartridges);
  auto st = [&](const std::string& rel) {
    struct stat s {};
    REQUIRE(::lstat((f.dir.path / "out" / rel).c_str(), &s) == 0);
    return s;
  };
  CHECK((st("home/secret.key").st_mode & 07777) == 0600);
  CHECK(st("home/secret.key").st_uid == 1234);
  CHECK(st("home/secret.key").st_gid == 2345);
  CHECK((st("bin/tool").st_mode & 07777) == 04750);
  CHECK(st("bin/tool").st_uid == 3'000'000);
  CHECK((st("plain.txt").st_mode & 07777) == 0644);
  CHECK(st("plain.txt").st_uid == 0);
}

// The drive model counts a backhitch for every restart after a sync (a
// flush or filemark with IMMED=0 stops the tape). Underruns caused by this
// machine's scheduling are counted apart, as stalls, so the difference is
// fixed by the job's command sequence alone: nothing here is timed.
// On one fresh cartridge: label + buffered filemark (no stop), data, the
// data tape file's buffered filemark (no stop), the catalog copy, its
// filemark (the job's one sync; nothing follows): no restart at all
// (docs/tape-format.md, "Tape files and syncs").
TEST_CASE("a small multi-file backup on a simulated 400 MB/s drive counts its backhitches per drive") {
  SimBackup sb("sim:drives=1,slots=4,mailslots=1,cartridges=2,cartridge-mb=64,sync=false,speed-mbps=400,backhitch-ms=1");
  for (std::uint32_t i = 0; i < 12; ++i) sb.add("vm" + std::to_string(i % 3) + "/f" + std::to_string(i), 150000 + i * 1000, i);
  TestJob job;
  auto r = sb.run(job, sb.request());
  REQUIRE(r.ok());
  CHECK(r->files_written == 12);
  REQUIRE(r->drives.size() == 1);
  const auto& d = r->drives[0];
  CHECK(d.drive == "drive0");
  CHECK(d.bytes_written == r->bytes_written);
  CHECK(d.seconds > 0);
  REQUIRE(d.backhitches.has_value());
  CHECK(*d.backhitches - d.drive_stalls == 0);
  CHECK(r->backhitches == d.backhitches);
  CHECK(r->drive_stalls == d.drive_stalls);
  CHECK(r->text().find("backhitches " + std::to_string(*d.backhitches)) != std::string::npos);
}

// A cartridge change costs no backhitch of its own: the sync that closes
// the full cartridge is followed by an unload, and the next cartridge's
// label filemark is buffered.
TEST_CASE("a backup spanning cartridges on a simulated 400 MB/s drive never restarts a stopped tape") {
  SimBackup sb("sim:drives=1,slots=6,mailslots=1,cartridges=4,cartridge-mb=6,sync=false,speed-mbps=400,backhitch-ms=1");
  for (std::uint32_t i = 0; i < 10; ++i) sb.add("vm/f" + std::to_string(i), 900000 + i * 1000, 100 + i);
  TestJob job;
  auto r = sb.run(job, sb.request());
  REQUIRE(r.ok());
  CHECK(r->files_written == 10);
  REQUIRE(r->cartridges.size() >= 2);
  REQUIRE(r->drives.size() == 1);
  REQUIRE(r->drives[0].backhitches.has_value());
  CHECK(*r->drives[0].backhitches - r->drives[0].drive_stalls == 0);
}

// Sparse syncs between files stop the tape once each: a job with a sync
// interval pays one backhitch per interval, and nothing more.
TEST_CASE("a backup with sync-bytes pays one backhitch per sync between files") {
  SimBackup sb("sim:drives=1,slots=4,mailslots=1,cartridges=2,cartridge-mb=64,sync=false,speed-mbps=400,backhitch-ms=1");
  for (std::uint32_t i = 0; i < 12; ++i) sb.add("vm/f" + std::to_string(i), 150000 + i * 1000, 300 + i);
  TestJob job;
  auto req = sb.request();
  req.sync_bytes = 600'000;  // a sync after every fourth or fifth file
  auto r = sb.run(job, req);
  REQUIRE(r.ok());
  CHECK(r->files_written == 12);
  REQUIRE(r->drives.size() == 1);
  REQUIRE(r->drives[0].backhitches.has_value());
  const auto restarts = *r->drives[0].backhitches - r->drives[0].drive_stalls;
  // ~1.9 MB in syncs every 600 KB: two or three syncs between files, each
  // followed by more data; the end of the stream needs none of its own.
  CHECK(restarts >= 2);
  CHECK(restarts <= 3);
}
