// Restore end to end on the simulated library: the backup engine writes a
// repository across several small cartridges; the repository is restored
// byte-identical; the catalog is deleted, rebuilt from the tapes alone (from
// the job catalog copies, and by header scan when the copy is damaged) and
// the restore is repeated; a corrupted block is named by verify and restore
// while every other file restores; a cartridge taken out of the library is
// asked for by barcode; dumps of the tape files list and join with GNU tar.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <map>

#include "board/board.hpp"
#include "board/sim/sim_library.hpp"
#include "firmware/backup/backup_job.hpp"
#include "firmware/catalog/catalog.hpp"
#include "firmware/pools/cartridge_mount.hpp"
#include "firmware/restore/catalog_rebuild.hpp"
#include "firmware/restore/restore_job.hpp"
#include "firmware/restore/restore_bench.hpp"
#include "firmware/restore/tape_dump.hpp"
#include "firmware/restore/tape_file_scanner.hpp"
#include "memory_tape.hpp"
#include "firmware/format/tar_fixture.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::restore;
namespace fs = std::filesystem;

namespace {

// Brings a cartridge back through a mail slot when the job asks for it,
// as an operator would.
class OperatorContext final : public test::RecordingContext {
 public:
  sim::SimLibrary* sim = nullptr;
  std::uint16_t mailslot = 0;
  std::string holding;   // barcode the "operator" has in hand
  bool wait_for_operator(const std::string& request, std::chrono::milliseconds) override {
    requests.push_back(request);
    if (!holding.empty() && request.find(holding) != std::string::npos && sim) {
      REQUIRE(sim->operator_insert(mailslot, holding).ok());
      holding.clear();
    }
    return true;
  }
};

struct SimRestore {
  test::ScratchDir dir{"restore-e2e"};
  std::unique_ptr<board::Board> board;
  std::unique_ptr<catalog::Catalog> cat;
  std::unique_ptr<library::DriveReservations> drives;
  std::map<std::string, std::vector<std::uint8_t>> files;
  backup::BackupSummary summary;

