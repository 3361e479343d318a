// A restore whose target disk fills up in the middle of a file: that file is
// named with the disk-full error and its path, its partial copy is removed,
// nothing existing is overwritten, and the restore stops with one message
// for the files it could not write (the rest of the job would fail the same
// way); no further cartridge is loaded for them. After space is freed the
// same restore completes.
//
// Two ways to fill the disk: the write seam of RestoredFile (ENOSPC at a
// chosen byte, runs everywhere), and a real tmpfs of a few hundred KiB
// mounted in a private user and mount namespace where the kernel allows one
// without privileges (the test says so and checks nothing more where not).
#include <catch2/catch.hpp>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "firmware/fault_fixture.hpp"
#include "firmware/backup/backup_job.hpp"
#include "firmware/restore/restored_file.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::restore;
namespace fs = std::filesystem;

namespace {

std::atomic<std::uint64_t> g_space{0};

// write(2) on a disk with g_space bytes left: a short write when it fills,
// then ENOSPC, as the kernel does.
ssize_t write_until_full(int fd, const void* buf, std::size_t n) {
  std::uint64_t left = g_space.load();
  if (left == 0) {
    errno = ENOSPC;
    return -1;
  }
  ssize_t w = ::write(fd, buf, static_cast<std::size_t>(std::min<std::uint64_t>(n, left)));
  if (w > 0) g_space -= static_cast<std::uint64_t>(w);
  return w;
}

struct SeamGuard {
  explicit SeamGuard(WriteFunction f) { set_write_function_for_tests(f); }
  ~SeamGuard() { set_write_function_for_tests(nullptr); }
};

struct BackedUp {
  test::FaultScratch dir{"disk-full"};
  fs::path state = dir.path / "appliance";
  sim::SimConfig config = test::small_library();
  test::RepositoryFiles files;
  std::vector<std::string> order;   // the files in the order the restore writes them

