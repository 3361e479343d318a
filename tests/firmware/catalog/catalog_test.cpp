// Catalog schema, pools, media sets, cartridges, jobs, tape files,
// transactions and crash recovery.
#include <fstream>
#include <thread>

#include "catalog_fixture.hpp"
#include "firmware/catalog/catalog_rows.hpp"
#include "firmware/catalog/database.hpp"

using namespace tg::firmware::catalog;
using namespace tg::firmware::catalog::testing;
using tg::Errc;

TEST_CASE("catalog: a new file gets the current schema, WAL and foreign keys") {
  CatalogFixture f;
  CHECK(TG_REQUIRE_OK(f.cat->schema_version()) == Catalog::kSchemaVersion);
  {
    auto jm = TG_REQUIRE_OK(f.cat->db().prepare("PRAGMA journal_mode"));
    REQUIRE(TG_REQUIRE_OK(jm.step()));
    CHECK(jm.text(0) == "wal");
    auto fk = TG_REQUIRE_OK(f.cat->db().prepare("PRAGMA foreign_keys"));
    REQUIRE(TG_REQUIRE_OK(fk.step()));
    CHECK(fk.i64(0) == 1);
  }
  // A row pointing at a missing pool is refused by the database itself.
  CHECK_FALSE(f.cat->db().exec("INSERT INTO media_sets(id, pool, created) VALUES ('x', 'nope', 0)").ok());
  // Reopening keeps the version and the data.
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "weekly"}));
  f.reopen();
  CHECK(TG_REQUIRE_OK(f.cat->schema_version()) == Catalog::kSchemaVersion);
  CHECK(TG_REQUIRE_OK(f.cat->list_pools()).size() == 1);
}

TEST_CASE("catalog: a newer schema or a non-SQLite file is refused") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->db().exec("UPDATE schema_version SET version = 99"));
  f.cat.reset();
  auto again = Catalog::open(f.file(), f.clock);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == Errc::unsupported);
  CHECK_THAT(again.error().message, Catch::Contains("newer"));

  TempDir d;
  auto junk = d.path / "catalog.sqlite";
  std::ofstream(junk) << std::string(4096, 'x');
  auto bad = Catalog::open(junk, f.clock);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains(junk.string()));
}

TEST_CASE("catalog: pools") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "weekly", .retention_days = 28,
                                        .policy = AllocationPolicy::new_set_per_job}));
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "daily"}));
  auto dup = f.cat->create_pool({.name = "weekly"});
  REQUIRE_FALSE(dup.ok());
  CHECK_THAT(dup.error().message, Catch::Contains("already exists"));
  CHECK_FALSE(f.cat->create_pool({.name = "bad name"}).ok());
  CHECK_FALSE(f.cat->create_pool({.name = ""}).ok());
  auto pools = TG_REQUIRE_OK(f.cat->list_pools());
  REQUIRE(pools.size() == 2);
  CHECK(pools[0].name == "daily");
  CHECK(pools[1].retention_days == 28);
  CHECK(pools[1].policy == AllocationPolicy::new_set_per_job);
  CHECK(pools[1].created == f.clock.wall_seconds());
  CHECK(TG_REQUIRE_OK(f.cat->pool("daily")).policy == AllocationPolicy::continue_set);
  CHECK(f.cat->pool("none").error().code == Errc::not_found);
}