  SimRestore() {
    auto b = board::open_board("sim:drives=1,slots=8,mailslots=2,cartridges=6,cartridge-mb=4,sync=false",
                               dir.path / "state");
    if (!b) FAIL(b.error().message);
    board = std::move(*b);
    open_catalog();
    drives = std::make_unique<library::DriveReservations>(board->library());
    REQUIRE(cat->create_pool({.name = "p1"}).ok());
    REQUIRE(pools::read_labels(*cat, *drives, true).ok());
    // A VM chain's disk that spans cartridges, and small files around it.
    add("vm-100/disk-0.img", 6'500'000, 1);
    add("vm-100/config.json", 700, 2);
    add("docs/readme.txt", 12'345, 3);
    add("docs/empty", 0, 4);
    for (int i = 0; i < 6; ++i) add("data/part-" + std::to_string(i) + ".bin", 450'000 + 37'777 * i, 10 + i);
    test::RecordingContext job;
    auto s = backup::run_backup(backup::BackupRequest{.repository = "repo1",
                                                      .root = dir.path / "repo",
                                                      .pool = "p1",
                                                      .block_size = 256 * 1024,
                                                      .ring_bytes = 4u << 20},
                                board->library(), *drives, *cat, job, hal::system_clock());
    if (!s) FAIL(s.error().message);
    summary = *s;
    REQUIRE(summary.failures.empty());
    REQUIRE(summary.cartridges.size() >= 3);
    fs::remove_all(dir.path / "repo");   // the disaster
  }
  ~SimRestore() {
    drives.reset();
    cat.reset();
    board.reset();
  }
  void open_catalog() {
    auto c = catalog::Catalog::open(dir.path / "catalog.sqlite", hal::system_clock());
    if (!c) FAIL(c.error().message);
    cat = std::move(*c);
  }
  void add(const std::string& rel, std::size_t n, std::uint32_t seed) {
    files[rel] = test::pseudo_random_bytes(n, seed);
    test::write_file(dir.path / "repo" / rel, files[rel]);
  }
  sim::SimLibrary& sim() { return *board->simulated_library(); }

  RunReport restore_job(const fs::path& to, test::RecordingContext& ctx, bool overwrite = false) {
    auto sel = resolve_selection(*cat, summary.job_uuid, std::nullopt);
    REQUIRE(sel.ok());
    CHECK(sel->kind == SelectionKind::job);
    auto plan = plan_restore(*cat, *sel);
    REQUIRE(plan.ok());
    LibraryCartridges source(*drives);
    auto r = run_restore(std::move(*plan), source, ctx, RestoreOptions{.target = to, .overwrite = overwrite});
    if (!r) FAIL(r.error().message);
    return *r;
  }
  void check_identical(const fs::path& to, const std::string& except = "") {
    for (auto& [p, b] : files) {
      if (p == except) continue;
      INFO(p);
      bool same = test::read_file(to / p) == b;
      CHECK(same);
    }
  }
  std::vector<catalog::PieceLocation> pieces(const std::string& path) {
    auto v = cat->versions_of("repo1", path);
    REQUIRE(v.ok());
    REQUIRE(!v->empty());
    auto p = cat->pieces_of(v->front().id);
    REQUIRE(p.ok());
    return *p;
  }
};

}  // namespace

TEST_CASE("back up across cartridges, delete, restore byte-identical, rebuild the catalog, restore again") {
  SimRestore f;
  INFO(f.summary.text());
  // The disk image really spans cartridges.
  CHECK(f.pieces("vm-100/disk-0.img").size() >= 2);

  test::RecordingContext ctx;
  auto r1 = f.restore_job(f.dir.path / "restore1", ctx);
  INFO(r1.summary());
  CHECK(r1.ok());
  CHECK(r1.files_ok == f.files.size());
  f.check_identical(f.dir.path / "restore1");
  CHECK(r1.cartridges == f.summary.cartridges);   // each once, in set order

  // Verify records its result per cartridge.
  {
    auto sel = resolve_selection(*f.cat, f.summary.job_uuid, std::nullopt);
    REQUIRE(sel.ok());
    auto plan = plan_restore(*f.cat, *sel);
    REQUIRE(plan.ok());
    LibraryCartridges source(*f.drives, {.owner = "verify"});
    auto v = run_verify(*f.cat, std::move(*plan), source, ctx, {});
    REQUIRE(v.ok());
    CHECK(v->ok());
    for (auto& b : f.summary.cartridges) {
      auto recs = f.cat->verifications(b);
      REQUIRE(recs.ok());
      REQUIRE(!recs->empty());
      CHECK(recs->back().ok);
    }
  }

  // The catalog is lost too.
  f.cat.reset();
  fs::remove(f.dir.path / "catalog.sqlite");
  fs::remove(f.dir.path / "catalog.sqlite-wal");
  fs::remove(f.dir.path / "catalog.sqlite-shm");
  f.open_catalog();
  {
    LibraryCartridges source(*f.drives, {.owner = "rebuild"});
    auto rb = rebuild_catalog(*f.cat, source, ctx);
    REQUIRE(rb.ok());
    INFO(rb->summary());
    CHECK(rb->catalog_copies_imported >= 1);
    CHECK(rb->catalog_copies_damaged == 0);
  }
  auto r2 = f.restore_job(f.dir.path / "restore2", ctx);
  INFO(r2.summary());
  CHECK(r2.ok());
  f.check_identical(f.dir.path / "restore2");

  // A single file of the chain, by path.
  {
    auto sel = resolve_selection(*f.cat, "vm-100/disk-0.img", std::nullopt);
    REQUIRE(sel.ok());
    CHECK(sel->kind == SelectionKind::file);
    auto plan = plan_restore(*f.cat, *sel);
    REQUIRE(plan.ok());
    CHECK(plan->files.size() == 1);
    LibraryCartridges source(*f.drives);
    auto r = run_restore(std::move(*plan), source, ctx, RestoreOptions{.target = f.dir.path / "restore3"});
    REQUIRE(r.ok());
    CHECK(r->ok());
    CHECK((test::read_file(f.dir.path / "restore3/vm-100/disk-0.img") == f.files["vm-100/disk-0.img"]));
  }
  // Existing files are refused.
  auto r4 = f.restore_job(f.dir.path / "restore2", ctx);
  CHECK(r4.files_failed == f.files.size());
  CHECK(r4.exit_status() != 0);

  // The benchmark entry tools/bench calls: raw READ loop vs full restore.
  {
    auto plan = plan_restore(*f.cat, *resolve_selection(*f.cat, f.summary.job_uuid, std::nullopt));
    REQUIRE(plan.ok());
    std::uint64_t total = plan->total_bytes();
    LibraryCartridges source(*f.drives, {.owner = "bench"});
    auto b = bench_restore(*plan, source, ctx, f.dir.path / "bench", hal::system_clock());
    REQUIRE(b.ok());
    CHECK(b->files_failed == 0);
    CHECK(b->restore_bytes == total);
    CHECK(b->raw_bytes >= total);
    CHECK(b->raw_seconds > 0);
    CHECK(b->restore_seconds > 0);
  }
}

TEST_CASE("a damaged catalog copy falls back to scanning the tar headers") {
  SimRestore f;
  // Find the job's catalog copy: the tape file on the last cartridge whose
  // first member is tapegate-catalog/<uuid>.txt.
  const std::string last = f.summary.cartridges.back();
  std::optional<std::uint64_t> copy_block;
  {
    LibraryCartridges source(*f.drives, {.owner = "test"});
    test::RecordingContext c;
    auto tape = source.mount(last, "test", c);
    REQUIRE(tape.ok());
    std::vector<std::uint8_t> buf(1u << 20);
    REQUIRE((*tape)->rewind().ok());
    for (std::uint32_t n = 1; n < 20 && !copy_block; ++n) {
      REQUIRE((*tape)->space(drivers::SpaceCode::filemarks, 1).ok());
      auto first = (*tape)->position();
      REQUIRE(first.ok());
      auto scan = scan_tape_file(**tape, buf, n, *first);
      REQUIRE(scan.ok());
      if (scan->end_of_data) break;
      if (!scan->members.empty() && scan->members.front().entry.path.rfind("tapegate-catalog/", 0) == 0)
        copy_block = *first;
      REQUIRE((*tape)->locate(*first).ok());   // back to its start, then past its filemark
    }
    REQUIRE(source.release().ok());
  }
  REQUIRE(copy_block);
  // Its block becomes unreadable (the simulator's silent corruption flips
  // bytes mid-block, which is zero padding in a copy this small).
  REQUIRE(f.sim().inject_medium_error({.barcode = last, .block = *copy_block}).ok());

  f.cat.reset();
  fs::remove(f.dir.path / "catalog.sqlite");
  fs::remove(f.dir.path / "catalog.sqlite-wal");
  fs::remove(f.dir.path / "catalog.sqlite-shm");
  f.open_catalog();
  test::RecordingContext ctx;
  LibraryCartridges source(*f.drives, {.owner = "rebuild"});
  auto rb = rebuild_catalog(*f.cat, source, ctx);
  REQUIRE(rb.ok());
  INFO(rb->summary());
  CHECK(rb->catalog_copies_imported == 0);
  CHECK(!rb->problems.empty());
  CHECK(rb->jobs_from_scan == 1);
  CHECK(rb->files_from_scan == f.files.size());

  auto r = f.restore_job(f.dir.path / "restore", ctx);
  INFO(r.summary());
  CHECK(r.ok());
  f.check_identical(f.dir.path / "restore");
}

TEST_CASE("a corrupted block: verify and restore name the file and position, every other file restores") {
  SimRestore f;
  auto locs = f.pieces("data/part-3.bin");
  REQUIRE(locs.size() == 1);
  const auto& loc = locs.front();
  REQUIRE(loc.piece.end_block > loc.piece.first_block + 1);
  const std::uint64_t bad_block = loc.locate_block() + 1;
  REQUIRE(f.sim().inject_corrupt_block({.barcode = loc.cartridge, .block = bad_block}).ok());

  test::RecordingContext ctx;
  {
    auto plan = plan_restore(*f.cat, *resolve_selection(*f.cat, f.summary.job_uuid, std::nullopt));
    REQUIRE(plan.ok());
    LibraryCartridges source(*f.drives, {.owner = "verify"});
    auto v = run_verify(*f.cat, std::move(*plan), source, ctx, {});
    REQUIRE(v.ok());
    REQUIRE(v->failures.size() == 1);
    CHECK(v->failures[0].path == "data/part-3.bin");
    CHECK(v->failures[0].error.find(loc.cartridge + " tape file " + std::to_string(loc.file_number)) != std::string::npos);
    auto recs = f.cat->verifications(loc.cartridge);
    REQUIRE(recs.ok());
    REQUIRE(!recs->empty());
    CHECK_FALSE(recs->back().ok);
    CHECK(recs->back().detail.find("data/part-3.bin") != std::string::npos);
  }
  auto r = f.restore_job(f.dir.path / "restore", ctx);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].path == "data/part-3.bin");
  CHECK(r.failures[0].error.find("checksum mismatch") != std::string::npos);
  CHECK(r.failures[0].error.find(loc.cartridge) != std::string::npos);
  CHECK_FALSE(fs::exists(f.dir.path / "restore/data/part-3.bin"));
  f.check_identical(f.dir.path / "restore", "data/part-3.bin");

  SECTION("an unreadable block names cartridge, tape file and block") {
    f.sim().clear_faults();
    REQUIRE(f.sim().inject_medium_error({.barcode = loc.cartridge, .block = bad_block}).ok());
    auto r2 = f.restore_job(f.dir.path / "restore-me", ctx);
    REQUIRE(r2.failures.size() == 1);
    CHECK(r2.failures[0].path == "data/part-3.bin");
    CHECK(r2.failures[0].error.find("cartridge " + loc.cartridge + " tape file " + std::to_string(loc.file_number) +
                                    " block " + std::to_string(bad_block)) != std::string::npos);
    f.check_identical(f.dir.path / "restore-me", "data/part-3.bin");
  }
}

