// Appending to a cartridge in a drive that cannot report its position (tgt):
// mount_for_write positions by the catalog's tape files and checks on the
// tape that the data ends there. Simulated library with tgt's quirks (no
// LOCATE, READ POSITION never knows, SPACE blocks counting filemarks) and
// with READ POSITION alone missing.
#include "board/board.hpp"
#include "firmware/catalog/catalog_fixture.hpp"
#include "firmware/backup/backup_job.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/pools/cartridge_mount.hpp"
#include "firmware/format/tar_fixture.hpp"

using namespace tg::firmware::catalog;
using namespace tg::firmware::catalog::testing;
using namespace tg::firmware::pools;
using namespace tg::firmware::library;
using tg::Errc;
using tg::drivers::ReadKind;

namespace {

struct NoPositionPools : CatalogFixture {
  std::unique_ptr<tg::board::Board> board;
  std::unique_ptr<DriveReservations> drives;
  std::string barcode;
  MediaSet set;

  explicit NoPositionPools(const std::string& quirks) {
    auto b = tg::board::open_board("sim:drives=1,slots=4,cartridges=2,mailslots=0,cartridge-mb=8,sync=false," + quirks,
                                   dir.path / "state");
    if (!b) FAIL(b.error().message);
    board = std::move(*b);
    drives = std::make_unique<DriveReservations>(board->library());
    REQUIRE(cat->create_pool({.name = "weekly"}).ok());
    auto inv = TG_REQUIRE_OK(read_inventory(board->library()));
    for (const auto* e : inv.of_type(tg::drivers::ElementType::storage))
      if (e->full && barcode.empty()) barcode = e->barcode;
    (void)TG_REQUIRE_OK(read_labels(*cat, *drives));
    (void)TG_REQUIRE_OK(label_cartridge(*cat, *drives, {.barcode = barcode, .pool = "weekly", .host = "test"}));
    set = TG_REQUIRE_OK(media_set_for_job(*cat, "weekly"));
  }
  ~NoPositionPools() {
    drives.reset();
    board.reset();
  }

  Allocation allocate() {
    auto a = TG_REQUIRE_OK(choose_cartridge(*cat, "weekly", set.id, {barcode}));
    REQUIRE(a.allocation.has_value());
    return *a.allocation;
  }
  // Writes `blocks` 64 KiB blocks as the tape file the cartridge gets next,
  // recorded as a backup job does; `closed`: with its filemark and closed
  // in the catalog (else left open, as a crash leaves it).
  void write_tape_file(DriveLease& lease, const MountedForWrite& m, std::uint64_t blocks, bool filemark, bool closed) {
    auto job = TG_REQUIRE_OK(cat->start_job({.name = "j", .pool = "weekly", .media_set = set.id}));
    auto tf = TG_REQUIRE_OK(cat->open_tape_file({.cartridge = barcode, .file_number = m.next_file_number,
                                                 .first_block = m.position, .job = job.id}));
    std::vector<std::uint8_t> block(65536, static_cast<std::uint8_t>(m.next_file_number));
    for (std::uint64_t i = 0; i < blocks; ++i) (void)TG_REQUIRE_OK(lease.drive().write(block));
    if (filemark) (void)TG_REQUIRE_OK(lease.drive().write_filemarks(1));
    if (closed) {
      TG_REQUIRE_STATUS(cat->close_tape_file(tf.id, blocks));
      TG_REQUIRE_STATUS(cat->note_written(barcode, m.next_file_number, blocks * block.size()));
    }
  }
  // The first job: labels the cartridge into the set, writes one closed
  // tape file of 3 blocks (blocks 2..4, filemark 5).
  void first_job() {
    auto lease = TG_REQUIRE_OK(drives->reserve("job 1"));
    auto m = TG_REQUIRE_OK(mount_for_write(*cat, lease, allocate(), 0, "test"));
    REQUIRE(m.position == 2);
    write_tape_file(lease, m, 3, true, true);
    TG_REQUIRE_STATUS(unload_cartridge(board->library(), lease));
  }
  // Mounts for append; checks the drive is at end of data there.
  MountedForWrite append(DriveLease& lease) {
    auto m = TG_REQUIRE_OK(mount_for_write(*cat, lease, allocate(), 0, "test"));
    CHECK(lease.drive().tracked_position() == m.position);
    return m;
  }
};

const char* kTgt = "no-locate=1,no-position=1,space-counts-filemarks=1";
const char* kNoPosition = "no-position=1";

}  // namespace