TEST_CASE("catalog: media sets and sequences") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "p"}));
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->current_media_set("p")).has_value());
  auto a = TG_REQUIRE_OK(f.cat->start_media_set("p"));
  CHECK(a.id.size() == 36);
  CHECK(TG_REQUIRE_OK(f.cat->next_sequence(a.id)) == 1);
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "A00001L9", .pool = "p", .media_set = a.id, .sequence = 1}));
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "A00002L9", .pool = "p", .media_set = a.id, .sequence = 2}));
  CHECK(TG_REQUIRE_OK(f.cat->next_sequence(a.id)) == 3);
  // A sequence cannot be claimed twice.
  auto clash = f.cat->record_label({.barcode = "A00003L9", .pool = "p", .media_set = a.id, .sequence = 2});
  REQUIRE_FALSE(clash.ok());
  CHECK_THAT(clash.error().message, Catch::Contains("A00002L9"));

  f.clock.advance(std::chrono::seconds(10));
  auto b = TG_REQUIRE_OK(f.cat->start_media_set("p"));
  CHECK(b.id != a.id);
  CHECK(TG_REQUIRE_OK(f.cat->current_media_set("p"))->id == b.id);
  auto old = TG_REQUIRE_OK(f.cat->media_set(a.id));
  REQUIRE(old.closed.has_value());
  // Closing a set freezes its cartridges.
  CHECK(TG_REQUIRE_OK(f.cat->cartridge("A00001L9")).state == CartridgeState::full);
  CHECK(TG_REQUIRE_OK(f.cat->list_media_sets(std::string("p"))).size() == 2);
  CHECK(f.cat->start_media_set("nope").error().code == Errc::not_found);
}

TEST_CASE("catalog: cartridges") {
  CatalogFixture f;
  CHECK(TG_REQUIRE_OK(f.cat->ensure_cartridge("TP0001L9")));
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->ensure_cartridge("TP0001L9")));
  CHECK(TG_REQUIRE_OK(f.cat->ensure_cartridge("CLN001L1")));
  CHECK(TG_REQUIRE_OK(f.cat->cartridge("TP0001L9")).state == CartridgeState::unknown);
  CHECK(TG_REQUIRE_OK(f.cat->cartridge("CLN001L1")).state == CartridgeState::cleaning);
  CHECK(f.cat->cartridge("NOPE").error().code == Errc::not_found);
  CHECK_FALSE(f.cat->ensure_cartridge("has space").ok());

  Cartridge c{.barcode = "TP0002L9", .state = CartridgeState::bad, .bytes_written = 5, .worm = true, .note = "x"};
  TG_REQUIRE_STATUS(f.cat->upsert_cartridge(c));
  c.note = "medium error at block 7";
  TG_REQUIRE_STATUS(f.cat->upsert_cartridge(c));
  auto back = TG_REQUIRE_OK(f.cat->cartridge("TP0002L9"));
  CHECK(back.state == CartridgeState::bad);
  CHECK(back.worm);
  CHECK(back.bytes_written == 5);
  CHECK(back.note == "medium error at block 7");

  TG_REQUIRE_STATUS(f.cat->set_cartridge_state("TP0001L9", CartridgeState::blank));
  CHECK(f.cat->set_cartridge_state("NOPE", CartridgeState::blank).error().code == Errc::not_found);
  CHECK(TG_REQUIRE_OK(f.cat->list_cartridges({.state = CartridgeState::blank})).size() == 1);
  CHECK(TG_REQUIRE_OK(f.cat->list_cartridges()).size() == 3);
}

