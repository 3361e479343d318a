// The member table's memory follows the members appended, not the capacity
// reserved for retries, and a member's strings cost their bytes once.
#include <catch2/catch.hpp>

#include <string>

#include "firmware/pipeline/member_table.hpp"

using namespace tg::firmware::pipeline;

namespace {
MemberInput file(std::size_t i) {
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
  for (std::size_t i = 0; i < kFiles; ++i) REQUIRE(t.append(file(i)).ok());
  REQUIRE(t.append_pending_manifest().ok());
  // Room for the members there are (rounded up to a chunk), not for three
  // attempts of each.
  CHECK(t.allocated_members() >= t.count());
  CHECK(t.allocated_members() < t.count() + 512);
  CHECK(t.allocated_members() < t.capacity() / 2);
  // Members in different chunks keep their fields.
  CHECK(t.at(0).path == "vm-100/vzdump-qemu-0.vma.zst");
  CHECK(t.at(kFiles - 1).path == file(kFiles - 1).path);
  CHECK(t.at(kFiles - 1).group == "qemu-149");
}

TEST_CASE("a member's text is stored once, its tar path inside its source path") {
  MemberTable t(64, "repo", "job");
  REQUIRE(t.append(file(7)).ok());
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