TEST_CASE("append without READ POSITION: positioned at the catalog's end, checked on tape") {
  for (const char* quirks : {kTgt, kNoPosition}) {
    INFO(quirks);
    NoPositionPools f(quirks);
    f.first_job();
    auto lease = TG_REQUIRE_OK(f.drives->reserve("job 2"));
    auto m = f.append(lease);
    CHECK(m.next_file_number == 2);
    CHECK(m.position == 6);  // label, FM, 3 blocks, FM
    // The next tape file lands there, and the first is intact before it.
    f.write_tape_file(lease, m, 2, true, true);
    TG_REQUIRE_STATUS(lease.drive().locate(4));
    std::vector<std::uint8_t> buf(65536);
    auto r = TG_REQUIRE_OK(lease.drive().read(buf));
    CHECK(r.kind == ReadKind::data);
    CHECK(buf[0] == 1);
    CHECK(TG_REQUIRE_OK(lease.drive().read(buf)).kind == ReadKind::filemark);
    r = TG_REQUIRE_OK(lease.drive().read(buf));
    CHECK(r.kind == ReadKind::data);
    CHECK(buf[0] == 2);
    TG_REQUIRE_STATUS(unload_cartridge(f.board->library(), lease));
    lease.release();
    // And a third append finds the end after both.
    auto lease3 = TG_REQUIRE_OK(f.drives->reserve("job 3"));
    m = f.append(lease3);
    CHECK(m.next_file_number == 3);
    CHECK(m.position == 9);
  }
}

TEST_CASE("append without READ POSITION: data after what the catalog knows refuses the cartridge") {
  for (const char* quirks : {kTgt, kNoPosition}) {
    INFO(quirks);
    NoPositionPools f(quirks);
    f.first_job();
    {
      // Someone wrote a tape file the catalog never heard of at its end.
      auto lease = TG_REQUIRE_OK(f.drives->reserve("other"));
      TG_REQUIRE_STATUS(load_cartridge(f.board->library(), lease, f.barcode));
      TG_REQUIRE_STATUS(lease.drive().locate(6));
      (void)TG_REQUIRE_OK(lease.drive().write(std::vector<std::uint8_t>(4096, 9)));
      (void)TG_REQUIRE_OK(lease.drive().write_filemarks(1));
      TG_REQUIRE_STATUS(unload_cartridge(f.board->library(), lease));
    }
    auto lease = TG_REQUIRE_OK(f.drives->reserve("job 2"));
    auto m = mount_for_write(*f.cat, lease, f.allocate(), 0, "test");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code == Errc::foreign_medium);  // the job takes another cartridge
    CHECK_THAT(m.error().message, Catch::StartsWith("cartridge " + f.barcode + " has data after what the catalog knows"));
    CHECK_THAT(m.error().message, Catch::EndsWith("run `catalog rebuild` or relabel it with --force"));
  }
}

TEST_CASE("append without READ POSITION: end of data before the catalog's end refuses the cartridge") {
  for (const char* quirks : {kTgt, kNoPosition}) {
    INFO(quirks);
    NoPositionPools f(quirks);
    {
      // The catalog says 5 blocks; 3 reached the tape (and their filemark).
      auto lease = TG_REQUIRE_OK(f.drives->reserve("job 1"));
      auto m = TG_REQUIRE_OK(mount_for_write(*f.cat, lease, f.allocate(), 0, "test"));
      auto job = TG_REQUIRE_OK(f.cat->start_job({.name = "j", .pool = "weekly", .media_set = f.set.id}));
      auto tf = TG_REQUIRE_OK(f.cat->open_tape_file({.cartridge = f.barcode, .file_number = 1,
                                                     .first_block = m.position, .job = job.id}));
      std::vector<std::uint8_t> block(65536, 1);
      for (int i = 0; i < 3; ++i) (void)TG_REQUIRE_OK(lease.drive().write(block));
      (void)TG_REQUIRE_OK(lease.drive().write_filemarks(1));
      TG_REQUIRE_STATUS(f.cat->close_tape_file(tf.id, 5));
      TG_REQUIRE_STATUS(unload_cartridge(f.board->library(), lease));
    }
    auto lease = TG_REQUIRE_OK(f.drives->reserve("job 2"));
    auto m = mount_for_write(*f.cat, lease, f.allocate(), 0, "test");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code == Errc::foreign_medium);
    CHECK_THAT(m.error().message, Catch::StartsWith("cartridge " + f.barcode + " has less data than the catalog knows"));
    CHECK_THAT(m.error().message, Catch::Contains("catalog rebuild"));
    TG_REQUIRE_STATUS(unload_cartridge(f.board->library(), lease));
  }
}

