// The member table shared by the pipeline threads: fixed capacity (a full
// table is an error, never a reallocation under a reader), one retry per
// member whoever asks, headers without a hash (TAPEGATE-2), manifests when
// their lines would no longer fit, and the hand-overs that wake the threads.
// Its memory follows the members appended, not the capacity reserved for
// retries, and a member's strings cost their bytes once.
#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "firmware/format/sha256_manifest.hpp"
#include "firmware/pipeline/member_table.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::pipeline;

namespace {

MemberInput file(const std::string& path, std::uint64_t size) {
  return MemberInput{.source = "/repo/" + path, .path = path, .size = size, .mtime = 1'700'000'000,
                     .group = "vm-1", .kind = "full", .identity = {.dev = 3, .ino = 99},
                     .owner = {.mode = 0600, .uid = 1000, .gid = 100}};
}

std::size_t appended(Result<std::size_t> r) {
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("member table: appended members keep their input, originals are their own origin") {
  MemberTable t(8, "repo", "job-1");
  CHECK(t.capacity() == 8);
  CHECK(appended(t.append(file("a", 10))) == 0);
  CHECK(appended(t.append(file("b", 20))) == 1);
  CHECK(t.count() == 2);
  const Member& b = t.at(1);
  CHECK(b.source == "/repo/b");
  CHECK(b.path == "b");
  CHECK(b.size == 20);
  CHECK(b.group == "vm-1");
  CHECK(b.identity.ino == 99);
  CHECK(b.origin == 1);
  CHECK(b.attempt == 1);
  CHECK_FALSE(b.is_manifest);
  CHECK(b.open_state.load() == OpenState::pending);
  CHECK(b.outcome.load() == MemberOutcome::pending);

  // The header: the file's owner and mode, no hash (the manifest carries it).
  auto meta = t.meta(1);
  CHECK(meta.path == "b");
  CHECK(meta.size == 20);
  CHECK(meta.sha256_hex.empty());
  CHECK(meta.repository == "repo");
  CHECK(meta.job == "job-1");
  CHECK(meta.kind == "full");
  CHECK(meta.mode == 0600);
  CHECK(meta.uid == 1000);
  CHECK(meta.gid == 100);
}

TEST_CASE("member table: one retry per member, whoever asks first, and a full table is an error") {
  MemberTable t(3, "repo", "job-1");
  REQUIRE(t.append(file("a", 10)).ok());
  auto r = t.append_retry(0);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  const Member& retry = t.at(**r);
  CHECK(retry.path == "a");
  CHECK(retry.source == "/repo/a");
  CHECK(retry.origin == 0);
  CHECK(retry.attempt == 2);
  // The framer and the writer may both ask: the second gets nothing.
  auto again = t.append_retry(0);
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());
  // A retry of the retry is the third attempt of the same origin.
  auto third = t.append_retry(**r);
  REQUIRE(third.ok());
  REQUIRE(third->has_value());
  CHECK(t.at(**third).origin == 0);
  CHECK(t.at(**third).attempt == 3);

  auto full = t.append(file("b", 1));
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().code == Errc::internal);
  CHECK_THAT(full.error().message, Catch::Contains("3 entries is full"));
  CHECK(t.count() == 3);
  // Room for n files, their retries and manifests.
  CHECK(MemberTable::capacity_for(100) >= 2 * 100 + 2);
}

TEST_CASE("member table: a manifest comes before its lines could outgrow the manifest") {
  // Long paths, tiny files: the byte interval is never reached, the
  // manifest's size limit is.
  MemberTable t(4096, "repo", "job-1");
  const std::string dir(3000, 'd');
  std::size_t first_manifest = SIZE_MAX;
  for (int i = 0; i < 400 && first_manifest == SIZE_MAX; ++i) {
    REQUIRE(t.append(file(dir + "/f" + std::to_string(i), 1)).ok());
    for (std::size_t k = 0; k < t.count(); ++k)
      if (t.at(k).is_manifest) first_manifest = k;
  }
  REQUIRE(first_manifest != SIZE_MAX);
  const Member& m = t.at(first_manifest);
  CHECK(m.list_from == 0);
  CHECK(m.list_to == first_manifest);
  CHECK(m.path == format::manifest_member_name("job-1", 1));
  std::size_t lines = 0;
  for (std::size_t k = m.list_from; k < m.list_to; ++k) lines += format::manifest_line_length(t.at(k).path);
  CHECK(lines <= format::kMaxManifestBytes);
  // Listed no earlier than needed: the next longest line might not have fitted.
  CHECK(lines > format::kMaxManifestBytes / 2);
}