TEST_CASE("catalog: labelling forgets the former content") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "p"}));
  auto ms = TG_REQUIRE_OK(f.cat->start_media_set("p"));
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "T1", .pool = "p", .media_set = ms.id, .sequence = 1,
                                         .label_time = 42, .format_version = "TAPEGATE-1", .block_size = 1 << 20}));
  auto c = TG_REQUIRE_OK(f.cat->cartridge("T1"));
  CHECK(c.state == CartridgeState::appendable);
  CHECK(c.pool == std::optional<std::string>("p"));
  CHECK(c.label_time == std::optional<std::int64_t>(42));
  CHECK(c.block_size == 1u << 20);
  CHECK(c.last_file_number == std::optional<std::uint32_t>(0));
  auto files = TG_REQUIRE_OK(f.cat->tape_files_of_cartridge("T1"));
  REQUIRE(files.size() == 1);
  CHECK(files[0].kind == TapeFileKind::label);

  auto job = TG_REQUIRE_OK(f.cat->start_job({.name = "j", .repository = "/r", .pool = "p"}));
  auto tf = TG_REQUIRE_OK(f.cat->open_tape_file({.cartridge = "T1", .file_number = 1, .first_block = 2,
                                                 .job = job.id}));
  TG_REQUIRE_STATUS(f.cat->close_tape_file(tf.id, 10));
  TG_REQUIRE_STATUS(f.cat->note_written("T1", 1, 1000));
  CHECK(TG_REQUIRE_OK(f.cat->cartridge("T1")).bytes_written == 1000);

  // Relabel (e.g. expired, reused): the old tape file is gone.
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "T1", .pool = "p"}));
  CHECK(TG_REQUIRE_OK(f.cat->tape_files_of_cartridge("T1")).size() == 1);
  c = TG_REQUIRE_OK(f.cat->cartridge("T1"));
  CHECK_FALSE(c.media_set.has_value());
  CHECK(c.bytes_written == 0);
  // Both or neither of media set and sequence.
  CHECK_FALSE(f.cat->record_label({.barcode = "T1", .pool = "p", .media_set = ms.id}).ok());
  CHECK_FALSE(f.cat->record_label({.barcode = "T1", .pool = "p", .sequence = 3}).ok());
  // The set must be the pool's.
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "q"}));
  CHECK_FALSE(f.cat->record_label({.barcode = "T1", .pool = "q", .media_set = ms.id, .sequence = 1}).ok());

  TG_REQUIRE_STATUS(f.cat->forget_content("T1", CartridgeState::foreign, "another product"));
  c = TG_REQUIRE_OK(f.cat->cartridge("T1"));
  CHECK(c.state == CartridgeState::foreign);
  CHECK_FALSE(c.pool.has_value());
  CHECK(c.note == "another product");
  CHECK(TG_REQUIRE_OK(f.cat->tape_files_of_cartridge("T1")).empty());
}

TEST_CASE("catalog: retention expires closed media sets only") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "p", .retention_days = 7}));
  auto a = TG_REQUIRE_OK(f.cat->start_media_set("p"));
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "A1", .pool = "p", .media_set = a.id, .sequence = 1}));
  f.advance_days(30);
  CHECK(TG_REQUIRE_OK(f.cat->apply_retention()) == 0);  // open set never expires
  auto b = TG_REQUIRE_OK(f.cat->start_media_set("p"));    // closes a
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "B1", .pool = "p", .media_set = b.id, .sequence = 1}));
  f.advance_days(6);
  CHECK(TG_REQUIRE_OK(f.cat->apply_retention()) == 0);
  f.advance_days(1);
  CHECK(TG_REQUIRE_OK(f.cat->apply_retention()) == 1);
  CHECK(TG_REQUIRE_OK(f.cat->cartridge("A1")).state == CartridgeState::expired);
  CHECK(TG_REQUIRE_OK(f.cat->cartridge("B1")).state == CartridgeState::appendable);
}

