// Saved job definitions and their files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "firmware/console/commands.hpp"
#include "firmware/console/dispatch.hpp"
#include "firmware/log/event_log.hpp"
#include "firmware/service/job_manager.hpp"
#include "firmware/service/saved_jobs.hpp"
#include "firmware/service/schedule.hpp"
#include "firmware/console/test_support.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::service;

TEST_CASE("saved jobs round-trip through their files", "[console]") {
  test::TempDir tmp;
  SavedJobStore store(tmp.path() / "jobs");
  SavedJob j;
  j.name = "nightly";
  j.source = "/srv/repo one";
  j.pool = "weekly";
  j.schedule = *parse_schedule("weekly@fri@22:15");
  j.extra["compression"] = "on";
  REQUIRE(store.save(j).ok());
  auto back = store.load("nightly");
  REQUIRE(back.ok());
  CHECK(back->source == "/srv/repo one");
  CHECK(back->schedule->text() == "weekly@fri@22:15");
  CHECK(back->extra.at("compression") == "on");
  CHECK(store.load_all().size() == 1);
  CHECK_FALSE(check_job_name("../etc").ok());
  CHECK_FALSE(check_job_name(".hidden").ok());
  j.pool = "two\nlines";
  CHECK_FALSE(store.save(j).ok());
  std::ofstream(tmp.path() / "jobs" / "broken.job") << "name=broken\nschedule=sometimes\n";
  std::vector<std::string> problems;
  CHECK(store.load_all(&problems).size() == 1);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("broken") != std::string::npos);
  CHECK(store.remove("nightly").ok());
  CHECK(store.load("nightly").error().code == Errc::not_found);
}
