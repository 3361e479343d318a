// Backup files, pieces, the durability commit and the lookups for restore.
#include "catalog_fixture.hpp"

using namespace tg::firmware::catalog;
using namespace tg::firmware::catalog::testing;
using tg::Errc;

namespace {

// Two cartridges of one media set, a job that wrote:
//   small.txt (10 bytes) on T1 file 1
//   vm1/disk.img (3000 bytes) spanning T1 file 1 (2000) -> T2 file 1 (1000)
//   vm1/disk.inc (500 bytes) on T2 file 1
struct TwoCartridgeJob : CatalogFixture {
  MediaSet ms;
  Job job;
  TapeFile t1, t2;
  BackupFile small, img, inc;

  TwoCartridgeJob() {
    REQUIRE(cat->create_pool({.name = "p"}).ok());
    ms = TG_REQUIRE_OK(cat->start_media_set("p"));
    TG_REQUIRE_STATUS(cat->record_label({.barcode = "T1", .pool = "p", .media_set = ms.id, .sequence = 1}));
    TG_REQUIRE_STATUS(cat->record_label({.barcode = "T2", .pool = "p", .media_set = ms.id, .sequence = 2}));
    job = TG_REQUIRE_OK(cat->start_job({.name = "j", .repository = "/r", .pool = "p", .media_set = ms.id}));
    t1 = TG_REQUIRE_OK(cat->open_tape_file({.cartridge = "T1", .file_number = 1, .first_block = 2, .job = job.id}));
    small = add("small.txt", 10, "", 'a');
    img = add("vm1/disk.img", 3000, "vm1", 'b');
    inc = add("vm1/disk.inc", 500, "vm1", 'c', BackupKind::incremental);
    piece(small, t1, 0, 10, 0, 1, 0, 0);
    piece(img, t1, 0, 2000, 1, 5, 1024, 0);
    TG_REQUIRE_STATUS(cat->commit_pieces_through(t1.id, 5));
    TG_REQUIRE_STATUS(cat->close_tape_file(t1.id, 5));
    t2 = TG_REQUIRE_OK(cat->open_tape_file({.cartridge = "T2", .file_number = 1, .first_block = 2, .job = job.id}));
    piece(img, t2, 2000, 1000, 0, 3, 0, 1);
    piece(inc, t2, 0, 500, 3, 4, 2560, 0);
  }
  BackupFile add(const std::string& path, std::uint64_t size, const std::string& group, char h,
                 BackupKind kind = BackupKind::full) {
    return TG_REQUIRE_OK(cat->add_backup_file({.job = job.id, .repository = "/r", .path = path, .group = group,
                                               .kind = kind, .size = size, .mtime = 1000, .sha256 = hex64(h)}));
  }
  Piece piece(const BackupFile& f, const TapeFile& t, std::uint64_t off, std::uint64_t len, std::uint64_t first,
              std::uint64_t end, std::uint64_t hdr, std::uint32_t vol) {
    return TG_REQUIRE_OK(cat->record_piece({.backup_file = f.id, .tape_file = t.id, .offset = off, .length = len,
                                            .first_block = first, .end_block = end, .header_offset = hdr,
                                            .volume_index = vol}));
  }
};

}  // namespace

TEST_CASE("pieces: only committed pieces make a file on tape") {
  TwoCartridgeJob f;
  CHECK(TG_REQUIRE_OK(f.cat->backup_file(f.small.id)).on_tape);
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->backup_file(f.img.id)).on_tape);  // second piece not durable yet
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->backup_file(f.inc.id)).on_tape);
  // A flush acknowledged with 3 blocks of T2's file on tape commits the
  // piece ending at block 3, not the one ending at block 4.
  CHECK(TG_REQUIRE_OK(f.cat->commit_pieces_through(f.t2.id, 3)) == 1);
  CHECK(TG_REQUIRE_OK(f.cat->backup_file(f.img.id)).on_tape);
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->backup_file(f.inc.id)).on_tape);
  CHECK(TG_REQUIRE_OK(f.cat->commit_pieces_through(f.t2.id, 4)) == 1);
  CHECK(TG_REQUIRE_OK(f.cat->commit_pieces_through(f.t2.id, 4)) == 0);
  CHECK(TG_REQUIRE_OK(f.cat->backup_file(f.inc.id)).on_tape);
}

