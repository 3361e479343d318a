// Restore planning from the catalog: which copy of a path a selection
// restores or verifies; what an operator's word selects for a restore, and
// what is said about the choice: a base name is answered with the paths that
// carry it, a job name with several runs says which run was taken.
#include "firmware/catalog/catalog_fixture.hpp"
#include "firmware/restore/restore_plan.hpp"

using namespace tg::firmware;
using namespace tg::firmware::catalog;
using namespace tg::firmware::catalog::testing;
using namespace tg::firmware::restore;

namespace {

// Job 1 was killed after committing "a" but before committing "b"; job 2
// (the rerun) committed "b". Both wrote to the same media set.
struct KilledAndRerun : CatalogFixture {
  MediaSet ms;
  Job j1, j2;
  KilledAndRerun() {
    REQUIRE(cat->create_pool({.name = "p"}).ok());
    ms = TG_REQUIRE_OK(cat->start_media_set("p"));
    TG_REQUIRE_STATUS(cat->record_label({.barcode = "K1", .pool = "p", .media_set = ms.id, .sequence = 1,
                                         .format_version = "TAPEGATE-1", .block_size = 65536}));
    j1 = TG_REQUIRE_OK(cat->start_job({.name = "n", .repository = "/r", .pool = "p", .media_set = ms.id}));
    auto t1 = TG_REQUIRE_OK(cat->open_tape_file({.cartridge = "K1", .file_number = 1, .first_block = 2, .job = j1.id}));
    auto a = TG_REQUIRE_OK(cat->add_backup_file({.job = j1.id, .repository = "/r", .path = "a", .size = 10,
                                                 .sha256 = std::string(64, 'a')}));
    (void)TG_REQUIRE_OK(cat->record_piece({.backup_file = a.id, .tape_file = t1.id, .length = 10, .end_block = 1}));
    TG_REQUIRE_STATUS(cat->commit_pieces_through(t1.id, 1));
    auto b1 = TG_REQUIRE_OK(cat->add_backup_file({.job = j1.id, .repository = "/r", .path = "b", .size = 10,
                                                  .sha256 = std::string(64, 'b')}));
    (void)TG_REQUIRE_OK(cat->record_piece({.backup_file = b1.id, .tape_file = t1.id, .length = 10,
                                           .first_block = 1, .end_block = 2, .header_offset = 65536}));
    TG_REQUIRE_STATUS(cat->close_tape_file(t1.id, 1));  // the kill: b's piece never became durable
    j2 = TG_REQUIRE_OK(cat->start_job({.name = "n", .repository = "/r", .pool = "p", .media_set = ms.id}));
    auto t2 = TG_REQUIRE_OK(cat->open_tape_file({.cartridge = "K1", .file_number = 2, .first_block = 4, .job = j2.id}));
    auto b2 = TG_REQUIRE_OK(cat->add_backup_file({.job = j2.id, .repository = "/r", .path = "b", .size = 10,
                                                  .sha256 = std::string(64, 'b')}));
    (void)TG_REQUIRE_OK(cat->record_piece({.backup_file = b2.id, .tape_file = t2.id, .length = 10, .end_block = 1}));
    TG_REQUIRE_STATUS(cat->commit_pieces_through(t2.id, 1));
    TG_REQUIRE_STATUS(cat->close_tape_file(t2.id, 1));
  }
};

struct Repo : CatalogFixture {
  Job run(const std::string& name, const std::vector<std::string>& paths) {
    auto j = TG_REQUIRE_OK(cat->start_job({.name = name, .repository = "/srv/backup"}));
    for (const auto& p : paths)
      (void)TG_REQUIRE_OK(cat->add_backup_file({.job = j.id, .repository = "/srv/backup", .path = p, .size = 1}));
    return j;
  }
};

}  // namespace