  BackedUp() {
    // ~1.9 MB: two cartridges, the last two files on the second.
    const std::pair<const char*, std::size_t> layout[] = {{"vm/a.img", 300'000},
                                                          {"vm/b.img", 400'000},
                                                          {"vm/c.img", 500'000},
                                                          {"vm/d.img", 400'000},
                                                          {"vm/e.img", 300'000}};
    test::write_repository(files, dir.path / "repo", layout, 70);
    auto a = test::open_appliance(state, config);
    REQUIRE(a->cat().create_pool({.name = "p1"}).ok());
    REQUIRE(pools::read_labels(a->cat(), a->drives(), true).ok());
    test::RecordingContext job;
    auto r = backup::run_backup(backup::BackupRequest{.repository = "repo1",
                                                      .root = dir.path / "repo",
                                                      .pool = "p1",
                                                      .block_size = test::kFaultBlock,
                                                      .ring_bytes = 8 * test::kFaultBlock},
                                a->library(), a->drives(), a->cat(), job, hal::system_clock());
    INFO(test::log_text(job.logs));
    REQUIRE(r.ok());
    REQUIRE(r->files_written == files.size());
    REQUIRE(r->cartridges.size() == 2);
    auto p = plan_with(*a);
    REQUIRE(p.files.size() == files.size());
    auto work = order_work(p);
    for (auto& w : work)
      for (auto& t : w.tasks)
        if (std::find(order.begin(), order.end(), t.path) == order.end()) order.push_back(t.path);
    REQUIRE(order.size() == files.size());
  }

  // The committed copy of every file (no Catch macros: the forked child
  // uses it too).
  static Result<RestorePlan> plan_all(test::Appliance& a) {
    auto on = TG_TRY(a.cat().files_on_tape("repo1"));
    std::vector<catalog::BackupFile> chosen;
    for (auto& f : on) {
      auto bf = TG_TRY(a.cat().backup_file(f.backup_file));
      chosen.push_back(std::move(bf));
    }
    return plan_for_files(a.cat(), std::move(chosen));
  }
  static RestorePlan plan_with(test::Appliance& a) {
    auto p = plan_all(a);
    REQUIRE(p.ok());
    return std::move(*p);
  }
};

std::size_t partial_files(const fs::path& root) {
  std::size_t n = 0;
  for (auto& e : fs::recursive_directory_iterator(root))
    if (e.path().filename().string().find(".tapegate-partial") != std::string::npos) ++n;
  return n;
}

const FileOutcome* failure_of(const RunReport& r, const std::string& path) {
  for (auto& f : r.failures)
    if (f.path == path) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("restore onto a disk that fills up mid-file: named, partial copy removed, nothing overwritten, one stop") {
  BackedUp f;
  const fs::path to = f.dir.path / "target";
  const std::string& first = f.order[0];
  const std::string& second = f.order[1];
  const std::string& full_at = f.order[2];
  // What was in the target before: an older version of the file that will
  // meet the full disk and of one after it (restored with --overwrite), and
  // a file of someone else's.
  const std::vector<std::uint8_t> old_c(1000, 'c'), old_d(2000, 'd'), theirs(3000, 't');
  test::write_file(to / full_at, old_c);
  test::write_file(to / f.order[3], old_d);
  test::write_file(to / "unrelated.txt", theirs);

  auto a = test::open_appliance(f.state, f.config);
  test::RecordingContext ctx;
  RunReport r;
  {
    // The disk has room for the first two files and half of the third.
    g_space = f.files[first].size() + f.files[second].size() + f.files[full_at].size() / 2;
    SeamGuard seam(write_until_full);
    LibraryCartridges source(a->drives(), {.owner = "restore"});
    auto run = run_restore(BackedUp::plan_with(*a), source, ctx, RestoreOptions{.target = to, .overwrite = true});
    REQUIRE(run.ok());
    r = std::move(*run);
  }
  INFO(r.summary() << "\n" << test::log_text(ctx.logs));
  CHECK(r.files_ok == 2);
  CHECK(r.files_failed == 3);
  CHECK(r.exit_status() != 0);

  // The file that met the full disk: named, with the path and the reason.
  const FileOutcome* hit = failure_of(r, full_at);
  REQUIRE(hit);
  CHECK_THAT(hit->error, Catch::Contains((to / full_at).string()));
  CHECK_THAT(hit->error, Catch::Contains("file system is full"));
  CHECK_THAT(hit->error, Catch::Contains("No space left on device"));
  CHECK_THAT(hit->error, Catch::Contains("partial copy was removed"));
  // The others are not attempted; they say why.
  for (std::size_t i = 3; i < f.order.size(); ++i) {
    const FileOutcome* later = failure_of(r, f.order[i]);
    REQUIRE(later);
    CHECK_THAT(later->error, Catch::Contains("not restored"));
    CHECK_THAT(later->error, Catch::Contains(to.string() + " became full"));
  }
  // One message for the file, one for the stop; none per later file.
  std::size_t stops = 0;
  for (auto& l : ctx.logs) {
    if (l.find("restore stopped") != std::string::npos) {
      ++stops;
      CHECK_THAT(l, Catch::Contains(to.string() + " is full"));
      CHECK_THAT(l, Catch::Contains("2 more file(s) not restored"));
    }
    for (std::size_t i = 3; i < f.order.size(); ++i) CHECK(l.find(f.order[i]) == std::string::npos);
  }
  CHECK(stops == 1);
  // The second cartridge was not loaded for files that could not be written.
  CHECK(r.cartridges.size() == 1);

  // On disk: the first two restored, no partial file, nothing overwritten.
  CHECK(partial_files(to) == 0);
  CHECK((test::slurp(to / first) == f.files[first]));
  CHECK((test::slurp(to / second) == f.files[second]));
  CHECK((test::slurp(to / full_at) == old_c));
  CHECK((test::slurp(to / f.order[3]) == old_d));
  CHECK_FALSE(fs::exists(to / f.order[4]));
  CHECK((test::slurp(to / "unrelated.txt") == theirs));

  // Space freed: the same restore completes.
  test::RecordingContext again;
  LibraryCartridges source(a->drives(), {.owner = "restore"});
  auto r2 = run_restore(BackedUp::plan_with(*a), source, again, RestoreOptions{.target = to, .overwrite = true});
  REQUIRE(r2.ok());
  INFO(r2->summary());
  CHECK(r2->ok());
  for (auto& [rel, bytes] : f.files) {
    INFO(rel);
    CHECK((test::slurp(to / rel) == bytes));
  }
  CHECK(partial_files(to) == 0);
}

namespace {

bool write_text(const char* path, const std::string& text) {
  std::ofstream o(path);
  o << text;
  return static_cast<bool>(o.flush());
}

// In the child: a private user and mount namespace with a tmpfs of `size`
// on `where`. "" when mounted, else why not.
std::string mount_small_tmpfs(const fs::path& where, const std::string& size) {
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return std::string("unshare: ") + std::strerror(errno);
  (void)write_text("/proc/self/setgroups", "deny");
  if (!write_text("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1\n")) return "uid_map refused";
  if (!write_text("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1\n")) return "gid_map refused";
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return std::string("making / private: ") + std::strerror(errno);
  if (::mount("tapegate-test", where.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0)
    return std::string("mount tmpfs: ") + std::strerror(errno);
  return "";
}

}  // namespace

TEST_CASE("restore onto a real tmpfs that fills up mid-file (private mount namespace)") {
  BackedUp f;
  const fs::path to = f.dir.path / "tmpfs";
  fs::create_directories(to);
  const fs::path result = f.dir.path / "child-result.txt";
  // Room for the first two files (page-rounded) and part of the third.
  const std::uint64_t room = f.files[f.order[0]].size() + f.files[f.order[1]].size() + 150'000;
  const std::string size = std::to_string((room + 4095) / 4096 * 4) + "k";

  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::ostringstream out;
    if (std::string why = mount_small_tmpfs(to, size); !why.empty()) {
      out << "unsupported " << why << "\n";
    } else {
      auto a = test::Appliance::open(f.state, f.config);
      if (!a) ::_exit(3);
      test::RecordingContext ctx;
      LibraryCartridges source((*a)->drives(), {.owner = "restore"});
      auto plan = BackedUp::plan_all(**a);
      if (!plan) ::_exit(4);
      auto r = run_restore(std::move(*plan), source, ctx, RestoreOptions{.target = to});
      if (!r) ::_exit(5);
      out << "ok " << r->files_ok << "\nfailed " << r->files_failed << "\ncartridges " << r->cartridges.size()
          << "\npartial " << partial_files(to) << "\n";
      for (auto& [rel, bytes] : f.files)
        if (fs::exists(to / rel)) out << "present " << rel << " " << (test::slurp(to / rel) == bytes) << "\n";
      for (auto& fo : r->failures) out << "failure " << fo.path << "\t" << fo.error << "\n";
      std::size_t stops = 0;
      for (auto& l : ctx.logs) stops += l.find("restore stopped") != std::string::npos;
      out << "stops " << stops << "\n";
    }
    std::ofstream(result) << out.str();
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  std::ifstream in(result);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO(text);
  if (text.rfind("unsupported", 0) == 0) {
    WARN("no unprivileged tmpfs here (" << text << "): only the write-seam test ran");
    return;
  }
  CHECK_THAT(text, Catch::Contains("ok 2\n"));
  CHECK_THAT(text, Catch::Contains("failed 3\n"));
  CHECK_THAT(text, Catch::Contains("cartridges 1\n"));
  CHECK_THAT(text, Catch::Contains("partial 0\n"));
  CHECK_THAT(text, Catch::Contains("present " + f.order[0] + " 1\n"));
  CHECK_THAT(text, Catch::Contains("present " + f.order[1] + " 1\n"));
  CHECK(text.find("present " + f.order[2]) == std::string::npos);
  CHECK_THAT(text, Catch::Contains("failure " + f.order[2] + "\t" + (to / f.order[2]).string() +
                                   ": the target file system is full"));
  CHECK_THAT(text, Catch::Contains("stops 1\n"));
}