TEST_CASE("pieces: a file without its hash is not on tape") {
  TwoCartridgeJob f;
  auto nohash = TG_REQUIRE_OK(f.cat->add_backup_file({.job = f.job.id, .repository = "/r", .path = "late", .size = 4}));
  f.piece(nohash, f.t2, 0, 4, 4, 5, 3072, 0);
  TG_REQUIRE_STATUS(f.cat->commit_pieces_through(f.t2.id, 5));
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->backup_file(nohash.id)).on_tape);
  CHECK_FALSE(f.cat->set_backup_file_sha256(nohash.id, "XYZ").ok());
  TG_REQUIRE_STATUS(f.cat->set_backup_file_sha256(nohash.id, hex64('d')));
  CHECK(TG_REQUIRE_OK(f.cat->backup_file(nohash.id)).on_tape);
}

TEST_CASE("pieces: bad pieces are refused") {
  TwoCartridgeJob f;
  auto x = TG_REQUIRE_OK(f.cat->add_backup_file({.job = f.job.id, .repository = "/r", .path = "x", .size = 100}));
  SECTION("outside the file") {
    auto r = f.cat->record_piece({.backup_file = x.id, .tape_file = f.t2.id, .offset = 0, .length = 101,
                                  .first_block = 4, .end_block = 5});
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("outside"));
  }
  SECTION("a gap") {
    auto r = f.cat->record_piece({.backup_file = x.id, .tape_file = f.t2.id, .offset = 10, .length = 10,
                                  .first_block = 4, .end_block = 5});
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("starts at byte 10"));
  }
  SECTION("in a closed tape file") {
    auto r = f.cat->record_piece({.backup_file = x.id, .tape_file = f.t1.id, .length = 100, .first_block = 9,
                                  .end_block = 10});
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("not open"));
  }
  SECTION("ending before it starts") {
    CHECK_FALSE(f.cat->record_piece({.backup_file = x.id, .tape_file = f.t2.id, .length = 1, .first_block = 5,
                                     .end_block = 4}).ok());
  }
  SECTION("unknown ids") {
    CHECK(f.cat->record_piece({.backup_file = 999, .tape_file = f.t2.id}).error().code == Errc::not_found);
    CHECK(f.cat->add_backup_file({.job = 999, .path = "y"}).error().code == Errc::not_found);
  }
}

TEST_CASE("pieces: restore finds the pieces of a spanned file in tape order") {
  TwoCartridgeJob f;
  TG_REQUIRE_STATUS(f.cat->commit_pieces_through(f.t2.id, 4));
  auto locs = TG_REQUIRE_OK(f.cat->pieces_of(f.img.id));
  REQUIRE(locs.size() == 2);
  CHECK(locs[0].cartridge == "T1");
  CHECK(locs[0].sequence == 1);
  CHECK(locs[0].file_number == 1);
  CHECK(locs[0].piece.offset == 0);
  CHECK(locs[0].piece.header_offset == 1024);
  CHECK(locs[0].locate_block() == 3);  // tape file starts at 2, piece at its block 1
  CHECK(locs[1].cartridge == "T2");
  CHECK(locs[1].sequence == 2);
  CHECK(locs[1].piece.offset == 2000);
  CHECK(locs[1].piece.volume_index == 1);
  CHECK(locs[1].media_set == f.ms.id);
}

TEST_CASE("pieces: files of a chain, a job, a media set, versions") {
  TwoCartridgeJob f;
  TG_REQUIRE_STATUS(f.cat->commit_pieces_through(f.t2.id, 4));
  auto chain = TG_REQUIRE_OK(f.cat->files_of_group("/r", "vm1"));
  REQUIRE(chain.size() == 2);
  CHECK(chain[0].path == "vm1/disk.img");
  CHECK(chain[1].kind == BackupKind::incremental);
  CHECK(TG_REQUIRE_OK(f.cat->files_of_job(f.job.id)).size() == 3);
  CHECK(TG_REQUIRE_OK(f.cat->files_of_media_set(f.ms.id)).size() == 3);
  CHECK(TG_REQUIRE_OK(f.cat->files_of_media_set("other")).empty());
  auto job2 = TG_REQUIRE_OK(f.cat->start_job({.name = "j2", .repository = "/r"}));
  (void)TG_REQUIRE_OK(f.cat->add_backup_file({.job = job2.id, .repository = "/r", .path = "small.txt", .size = 11}));
  auto versions = TG_REQUIRE_OK(f.cat->versions_of("/r", "small.txt"));
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].job == job2.id);  // newest first
  CHECK_FALSE(versions[0].on_tape);
  CHECK(versions[1].on_tape);
}