TEST_CASE("append without READ POSITION: a tape file a crash left open is measured and closed") {
  for (const char* quirks : {kTgt, kNoPosition}) {
    for (bool filemark_on_tape : {false, true}) {
      INFO(quirks << (filemark_on_tape ? ", crash after the filemark" : ", crash before the filemark"));
      NoPositionPools f(quirks);
      {
        auto lease = TG_REQUIRE_OK(f.drives->reserve("job 1"));
        auto m = TG_REQUIRE_OK(mount_for_write(*f.cat, lease, f.allocate(), 0, "test"));
        f.write_tape_file(lease, m, 4, filemark_on_tape, false);
        TG_REQUIRE_STATUS(unload_cartridge(f.board->library(), lease));
      }
      auto lease = TG_REQUIRE_OK(f.drives->reserve("job 2"));
      auto m = f.append(lease);
      CHECK(m.next_file_number == 2);
      CHECK(m.position == 7);  // label, FM, 4 blocks, one FM (never two)
      auto files = TG_REQUIRE_OK(f.cat->tape_files_of_cartridge(f.barcode));
      REQUIRE(files.size() == 2);
      CHECK(files[1].state == TapeFileState::closed);
      CHECK(files[1].block_count == 4);
      std::vector<std::uint8_t> buf(65536);
      CHECK(TG_REQUIRE_OK(lease.drive().read(buf)).kind == ReadKind::end_of_data);
      TG_REQUIRE_STATUS(lease.drive().locate(6));
      CHECK(TG_REQUIRE_OK(lease.drive().read(buf)).kind == ReadKind::filemark);
      CHECK(TG_REQUIRE_OK(lease.drive().read(buf)).kind == ReadKind::end_of_data);
    }
  }
}

namespace {

class LoggingJob final : public tg::firmware::JobContext {
 public:
  std::string logs;
  bool cancelled() const override { return false; }
  void progress(const tg::firmware::ProgressSnapshot&) override {}
  void log(tg::firmware::LogLevel, const std::string& t) override { logs += t + "\n"; }
  bool wait_for_operator(const std::string& request, std::chrono::milliseconds) override {
    logs += "OPERATOR: " + request + "\n";
    return false;
  }
};

}  // namespace

TEST_CASE("backup jobs on a tgt-like library: they append, and pass over a cartridge that disagrees") {
  CatalogFixture f;
  auto board = TG_REQUIRE_OK(tg::board::open_board(
      std::string("sim:drives=1,slots=4,cartridges=3,mailslots=0,cartridge-mb=8,sync=false,") + kTgt,
      f.dir.path / "state"));
  DriveReservations drives(board->library());
  REQUIRE(f.cat->create_pool({.name = "weekly"}).ok());
  (void)TG_REQUIRE_OK(read_labels(*f.cat, drives, true));
  const auto repo = f.dir.path / "repo";
  auto add = [&](const std::string& rel, std::uint32_t seed) {
    tg::test::write_file(repo / rel, tg::test::pseudo_random_bytes(300 * 1024 + seed, seed));
  };
  const tg::firmware::backup::BackupRequest req{.repository = "repo1", .root = repo, .pool = "weekly",
                                                .block_size = 64 * 1024, .ring_bytes = 1u << 20};
  auto backup = [&](LoggingJob& job) {
    auto r = tg::firmware::backup::run_backup(req, board->library(), drives, *f.cat, job, tg::hal::system_clock());
    INFO(job.logs);
    REQUIRE(r.ok());
    CHECK(r->failures.empty());
    return *r;
  };

  add("a.img", 1);
  add("b.img", 2);
  LoggingJob first;
  auto s1 = backup(first);
  REQUIRE(s1.cartridges.size() == 1);
  const std::string a = s1.cartridges[0];

  add("c.img", 3);
  LoggingJob second;
  auto s2 = backup(second);
  CHECK(s2.files_written == 1);
  CHECK(s2.cartridges == std::vector<std::string>{a});
  CHECK_THAT(second.logs, Catch::Contains("writing to cartridge " + a + " (append"));

  // Data the catalog does not know appears after the end of `a`.
  {
    auto files = TG_REQUIRE_OK(f.cat->tape_files_of_cartridge(a));
    const auto end = files.back().first_block + files.back().block_count + 1;
    auto lease = TG_REQUIRE_OK(drives.reserve("other"));
    TG_REQUIRE_STATUS(load_cartridge(board->library(), lease, a));
    TG_REQUIRE_STATUS(lease.drive().locate(end));
    (void)TG_REQUIRE_OK(lease.drive().write(std::vector<std::uint8_t>(4096, 9)));
    (void)TG_REQUIRE_OK(lease.drive().write_filemarks(1));
    TG_REQUIRE_STATUS(unload_cartridge(board->library(), lease));
  }
  add("d.img", 4);
  LoggingJob third;
  auto s3 = backup(third);
  CHECK(s3.files_written == 1);
  REQUIRE(s3.cartridges.size() == 1);
  CHECK(s3.cartridges[0] != a);
  CHECK_THAT(third.logs, Catch::Contains("cartridge " + a + " has data after what the catalog knows") &&
                             Catch::Contains("trying another"));
  CHECK(TG_REQUIRE_OK(f.cat->files_on_tape("repo1")).size() == 4);
}