TEST_CASE("restore plan: a media set after a killed job and its rerun restores each path once, from the committed copy") {
  KilledAndRerun f;
  restore::Selection sel{.kind = restore::SelectionKind::media_set, .value = f.ms.id};
  auto plan = TG_REQUIRE_OK(restore::plan_restore(*f.cat, sel));
  CHECK(plan.unavailable.empty());
  REQUIRE(plan.files.size() == 2);
  CHECK(plan.superseded == 1);
  for (auto& pf : plan.files) {
    INFO(pf.file.path);
    CHECK(pf.file.on_tape);
    if (pf.file.path == "b") CHECK(pf.file.job == f.j2.id);
  }
  // Verify checks every committed copy and leaves the uncommitted one out.
  auto v = TG_REQUIRE_OK(restore::plan_restore(*f.cat, sel, restore::PlanPurpose::verify));
  CHECK(v.unavailable.empty());
  CHECK(v.files.size() == 2);
  CHECK(v.superseded == 1);
}

TEST_CASE("restore plan: the killed job alone names the file it never committed") {
  KilledAndRerun f;
  restore::Selection sel{.kind = restore::SelectionKind::job, .value = std::to_string(f.j1.id)};
  auto plan = TG_REQUIRE_OK(restore::plan_restore(*f.cat, sel));
  REQUIRE(plan.files.size() == 1);
  CHECK(plan.files[0].file.path == "a");
  REQUIRE(plan.unavailable.size() == 1);
  CHECK(plan.unavailable[0].first == "b");
  CHECK_THAT(plan.unavailable[0].second, Catch::Contains("did not commit"));
}

TEST_CASE("restore selection: a base name is answered with the paths that carry it") {
  Repo f;
  f.run("nightly", {"vm-100/disk-0.img", "vm-200/disk-0.img", "vm-100/config.json", "odd%name_0.img"});
  auto sel = resolve_selection(*f.cat, "disk-0.img", std::nullopt);
  REQUIRE_FALSE(sel.ok());
  CHECK(sel.error().code == tg::Errc::not_found);
  const auto& m = sel.error().message;
  INFO(m);
  CHECK(m.find("'vm-100/disk-0.img' (repository /srv/backup)") != std::string::npos);
  CHECK(m.find("'vm-200/disk-0.img'") != std::string::npos);
  CHECK(m.find("config.json") == std::string::npos);
  // LIKE wildcards in a name are plain characters.
  auto odd = resolve_selection(*f.cat, "%0.img", std::nullopt);
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.error().message.find("backed-up files with that name") == std::string::npos);
  // Another repository's files are not offered when one is named.
  auto other = resolve_selection(*f.cat, "disk-0.img", std::string("/elsewhere"));
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().message.find("vm-100") == std::string::npos);
  // The full path selects the file.
  auto full = resolve_selection(*f.cat, "vm-100/disk-0.img", std::nullopt);
  REQUIRE(full.ok());
  CHECK(full->kind == SelectionKind::file);
}

TEST_CASE("restore selection: a job name with several runs says which run it took") {
  Repo f;
  auto first = f.run("nightly", {"a"});
  auto second = f.run("nightly", {"b"});
  auto third = f.run("nightly", {"c"});
  (void)f.run("weekly", {"d"});
  auto sel = TG_REQUIRE_OK(resolve_selection(*f.cat, "nightly", std::nullopt));
  CHECK(sel.kind == SelectionKind::job);
  auto plan = TG_REQUIRE_OK(plan_restore(*f.cat, sel));
  CHECK(plan.description == "job " + std::to_string(third.id) + " (nightly)");
  REQUIRE(plan.notes.size() == 1);
  INFO(plan.notes[0]);
  CHECK(plan.notes[0].find("3 runs") != std::string::npos);
  CHECK(plan.notes[0].find(std::to_string(second.id) + ", " + std::to_string(first.id)) != std::string::npos);
  // A job id or a name with one run needs no note.
  auto by_id = TG_REQUIRE_OK(plan_restore(*f.cat, {.kind = SelectionKind::job, .value = std::to_string(first.id)}));
  CHECK(by_id.notes.empty());
  auto weekly = TG_REQUIRE_OK(plan_restore(*f.cat, {.kind = SelectionKind::job, .value = "weekly"}));
  CHECK(weekly.notes.empty());
}