TEST_CASE("a cartridge outside the library is requested by barcode through the mail slot") {
  SimRestore f;
  const std::string wanted = f.summary.cartridges[1];
  auto& lib = f.board->library();
  auto inv = lib.changer->inventory();
  REQUIRE(inv.ok());
  auto* el = inv->find_barcode(wanted);
  REQUIRE(el);
  auto mail = lib.changer->export_to_mailslot(el->address);
  REQUIRE(mail.ok());
  REQUIRE(f.sim().operator_remove(*mail).ok());

  OperatorContext ctx;
  ctx.sim = &f.sim();
  ctx.mailslot = *mail;
  ctx.holding = wanted;
  auto r = f.restore_job(f.dir.path / "restore", ctx);
  INFO(r.summary());
  CHECK(r.ok());
  REQUIRE(ctx.requests.size() == 1);
  CHECK(ctx.requests[0].find("insert cartridge " + wanted) != std::string::npos);
  f.check_identical(f.dir.path / "restore");
}

TEST_CASE("dumps of the tape files list with tar -t and join with tar -M") {
  SimRestore f;
  test::RecordingContext ctx;
  fs::create_directories(f.dir.path / "dumps");
  std::map<std::pair<std::string, std::uint32_t>, fs::path> dumps;
  for (auto& b : f.summary.cartridges) {
    auto tfs = f.cat->tape_files_of_cartridge(b);
    REQUIRE(tfs.ok());
    for (auto& t : *tfs) {
      if (t.kind != catalog::TapeFileKind::data || t.job == std::nullopt) continue;
      fs::path out = f.dir.path / "dumps" / (b + "-" + std::to_string(t.file_number) + ".tar");
      int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      REQUIRE(fd >= 0);
      LibraryCartridges source(*f.drives, {.owner = "dump"});
      // Without the catalog's block: rewind and SPACE filemarks.
      auto st = dump_cartridge_file(source, b, t.file_number, std::nullopt, fd, ctx);
      ::close(fd);
      REQUIRE(st.ok());
      CHECK(st->first_block == t.first_block);
      CHECK(st->blocks == t.block_count);
      // A tape file cut inside a member lists with "Unexpected EOF" (like
      // GNU tar's own volume 1); every tape file lists its members.
      test::run_in(f.dir.path, "tar -tf " + out.string() + " > list.txt 2>/dev/null; true");
      CHECK(fs::file_size(f.dir.path / "list.txt") > 0);
      dumps[{b, t.file_number}] = out;
    }
  }
  // GNU tar joins the spanned disk image from the dumps of the tape files
  // that hold its pieces, in order.
  std::string volumes;
  for (auto& p : f.pieces("vm-100/disk-0.img")) {
    REQUIRE(dumps.count({p.cartridge, p.file_number}));
    volumes += " -f " + dumps[{p.cartridge, p.file_number}].string();
  }
  fs::create_directories(f.dir.path / "joined");
  CHECK(test::run_in(f.dir.path / "joined", "tar -x -M" + volumes + " 2>/dev/null; true") == 0);
  bool same = test::read_file(f.dir.path / "joined/vm-100/disk-0.img") == f.files["vm-100/disk-0.img"];
  CHECK(same);

  // A tape file that does not exist.
  LibraryCartridges source(*f.drives, {.owner = "dump"});
  auto none = dump_cartridge_file(source, f.summary.cartridges.front(), 99, std::nullopt, -1, ctx);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == Errc::not_found);
}
