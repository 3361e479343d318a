// One restored file: created beneath the target's directory descriptor,
// given the mode and owner of its tape header before the rename (so it
// never appears under its name with other permissions), never written
// through a link planted at its temporary name.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <algorithm>

#include "firmware/format/sha256.hpp"
#include "firmware/restore/restored_file.hpp"
#include "firmware/format/tar_fixture.hpp"
#include "firmware/restore/file_stat_fixture.hpp"

using namespace tg;
using namespace tg::firmware::restore;
namespace fs = std::filesystem;

namespace {

using test::stat_of;
using Stat = test::FileStat;

struct Target {
  test::ScratchDir dir{"restored-file"};
  std::unique_ptr<TargetDirectory> target;
  Target() {
    auto t = TargetDirectory::open(dir.path / "to");
    REQUIRE(t.ok());
    target = std::move(*t);
  }
  fs::path to() const { return dir.path / "to"; }

  // Restores `bytes` as `path` and returns what the file's temporary copy
  // looked like just before commit.
  Stat restore(const std::string& path, const std::vector<std::uint8_t>& bytes,
               std::optional<FileAttributes> attributes, bool restore_owner, bool overwrite = false) {
    auto f = RestoredFile::create(RestoredFileSpec{.target = target.get(),
                                                   .path = path,
                                                   .size = bytes.size(),
                                                   .mtime = 1'600'000'000,
                                                   .sha256 = firmware::format::sha256_hex(bytes),
                                                   .overwrite = overwrite,
                                                   .attributes = attributes,
                                                   .restore_owner = restore_owner});
    if (!f) FAIL(f.error().message);
    REQUIRE(f->write(0, bytes).ok());
    Stat before = stat_of(f->temp_path());
    auto c = f->commit();
    if (!c) FAIL(c.error().message);
    return before;
  }
};

}  // namespace

TEST_CASE("a 0600 file of uid 1234 restores 0600 uid 1234, and is 0600 while written") {
  Target t;
  Stat during = t.restore("home/secret.key", {1, 2, 3}, FileAttributes{.mode = 0600, .uid = 1234, .gid = 2345}, true);
  CHECK(during.mode == 0600);
  CHECK(during.uid == ::geteuid());
  Stat s = stat_of(t.to() / "home/secret.key");
  CHECK(s.mode == 0600);
  CHECK(s.uid == 1234);
  CHECK(s.gid == 2345);
  CHECK(s.mtime == 1'600'000'000);
}

TEST_CASE("a wide mode is restored as it is, not cut by the umask") {
  Target t;
  mode_t old = ::umask(077);
  t.restore("shared.txt", {4}, FileAttributes{.mode = 0664, .uid = 0, .gid = 0}, true);
  ::umask(old);
  CHECK(stat_of(t.to() / "shared.txt").mode == 0664);
}

TEST_CASE("setuid and setgid stay only when the owner is restored too") {
  Target t;
  const FileAttributes tool{.mode = 06755, .uid = 1234, .gid = 1234};
  t.restore("bin/with-owner", {5}, tool, true);
  Stat owned = stat_of(t.to() / "bin/with-owner");
  CHECK(owned.mode == 06755);
  CHECK(owned.uid == 1234);

  // Not restoring owners: the restoring user owns it, so no set-id bit.
  t.restore("bin/without-owner", {5}, tool, false);
  Stat mine = stat_of(t.to() / "bin/without-owner");
  CHECK(mine.mode == 0755);
  CHECK(mine.uid == ::geteuid());
  CHECK(restored_mode(04755, false) == 0755);
  CHECK(restored_mode(02755, false) == 0755);
  CHECK(restored_mode(01777, false) == 01777);
  CHECK(restored_mode(0100644, true) == 0644);   // only permission bits
}

TEST_CASE("without attributes from tape a file is 0644 less the umask, as before") {
  Target t;
  mode_t old = ::umask(022);
  t.restore("catalog-only.bin", {6}, std::nullopt, true);
  ::umask(old);
  Stat s = stat_of(t.to() / "catalog-only.bin");
  CHECK(s.mode == 0644);
  CHECK(s.uid == ::geteuid());
}

TEST_CASE("a link planted at the temporary name is replaced, not written through") {
  Target t;
  test::write_file(t.dir.path / "victim", {'o', 'k'});
  fs::create_directories(t.to() / "d");
  fs::create_hard_link(t.dir.path / "victim", t.to() / "d/.x.tapegate-partial");
  fs::create_symlink(t.dir.path / "victim", t.to() / "d/.y.tapegate-partial");
  t.restore("d/x", {9, 9, 9}, FileAttributes{}, false);
  t.restore("d/y", {8, 8}, FileAttributes{}, false);
  CHECK(test::read_file(t.dir.path / "victim") == std::vector<std::uint8_t>{'o', 'k'});
  CHECK(test::read_file(t.to() / "d/x") == std::vector<std::uint8_t>{9, 9, 9});
  CHECK(test::read_file(t.to() / "d/y") == std::vector<std::uint8_t>{8, 8});
}

TEST_CASE("a symlink at the final name is replaced with --overwrite, its target untouched") {
  Target t;
  test::write_file(t.dir.path / "victim", {'o', 'k'});
  fs::create_symlink(t.dir.path / "victim", t.to() / "name");
  auto refused = RestoredFile::create(RestoredFileSpec{.target = t.target.get(), .path = "name", .size = 1});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("exists; not overwritten") != std::string::npos);
  t.restore("name", {7}, FileAttributes{}, false, true);
  CHECK(fs::is_regular_file(fs::symlink_status(t.to() / "name")));
  CHECK(test::read_file(t.dir.path / "victim") == std::vector<std::uint8_t>{'o', 'k'});
}