TEST_CASE("pieces: a second run writes only what is not on tape yet") {
  TwoCartridgeJob f;
  TG_REQUIRE_STATUS(f.cat->commit_pieces_through(f.t2.id, 4));
  auto on = TG_REQUIRE_OK(f.cat->files_on_tape("/r"));
  REQUIRE(on.size() == 3);
  CHECK(on[0].path == "small.txt");
  CHECK(on[0].sha256 == hex64('a'));
  CHECK(TG_REQUIRE_OK(f.cat->files_on_tape("/other")).empty());
  CHECK(TG_REQUIRE_OK(f.cat->files_on_tape("/r", std::string("p"))).size() == 3);
  CHECK(TG_REQUIRE_OK(f.cat->files_on_tape("/r", std::string("q"))).empty());

  // Exact match needed: same path + size + mtime + hash.
  CHECK(TG_REQUIRE_OK(f.cat->find_committed_copy("/r", "small.txt", 10, 1000, hex64('a'))).has_value());
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->find_committed_copy("/r", "small.txt", 10, 1001, hex64('a'))).has_value());
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->find_committed_copy("/r", "small.txt", 10, 1000, hex64('e'))).has_value());
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->find_committed_copy("/r", "small.txt", 11, 1000, hex64('a'))).has_value());

  // A copy on a cartridge that went bad (or expired) no longer counts.
  TG_REQUIRE_STATUS(f.cat->set_cartridge_state("T2", CartridgeState::bad, "verify failed"));
  auto after = TG_REQUIRE_OK(f.cat->files_on_tape("/r"));
  REQUIRE(after.size() == 1);
  CHECK(after[0].path == "small.txt");
  TG_REQUIRE_STATUS(f.cat->set_cartridge_state("T1", CartridgeState::expired));
  CHECK(TG_REQUIRE_OK(f.cat->files_on_tape("/r")).empty());
}

TEST_CASE("pieces: catalog list by pool, cartridge, job") {
  TwoCartridgeJob f;
  auto committed = TG_REQUIRE_OK(f.cat->list({}));
  REQUIRE(committed.size() == 2);  // T2's pieces are not durable yet
  CHECK(committed[0].cartridge == "T1");
  CHECK(committed[0].path == "small.txt");
  CHECK(committed[1].path == "vm1/disk.img");
  CHECK_FALSE(committed[1].on_tape);
  CHECK(TG_REQUIRE_OK(f.cat->list({.include_uncommitted = true})).size() == 4);
  TG_REQUIRE_STATUS(f.cat->commit_pieces_through(f.t2.id, 4));
  CHECK(TG_REQUIRE_OK(f.cat->list({.cartridge = std::string("T2")})).size() == 2);
  CHECK(TG_REQUIRE_OK(f.cat->list({.pool = std::string("p")})).size() == 4);
  CHECK(TG_REQUIRE_OK(f.cat->list({.pool = std::string("q")})).empty());
  auto by_job = TG_REQUIRE_OK(f.cat->list({.job = f.job.id}));
  REQUIRE(by_job.size() == 4);
  CHECK(by_job[3].cartridge == "T2");
  CHECK(by_job[3].media_set == std::optional<std::string>(f.ms.id));
  CHECK(by_job[3].on_tape);
}

TEST_CASE("pieces: verifications are kept per cartridge") {
  TwoCartridgeJob f;
  auto v = TG_REQUIRE_OK(f.cat->record_verification({.cartridge = "T1", .job = f.job.id, .ok = false,
                                                      .files_checked = 2, .detail = "vm1/disk.img: sha256 mismatch"}));
  CHECK(v.id > 0);
  CHECK(v.time == f.clock.wall_seconds());
  auto c = TG_REQUIRE_OK(f.cat->cartridge("T1"));
  CHECK(c.last_verified == std::optional<std::int64_t>(v.time));
  CHECK_THAT(c.last_verify_result, Catch::Contains("mismatch"));
  (void)TG_REQUIRE_OK(f.cat->record_verification({.cartridge = "T1", .ok = true}));
  CHECK(TG_REQUIRE_OK(f.cat->cartridge("T1")).last_verify_result == "ok");
  CHECK(TG_REQUIRE_OK(f.cat->verifications("T1")).size() == 2);
  CHECK(f.cat->record_verification({.cartridge = "NOPE"}).error().code == Errc::not_found);
}