TEST_CASE("catalog: jobs") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "p"}));
  auto j = TG_REQUIRE_OK(f.cat->start_job({.name = "nightly", .kind = JobKind::backup, .repository = "/srv/repo",
                                          .pool = "p"}));
  CHECK(j.state == JobState::running);
  CHECK(j.uuid.size() == 36);
  CHECK(f.cat->start_job({.name = "x", .pool = "nope"}).error().code == Errc::not_found);
  TG_REQUIRE_STATUS(f.cat->update_job_progress(j.id, 10, 1));
  CHECK(TG_REQUIRE_OK(f.cat->job(j.id)).bytes == 10);
  CHECK_FALSE(f.cat->finish_job(j.id, JobState::running, 0, 0, "").ok());
  f.clock.advance(std::chrono::seconds(60));
  TG_REQUIRE_STATUS(f.cat->finish_job(j.id, JobState::done, 100, 3, "3 files"));
  auto done = TG_REQUIRE_OK(f.cat->job(j.id));
  CHECK(done.state == JobState::done);
  CHECK(done.ended == std::optional<std::int64_t>(j.started + 60));
  CHECK(done.summary == "3 files");
  CHECK_FALSE(f.cat->finish_job(j.id, JobState::failed, 0, 0, "").ok());  // already ended
  CHECK(TG_REQUIRE_OK(f.cat->find_job_by_uuid(j.uuid))->id == j.id);
  auto j2 = TG_REQUIRE_OK(f.cat->start_job({.name = "verify", .kind = JobKind::verify}));
  auto list = TG_REQUIRE_OK(f.cat->list_jobs());
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == j2.id);
  CHECK(list[0].kind == JobKind::verify);
}

TEST_CASE("catalog: tape files are numbered upward, one open per cartridge") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "p"}));
  auto ms = TG_REQUIRE_OK(f.cat->start_media_set("p"));
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "T1", .pool = "p", .media_set = ms.id, .sequence = 1}));
  auto job = TG_REQUIRE_OK(f.cat->start_job({.name = "j"}));
  CHECK(f.cat->open_tape_file({.cartridge = "NOPE", .file_number = 1}).error().code == Errc::not_found);
  CHECK_FALSE(f.cat->open_tape_file({.cartridge = "T1", .file_number = 0}).ok());  // label is file 0
  CHECK_FALSE(f.cat->open_tape_file({.cartridge = "T1", .file_number = 1, .first_block = 0}).ok());
  auto t1 = TG_REQUIRE_OK(f.cat->open_tape_file({.cartridge = "T1", .file_number = 1, .first_block = 2,
                                                 .job = job.id}));
  CHECK(t1.state == TapeFileState::open);
  CHECK(f.cat->open_tape_file({.cartridge = "T1", .file_number = 2, .first_block = 20}).error().code == Errc::busy);
  TG_REQUIRE_STATUS(f.cat->close_tape_file(t1.id, 10));
  CHECK_FALSE(f.cat->close_tape_file(t1.id, 10).ok());
  CHECK_FALSE(f.cat->open_tape_file({.cartridge = "T1", .file_number = 2, .first_block = 5}).ok());  // overlaps
  auto t2 = TG_REQUIRE_OK(f.cat->open_tape_file({.cartridge = "T1", .file_number = 2, .first_block = 13,
                                                 .kind = TapeFileKind::catalog_copy, .job = job.id}));
  TG_REQUIRE_STATUS(f.cat->close_tape_file(t2.id, 1));
  auto of_job = TG_REQUIRE_OK(f.cat->tape_files_of_job(job.id));
  REQUIRE(of_job.size() == 2);
  CHECK(of_job[1].kind == TapeFileKind::catalog_copy);
  CHECK(TG_REQUIRE_OK(f.cat->tape_file(t1.id)).block_count == 10);
}

TEST_CASE("catalog: a rolled-back transaction leaves nothing") {
  CatalogFixture f;
  {
    auto tx = TG_REQUIRE_OK(f.cat->begin());
    TG_REQUIRE_STATUS(f.cat->create_pool({.name = "p"}));
    auto ms = TG_REQUIRE_OK(f.cat->start_media_set("p"));
    TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "T1", .pool = "p", .media_set = ms.id, .sequence = 1}));
    (void)TG_REQUIRE_OK(f.cat->start_job({.name = "j", .pool = "p"}));
    CHECK(f.cat->begin().error().code == Errc::busy);  // no nesting
    // destroyed without commit
  }
  CHECK(TG_REQUIRE_OK(f.cat->list_pools()).empty());
  CHECK(TG_REQUIRE_OK(f.cat->list_cartridges()).empty());
  CHECK(TG_REQUIRE_OK(f.cat->list_jobs()).empty());
  CHECK(TG_REQUIRE_OK(f.cat->list_media_sets(std::nullopt)).empty());
  {
    auto tx = TG_REQUIRE_OK(f.cat->begin());
    TG_REQUIRE_STATUS(f.cat->create_pool({.name = "p"}));
    TG_REQUIRE_STATUS(tx.commit());
    CHECK_FALSE(tx.active());
  }
  f.reopen();
  CHECK(TG_REQUIRE_OK(f.cat->list_pools()).size() == 1);
}