namespace {

struct Step {
  DurabilityStep step;
  std::uint64_t offset, length;
};
std::vector<Step> g_steps;
void record_step(DurabilityStep s, std::uint64_t offset, std::uint64_t length) { g_steps.push_back({s, offset, length}); }

struct ObserverGuard {
  ObserverGuard() {
    g_steps.clear();
    set_durability_observer_for_tests(record_step);
  }
  ~ObserverGuard() { set_durability_observer_for_tests(nullptr); }
};

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 131 + (i >> 12));
  return v;
}

// Writes `bytes` in 256 KiB pieces, as blocks arrive from tape.
Status write_in_blocks(RestoredFile& f, const std::vector<std::uint8_t>& bytes) {
  constexpr std::size_t kBlock = 256 << 10;
  for (std::size_t at = 0; at < bytes.size(); at += kBlock) {
    auto piece = std::span<const std::uint8_t>(bytes).subspan(at, std::min(kBlock, bytes.size() - at));
    TG_CHECK(f.write(at, piece));
  }
  return {};
}

}  // namespace

TEST_CASE("a large file is written back while it is written, then fsynced, renamed, its directory fsynced") {
  Target t;
  ObserverGuard guard;
  // 5 windows and a bit: writeback started for each window, waits behind.
  const auto bytes = pattern(static_cast<std::size_t>(5 * kWritebackWindowBytes + 300'000));
  auto f = RestoredFile::create(RestoredFileSpec{.target = t.target.get(),
                                                 .path = "vm/disk.img",
                                                 .size = bytes.size(),
                                                 .sha256 = firmware::format::sha256_hex(bytes),
                                                 .attributes = FileAttributes{}});
  REQUIRE(f.ok());
  REQUIRE(write_in_blocks(*f, bytes).ok());
  // Nothing is durable under the final name before commit.
  CHECK_FALSE(fs::exists(t.to() / "vm/disk.img"));
  REQUIRE(f->commit().ok());

  std::vector<DurabilityStep> order;
  std::uint64_t started_to = 0;
  for (const Step& s : g_steps) {
    if (order.empty() || order.back() != s.step) order.push_back(s.step);
    if (s.step == DurabilityStep::writeback_started) {
      CHECK(s.offset == started_to);
      started_to = s.offset + s.length;
    }
  }
  CHECK(started_to == 5 * kWritebackWindowBytes);
  // Starts and waits interleave while writing; then, in this order, the
  // data's fsync (all of it), the rename, the directory's fsync.
  REQUIRE(order.size() >= 4);
  CHECK(order.front() == DurabilityStep::writeback_started);
  const std::vector<DurabilityStep> tail(order.end() - 3, order.end());
  CHECK(tail == std::vector<DurabilityStep>{DurabilityStep::file_synced, DurabilityStep::renamed,
                                            DurabilityStep::directory_synced});
  CHECK(std::count(order.begin(), order.end(), DurabilityStep::writeback_waited) >= 1);
  auto synced = std::find_if(g_steps.begin(), g_steps.end(),
                             [](const Step& s) { return s.step == DurabilityStep::file_synced; });
  CHECK(synced->length == bytes.size());
  CHECK(test::read_file(t.to() / "vm/disk.img") == bytes);
}

TEST_CASE("a checksum mismatch after writeback leaves no file and never fsyncs or renames") {
  Target t;
  ObserverGuard guard;
  auto bytes = pattern(static_cast<std::size_t>(3 * kWritebackWindowBytes));
  const std::string recorded = firmware::format::sha256_hex(bytes);
  bytes[bytes.size() / 2] ^= 0x01;   // what the tape gave differs by one bit
  auto f = RestoredFile::create(RestoredFileSpec{
      .target = t.target.get(), .path = "bad.img", .size = bytes.size(), .sha256 = recorded});
  REQUIRE(f.ok());
  const fs::path temp = f->temp_path();
  REQUIRE(write_in_blocks(*f, bytes).ok());
  CHECK(fs::exists(temp));
  auto c = f->commit();
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == Errc::data_integrity);
  CHECK(c.error().message.find("checksum mismatch") != std::string::npos);
  CHECK_FALSE(fs::exists(t.to() / "bad.img"));
  CHECK_FALSE(fs::exists(temp));
  for (const Step& s : g_steps) {
    CHECK(s.step != DurabilityStep::file_synced);
    CHECK(s.step != DurabilityStep::renamed);
  }
  CHECK_FALSE(g_steps.empty());   // its writeback had been started
}
