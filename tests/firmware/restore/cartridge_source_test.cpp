// A restore whose cartridge waits in a mail slot as an export nobody took out:
// it asks the operator once, naming the barcode and the action, sleeps
// (polling the changer) instead of spinning, and finishes byte-identical once
// the simulated operator takes the cartridge out and puts it back in.
#include <fstream>
#include <iterator>

#include "firmware/console/bench.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::console;
namespace fs = std::filesystem;

namespace {

std::vector<char> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint64_t started_job(const Outcome& o) {
  auto at = o.output.find("\"job\":");
  REQUIRE(at != std::string::npos);
  return std::stoull(o.output.substr(at + 6));
}

std::size_t operator_prompts(EventLog& log, std::uint64_t job) {
  std::size_t n = 0;
  for (const auto& e : log.last(1000))
    if (e.source == "job " + std::to_string(job) && e.text.rfind("operator: ", 0) == 0) ++n;
  return n;
}

}  // namespace

TEST_CASE("a restore whose cartridge was exported waits with one prompt and finishes after sim remove, sim insert and import", "[restore][operator]") {
  test::Bench b("sim:drives=1,slots=8,mailslots=2,cartridges=2,cartridge-mb=16");
  const fs::path repo = b.tmp.path() / "repo";
  fs::create_directories(repo / "dump");
  const auto data = test::bytes_of(700'000, 11);
  std::ofstream(repo / "dump" / "vzdump-qemu-200.vma.zst", std::ios::binary)
      .write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(b.run({"pool", "create", "weekly"}).exit_status == kExitOk);
  auto backup = b.run({"backup", repo.string(), "--pool", "weekly", "--job", "nightly", "--json"});
  INFO(backup.output);
  REQUIRE(backup.exit_status == kExitOk);
  auto carts_at = backup.output.find("\"cartridges\":\"");
  REQUIRE(carts_at != std::string::npos);
  const std::string barcode = backup.output.substr(carts_at + 14, 8);
  auto exported = b.run({"export", barcode});
  INFO(exported.output);
  REQUIRE(exported.exit_status == kExitOk);

  // As in the service: the command returns with the job's number.
  b.app.in_service = true;
  const fs::path out = b.tmp.path() / "restored";
  auto started = b.run({"restore", "nightly", "--to", out.string(), "--json"});
  INFO(started.output);
  REQUIRE(started.exit_status == kExitOk);
  const std::uint64_t id = started_job(started);

  service::JobInfo j;
  std::uint64_t seen = 0;
  REQUIRE(test::eventually([&] {
    auto w = b.jobs->wait(id, seen, std::chrono::milliseconds(100));
    if (!w) return false;
    j = *w;
    seen = j.generation;
    return j.state == service::JobState::waiting_for_operator || service::job_finished(j.state);
  }));
  REQUIRE(j.state == service::JobState::waiting_for_operator);
  CHECK(j.operator_request.find(barcode) != std::string::npos);
  CHECK(j.operator_request.find("as an export: take it out") != std::string::npos);
  // One prompt: polling the changer asks again with the same request, which
  // stays the one on display.
  CHECK(operator_prompts(*b.log, id) == 1);

  // The operator's hands: out, back in, then import (the control socket and
  // the prompt run these same commands while the job waits).
  auto removed = b.run({"sim", "remove", barcode});
  INFO(removed.output);
  REQUIRE(removed.exit_status == kExitOk);
  auto inserted = b.run({"sim", "insert", barcode});
  INFO(inserted.output);
  REQUIRE(inserted.exit_status == kExitOk);
  auto imported = b.run({"import"});
  INFO(imported.output);
  REQUIRE(imported.exit_status == kExitOk);
  // The job notices at its next look at the changer; 'job continue' makes that now.
  (void)b.run({"job", "continue", std::to_string(id)});

  REQUIRE(test::eventually([&] {
    auto w = b.jobs->get(id);
    if (!w) return false;
    j = *w;
    return service::job_finished(j.state);
  }, std::chrono::seconds(60)));
  INFO(j.error.message);
  REQUIRE(j.state == service::JobState::succeeded);
  CHECK(operator_prompts(*b.log, id) == 1);
  CHECK(read_all(out / "dump" / "vzdump-qemu-200.vma.zst") == data);
}

TEST_CASE("a restore waiting for the operator is cancelled at once", "[restore][operator]") {
  test::Bench b("sim:drives=1,slots=8,mailslots=2,cartridges=2,cartridge-mb=16");
  const fs::path repo = b.tmp.path() / "repo";
  fs::create_directories(repo / "dump");
  const auto data = test::bytes_of(100'000, 12);
  std::ofstream(repo / "dump" / "a.vma.zst", std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(b.run({"pool", "create", "weekly"}).exit_status == kExitOk);
  auto backup = b.run({"backup", repo.string(), "--pool", "weekly", "--job", "nightly", "--json"});
  REQUIRE(backup.exit_status == kExitOk);
  auto carts_at = backup.output.find("\"cartridges\":\"");
  REQUIRE(carts_at != std::string::npos);
  const std::string barcode = backup.output.substr(carts_at + 14, 8);
  REQUIRE(b.run({"export", barcode}).exit_status == kExitOk);
  REQUIRE(b.run({"sim", "remove", barcode}).exit_status == kExitOk);

  b.app.in_service = true;
  auto started = b.run({"restore", "nightly", "--to", (b.tmp.path() / "r").string(), "--json"});
  REQUIRE(started.exit_status == kExitOk);
  const std::uint64_t id = started_job(started);
  service::JobInfo j;
  REQUIRE(test::eventually([&] {
    j = *b.jobs->get(id);
    return j.state == service::JobState::waiting_for_operator || service::job_finished(j.state);
  }));
  REQUIRE(j.state == service::JobState::waiting_for_operator);
  CHECK(j.operator_request.find("insert cartridge " + barcode) != std::string::npos);
  REQUIRE(b.run({"job", "cancel", std::to_string(id)}).exit_status == kExitOk);
  REQUIRE(test::eventually([&] {
    j = *b.jobs->get(id);
    return service::job_finished(j.state);
  }));
  CHECK(j.state == service::JobState::cancelled);
}

TEST_CASE("a restore waits for a drive a console command holds, says so, and runs when it is freed", "[restore][operator]") {
  test::Bench b("sim:drives=1,slots=8,mailslots=2,cartridges=2,cartridge-mb=16");
  const fs::path repo = b.tmp.path() / "repo";
  fs::create_directories(repo / "dump");
  const auto data = test::bytes_of(200'000, 13);
  std::ofstream(repo / "dump" / "b.vma.zst", std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(b.run({"pool", "create", "weekly"}).exit_status == kExitOk);
  REQUIRE(b.run({"backup", repo.string(), "--pool", "weekly", "--job", "nightly"}).exit_status == kExitOk);

  // `status` or `drive info` hold the drive for a moment; here for as long as
  // the test likes.
  auto held = b.drives->reserve("drive info", "drive0");
  REQUIRE(held.ok());
  b.app.in_service = true;
  const fs::path out = b.tmp.path() / "restored";
  auto started = b.run({"restore", "nightly", "--to", out.string(), "--json"});
  REQUIRE(started.exit_status == kExitOk);
  const std::uint64_t id = started_job(started);
  service::JobInfo j;
  REQUIRE(test::eventually([&] {
    j = *b.jobs->get(id);
    return (j.has_progress && j.progress.phase.view() == "waiting for a drive") || service::job_finished(j.state);
  }));
  INFO(j.error.message);
  REQUIRE_FALSE(service::job_finished(j.state));  // not failed "busy": waiting
  held->release();
  REQUIRE(test::eventually([&] {
    j = *b.jobs->get(id);
    return service::job_finished(j.state);
  }, std::chrono::seconds(60)));
  INFO(j.error.message);
  REQUIRE(j.state == service::JobState::succeeded);
  CHECK(read_all(out / "dump" / "b.vma.zst") == data);
}