TEST_CASE("catalog: a failing call inside a larger change rolls back its own part") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "p"}));
  auto ms = TG_REQUIRE_OK(f.cat->start_media_set("p"));
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "T1", .pool = "p", .media_set = ms.id, .sequence = 1}));
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "T2", .pool = "p", .media_set = ms.id, .sequence = 2}));
  auto before = TG_REQUIRE_OK(f.cat->tape_files_of_cartridge("T2"));
  // Sequence 1 is T1's: refused, and T2 keeps its label and tape files.
  CHECK_FALSE(f.cat->record_label({.barcode = "T2", .pool = "p", .media_set = ms.id, .sequence = 1}).ok());
  CHECK(TG_REQUIRE_OK(f.cat->cartridge("T2")).sequence == 2);
  CHECK(TG_REQUIRE_OK(f.cat->tape_files_of_cartridge("T2")).size() == before.size());
}

TEST_CASE("catalog: crash recovery never claims more than is on tape") {
  CatalogFixture f;
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "p"}));
  auto ms = TG_REQUIRE_OK(f.cat->start_media_set("p"));
  TG_REQUIRE_STATUS(f.cat->record_label({.barcode = "T1", .pool = "p", .media_set = ms.id, .sequence = 1}));
  auto job = TG_REQUIRE_OK(f.cat->start_job({.name = "j", .repository = "/r", .pool = "p"}));
  auto tf = TG_REQUIRE_OK(f.cat->open_tape_file({.cartridge = "T1", .file_number = 1, .first_block = 2,
                                                 .job = job.id}));
  auto a = TG_REQUIRE_OK(f.cat->add_backup_file({.job = job.id, .repository = "/r", .path = "a", .size = 100,
                                                 .sha256 = hex64('a')}));
  auto b = TG_REQUIRE_OK(f.cat->add_backup_file({.job = job.id, .repository = "/r", .path = "b", .size = 100,
                                                 .sha256 = hex64('b')}));
  (void)TG_REQUIRE_OK(f.cat->record_piece({.backup_file = a.id, .tape_file = tf.id, .length = 100,
                                           .first_block = 0, .end_block = 1}));
  (void)TG_REQUIRE_OK(f.cat->record_piece({.backup_file = b.id, .tape_file = tf.id, .length = 100,
                                           .first_block = 1, .end_block = 2}));
  // The drive acknowledged a flush of the first block only.
  CHECK(TG_REQUIRE_OK(f.cat->commit_pieces_through(tf.id, 1)) == 1);
  // ... and the appliance lost power here.
  f.reopen();
  const auto& r = f.cat->recovery();
  CHECK(r.interrupted_jobs == 1);
  CHECK(r.dropped_pieces == 1);
  CHECK(r.incomplete_tape_files == 1);
  CHECK_THAT(r.incomplete_detail, Catch::Contains("T1 file 1"));
  CHECK_FALSE(r.skipped_in_use);
  CHECK(TG_REQUIRE_OK(f.cat->job(job.id)).state == JobState::interrupted);
  CHECK(TG_REQUIRE_OK(f.cat->tape_file(tf.id)).state == TapeFileState::incomplete);
  CHECK(TG_REQUIRE_OK(f.cat->backup_file(a.id)).on_tape);
  CHECK_FALSE(TG_REQUIRE_OK(f.cat->backup_file(b.id)).on_tape);
  auto on_tape = TG_REQUIRE_OK(f.cat->files_on_tape("/r"));
  REQUIRE(on_tape.size() == 1);
  CHECK(on_tape[0].path == "a");
  // Nothing more can be recorded or committed in the incomplete file.
  CHECK_FALSE(f.cat->commit_pieces_through(tf.id, 10).ok());
  CHECK_FALSE(f.cat->record_piece({.backup_file = b.id, .tape_file = tf.id, .length = 100}).ok());
  // A clean reopen has nothing to repair.
  f.reopen();
  CHECK_FALSE(f.cat->recovery().any());
}