TEST_CASE("member table: outcomes have names for the job's report") {
  CHECK(std::string(member_outcome_name(MemberOutcome::ok)) == "ok");
  CHECK(std::string(member_outcome_name(MemberOutcome::changed)) == "changed while being copied");
  CHECK(std::string(member_outcome_name(MemberOutcome::read_error)) == "read error");
  CHECK(std::string(member_outcome_name(MemberOutcome::skipped)) == "skipped");
  CHECK(std::string(member_outcome_name(MemberOutcome::pending)) == "pending");
}

TEST_CASE("member table: waiting threads wake on new members, opens, the framer's progress and stop") {
  MemberTable t(16, "repo", "job-1");
  REQUIRE(t.append(file("a", 1)).ok());
  CHECK(t.framer_idle_at() == SIZE_MAX);

  // The framer drained at 1 member and waits for more: shown as idle at 1
  // until a retry arrives.
  std::thread framer([&] { t.framer_drained(1); });
  while (t.framer_idle_at() != 1) std::this_thread::yield();
  REQUIRE(t.append(file("b", 1)).ok());
  framer.join();
  CHECK(t.framer_idle_at() == SIZE_MAX);

  // The framer waits for member 1 to be opened.
  OpenState seen = OpenState::pending;
  std::thread waiter([&] { seen = t.wait_open(1); });
  t.at(1).open_state.store(OpenState::ready);
  t.notify_open();
  waiter.join();
  CHECK(seen == OpenState::ready);

  // The opener keeps within `ahead` members of the framer.
  bool released = false;
  std::thread opener([&] {
    t.wait_framer_near(5, 2);
    released = true;
  });
  t.set_framed(2);
  CHECK(t.framed() == 2);
  t.set_framed(4);  // 5 < 4 + 2
  opener.join();
  CHECK(released);

  // stop() releases every wait for good.
  std::thread stuck([&] {
    t.wait_for_members(100);
    (void)t.wait_open(0);  // member 0 never opens: stop ends the wait
  });
  t.stop();
  stuck.join();
  CHECK(t.stopped());
  CHECK(t.wait_open(0) == OpenState::pending);
}

namespace {
MemberInput numbered_file(std::size_t i) {
  std::string path = "vm-" + std::to_string(100 + i % 50) + "/vzdump-qemu-" + std::to_string(i) + ".vma.zst";
  return MemberInput{.source = "/srv/repository/" + path,
                     .path = path,
                     .size = 4096,
                     .mtime = 1,
                     .group = "qemu-" + std::to_string(100 + i % 50),
                     .kind = "full"};
}
}  // namespace

TEST_CASE("member chunks are allocated as members are appended") {
  constexpr std::size_t kFiles = 10000;
  MemberTable t(MemberTable::capacity_for(kFiles), "repo", "job");
  REQUIRE(t.capacity() >= 3 * kFiles);
  CHECK(t.allocated_members() == 0);
  for (std::size_t i = 0; i < kFiles; ++i) REQUIRE(t.append(numbered_file(i)).ok());
  REQUIRE(t.append_pending_manifest().ok());
  // Room for the members there are (rounded up to a chunk), not for three
  // attempts of each.
  CHECK(t.allocated_members() >= t.count());
  CHECK(t.allocated_members() < t.count() + 512);
  CHECK(t.allocated_members() < t.capacity() / 2);
  // Members in different chunks keep their fields.
  CHECK(t.at(0).path == "vm-100/vzdump-qemu-0.vma.zst");
  CHECK(t.at(kFiles - 1).path == numbered_file(kFiles - 1).path);
  CHECK(t.at(kFiles - 1).group == "qemu-149");
}

TEST_CASE("a member's text is stored once, its tar path inside its source path") {
  MemberTable t(64, "repo", "job");
  REQUIRE(t.append(numbered_file(7)).ok());
  REQUIRE(t.append(MemberInput{.source = "/elsewhere/x.vma", .path = "renamed/x.vma", .size = 1, .kind = "full"}).ok());
  const Member& a = t.at(0);
  CHECK(a.source == "/srv/repository/vm-107/vzdump-qemu-7.vma.zst");
  CHECK(a.path == "vm-107/vzdump-qemu-7.vma.zst");
  CHECK(a.path.data() == a.source.data() + a.source.size() - a.path.size());  // no copy of its own
  CHECK(a.source.data()[a.source.size()] == '\0');                             // open(2) takes it as is
  const Member& b = t.at(1);
  CHECK(b.path == "renamed/x.vma");  // not a tail of its source: its own copy
  CHECK(b.path.data()[b.path.size()] == '\0');
  // Consecutive members of one kind share that text.
  CHECK(b.kind.data() == a.kind.data());
  // A retry shares its original's text.
  auto r = t.append_retry(0);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK(t.at(**r).source.data() == a.source.data());
  CHECK(t.at(**r).attempt == 2);
}
