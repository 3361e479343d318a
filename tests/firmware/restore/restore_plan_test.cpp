// What an operator's word selects for a restore, and what is said about
// the choice: a base name is answered with the paths that carry it, a job
// name with several runs says which run was taken.
#include "../catalog_fixture.hpp"
#include "firmware/restore/restore_plan.hpp"

using namespace tg::firmware;
using namespace tg::firmware::catalog;
using namespace tg::firmware::catalog::testing;
using namespace tg::firmware::restore;

namespace {

struct Repo : CatalogFixture {
  Job run(const std::string& name, const std::vector<std::string>& paths) {
    auto j = TG_REQUIRE_OK(cat->start_job({.name = name, .repository = "/srv/backup"}));
    for (const auto& p : paths)
      (void)TG_REQUIRE_OK(cat->add_backup_file({.job = j.id, .repository = "/srv/backup", .path = p, .size = 1}));
    return j;
  }
};

}  // namespace

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