TEST_CASE("catalog: recovery is skipped while another process has the catalog open") {
  CatalogFixture f;
  auto job = TG_REQUIRE_OK(f.cat->start_job({.name = "live"}));
  // A second opener (a console command) while the first one runs the job.
  auto second = TG_REQUIRE_OK(Catalog::open(f.file(), f.clock));
  CHECK(second->recovery().skipped_in_use);
  CHECK(TG_REQUIRE_OK(second->job(job.id)).state == JobState::running);
  second.reset();
  f.reopen();  // now the only opener: the job did not finish, so it was interrupted
  CHECK(TG_REQUIRE_OK(f.cat->job(job.id)).state == JobState::interrupted);
}

TEST_CASE("catalog: names round-trip") {
  for (auto s : {CartridgeState::unknown, CartridgeState::blank, CartridgeState::appendable, CartridgeState::full,
                 CartridgeState::expired, CartridgeState::bad, CartridgeState::foreign, CartridgeState::cleaning})
    CHECK(parse_cartridge_state(cartridge_state_name(s)) == s);
  for (auto s : {JobState::running, JobState::done, JobState::failed, JobState::cancelled, JobState::interrupted})
    CHECK(parse_job_state(job_state_name(s)) == s);
  CHECK(parse_allocation_policy("always") == AllocationPolicy::new_set_per_job);
  CHECK_FALSE(parse_tape_file_kind("bogus").has_value());
  CHECK(std::string(tape_file_kind_name(TapeFileKind::catalog_copy)) == "catalog-copy");
}

TEST_CASE("catalog: two connections writing at once (two jobs on two drives) never see a stale snapshot") {
  // Each job opens its own connection. start_media_set reads, then writes:
  // as a deferred transaction it fails at once (SQLITE_BUSY_SNAPSHOT) when
  // the other connection committed in between; begun IMMEDIATE it waits.
  CatalogFixture f;
  auto second = Catalog::open(f.file(), f.clock);
  REQUIRE(second.ok());
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "a"}));
  TG_REQUIRE_STATUS(f.cat->create_pool({.name = "b"}));
  std::vector<std::string> errors[2];
  auto work = [&](Catalog& c, const std::string& pool, std::vector<std::string>& err) {
    for (int i = 0; i < 150; ++i) {
      auto ms = c.start_media_set(pool);
      if (!ms) {
        err.push_back(ms.error().message);
        continue;
      }
      auto st = c.record_label({.barcode = pool + std::to_string(i), .pool = pool, .media_set = ms->id, .sequence = 1});
      if (!st) err.push_back(st.error().message);
    }
  };
  std::thread t([&] { work(**second, "b", errors[1]); });
  work(*f.cat, "a", errors[0]);
  t.join();
  CHECK(errors[0].empty());
  CHECK(errors[1].empty());
  if (!errors[0].empty()) FAIL_CHECK(errors[0].front());
  if (!errors[1].empty()) FAIL_CHECK(errors[1].front());
  CHECK(TG_REQUIRE_OK(f.cat->list_media_sets(std::string("a"))).size() == 150);
  CHECK(TG_REQUIRE_OK(f.cat->list_media_sets(std::string("b"))).size() == 150);
}
