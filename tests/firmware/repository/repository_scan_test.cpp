#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/repository/repository_scan.hpp"
#include "firmware/format/tar_fixture.hpp"
#include "without_dac_override.hpp"

using namespace tg;
using namespace tg::firmware::repository;

TEST_CASE("vzdump names are grouped per VM and ordered by time") {
  auto a = classify_backup_file("dump/vzdump-qemu-100-2024_01_02-03_04_05.vma.zst");
  CHECK(a.group == "qemu-100");
  CHECK(a.kind == FileKind::full);
  CHECK(a.stamp == "2024_01_02-03_04_05");
  auto b = classify_backup_file("vzdump-lxc-7-2024_01_02-03_04_05.tar.lzo");
  CHECK(b.group == "lxc-7");
  CHECK(b.kind == FileKind::full);
  auto log = classify_backup_file("vzdump-qemu-100-2024_01_02-03_04_05.log");
  CHECK(log.group == "qemu-100");
  CHECK(log.kind == FileKind::metadata);
  // Not vzdump: wrong stamp, non-numeric vmid.
  CHECK(classify_backup_file("vzdump-qemu-abc-2024_01_02-03_04_05.vma").group.empty());
  CHECK(classify_backup_file("vzdump-qemu-100-2024-01-02.vma").group.empty());
}

TEST_CASE("veeam chains are grouped per folder and VM prefix") {
  auto f = classify_backup_file("Job1/Job1SRV01.vm-12D2024-01-31T220000_1A2B.vbk");
  CHECK(f.kind == FileKind::full);
  CHECK(f.group == "veeam:Job1/Job1SRV01.vm-12");
  auto i = classify_backup_file("Job1/Job1SRV01.vm-12D2024-02-01T220000_3C4D.vib");
  CHECK(i.kind == FileKind::incremental);
  CHECK(i.group == f.group);
  CHECK(i.stamp > f.stamp);
  CHECK(classify_backup_file("Job1/x.vrb").kind == FileKind::reverse_incremental);
  CHECK(classify_backup_file("Job1/Job1.vbm").kind == FileKind::metadata);
}

TEST_CASE("partial files are skipped") {
  CHECK(!skip_reason("vzdump-qemu-100-2024_01_02-03_04_05.vma.zst.tmp").empty());
  CHECK(!skip_reason("x.vbk.part").empty());
  CHECK(!skip_reason(".hidden").empty());
  CHECK(!skip_reason("vzdump-qemu-100-2024_01_02-03_04_05.vma.dat").empty());
  CHECK(skip_reason("vzdump-qemu-100-2024_01_02-03_04_05.vma.zst").empty());
}

TEST_CASE("scan orders chains contiguously, full before incrementals, then ungrouped files") {
  test::ScratchDir d("backup-repo");
  auto w = [&](const std::string& rel, std::size_t n) { test::write_file(d.path / rel, std::vector<std::uint8_t>(n, 1)); };
  w("pve/vzdump-qemu-101-2024_01_03-00_00_00.vma.zst", 10);
  w("pve/vzdump-qemu-100-2024_01_02-00_00_00.vma.zst", 20);
  w("pve/vzdump-qemu-100-2024_01_01-00_00_00.vma.zst", 30);
  w("pve/vzdump-qemu-100-2024_01_03-00_00_00.vma.zst.tmp", 5);
  w("veeam/Job/JobVMD2024-01-02T220000_AAAA.vib", 3);
  w("veeam/Job/JobVMD2024-01-01T220000_BBBB.vbk", 4);
  w("other/readme.txt", 1);
  w(".cache/x", 1);
  auto s = scan_repository(d.path);
  REQUIRE(s.ok());
  std::vector<std::string> order;
  for (auto& f : s->files) order.push_back(f.path);
  std::vector<std::string> want = {
      "pve/vzdump-qemu-100-2024_01_01-00_00_00.vma.zst", "pve/vzdump-qemu-100-2024_01_02-00_00_00.vma.zst",
      "pve/vzdump-qemu-101-2024_01_03-00_00_00.vma.zst", "veeam/Job/JobVMD2024-01-01T220000_BBBB.vbk",
      "veeam/Job/JobVMD2024-01-02T220000_AAAA.vib", "other/readme.txt"};
  CHECK(order == want);
  CHECK(s->group_count == 3);
  CHECK(s->total_bytes == 10 + 20 + 30 + 3 + 4 + 1);
  CHECK(s->skipped.size() == 2);  // the .tmp and the hidden directory
  CHECK(s->files[0].size == 30);
  CHECK(s->files[0].mtime > 0);
}

TEST_CASE("a missing repository is a clear error") {
  auto s = scan_repository("/nonexistent/tapegate-repo");
  REQUIRE(!s.ok());
  CHECK(s.error().code == Errc::not_found);
}

namespace {

std::string files_of(const RepositoryScan& s) {
  std::string out;
  for (auto& f : s.files) out += f.path + "\n";
  return out;
}

}  // namespace

TEST_CASE("an unreadable directory is a named failure and the scan goes on past it") {
  // The probe's case: 20 files, one subdirectory at mode 000. The old walk
  // ended at that directory and reported 7 files and no error.
  test::ScratchDir d("scan-unreadable");
  for (int i = 0; i < 7; ++i) test::write_file(d.path / ("a/f" + std::to_string(i)), {1});
  for (int i = 0; i < 6; ++i) test::write_file(d.path / ("b-locked/f" + std::to_string(i)), {2});
  for (int i = 0; i < 7; ++i) test::write_file(d.path / ("c/f" + std::to_string(i)), {3});
  std::filesystem::permissions(d.path / "b-locked", std::filesystem::perms::none);
  Result<RepositoryScan> s = make_error(Errc::internal, "not run");
  {
    test::WithoutDacOverride unprivileged;
    REQUIRE(test::WithoutDacOverride::cannot_list(d.path / "b-locked"));
    s = scan_repository(d.path);
  }
  std::filesystem::permissions(d.path / "b-locked", std::filesystem::perms::owner_all);
  REQUIRE(s.ok());
  INFO(files_of(*s));
  CHECK(s->files.size() == 14);
  CHECK(s->files.back().path == "c/f6");
  REQUIRE(s->unreadable.size() == 1);
  CHECK(s->unreadable[0].path == "b-locked");
  CHECK(s->unreadable[0].reason.find("Permission denied") != std::string::npos);
  CHECK(s->skipped.empty());
}

TEST_CASE("entries of a directory that can be listed but not searched are named failures") {
  // r-- without x: the names are readable, nothing about them is.
  test::ScratchDir d("scan-no-search");
  test::write_file(d.path / "dir/one", {1});
  test::write_file(d.path / "dir/two", {2});
  test::write_file(d.path / "z", {3});
  std::filesystem::permissions(d.path / "dir", std::filesystem::perms::owner_read);
  Result<RepositoryScan> s = make_error(Errc::internal, "not run");
  {
    test::WithoutDacOverride unprivileged;
    s = scan_repository(d.path);
  }
  std::filesystem::permissions(d.path / "dir", std::filesystem::perms::owner_all);
  REQUIRE(s.ok());
  REQUIRE(s->files.size() == 1);
  CHECK(s->files[0].path == "z");
  REQUIRE(s->unreadable.size() == 2);
  CHECK(s->unreadable[0].path == "dir/one");
  CHECK(s->unreadable[1].path == "dir/two");
  CHECK(s->unreadable[0].reason.find("cannot stat it") != std::string::npos);
}

TEST_CASE("symlinks are skipped under their own path, never followed") {
  test::ScratchDir d("scan-links");
  test::write_file(d.path / "outside/target.bin", {1});
  test::write_file(d.path / "repo/real/file.bin", {2});
  std::filesystem::create_symlink(d.path / "outside/target.bin", d.path / "repo/link.bin");
  std::filesystem::create_directory_symlink(d.path / "outside", d.path / "repo/real/dirlink");
  std::filesystem::create_symlink("nowhere", d.path / "repo/dangling");
  auto s = scan_repository(d.path / "repo");
  REQUIRE(s.ok());
  REQUIRE(s->files.size() == 1);
  CHECK(s->files[0].path == "real/file.bin");
  std::vector<std::string> skipped;
  for (auto& k : s->skipped) skipped.push_back(k.path + ": " + k.reason);
  CHECK(skipped == std::vector<std::string>{"dangling: symbolic link", "link.bin: symbolic link",
                                            "real/dirlink: symbolic link"});
  CHECK(s->unreadable.empty());
}

TEST_CASE("the scan records what lstat says about each file, for the copy to check") {
  test::ScratchDir d("scan-stat");
  test::write_file(d.path / "vm/disk.img", std::vector<std::uint8_t>(3000, 7));
  test::write_file(d.path / "vm/setuid-tool", {1});
  const auto disk = d.path / "vm/disk.img";
  REQUIRE(::chmod(disk.c_str(), 0640) == 0);
  REQUIRE(::chown(disk.c_str(), 1234, 5678) == 0);
  const struct timespec times[2] = {{.tv_sec = 1'700'000'000, .tv_nsec = 1}, {.tv_sec = 1'700'000'000, .tv_nsec = 123'456'789}};
  REQUIRE(::utimensat(AT_FDCWD, disk.c_str(), times, 0) == 0);
  REQUIRE(::chmod((d.path / "vm/setuid-tool").c_str(), 04755) == 0);
  std::filesystem::create_symlink(disk, d.path / "vm/link-to-disk.img");
  struct stat st {};
  REQUIRE(::lstat(disk.c_str(), &st) == 0);

  auto s = scan_repository(d.path);
  REQUIRE(s.ok());
  REQUIRE(s->files.size() == 2);   // the symlink is never an entry
  const BackupFileEntry& e = s->files[0];
  REQUIRE(e.path == "vm/disk.img");
  CHECK(e.absolute == disk);
  CHECK(e.device == static_cast<std::uint64_t>(st.st_dev));
  CHECK(e.inode == static_cast<std::uint64_t>(st.st_ino));
  CHECK(e.size == 3000);
  CHECK(e.mtime == 1'700'000'000);
  CHECK(e.mtime_ns == 1'700'000'000'123'456'789);
  CHECK(e.ctime_ns == std::int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec);
  CHECK(e.mode == 0640);
  CHECK(e.uid == 1234);
  CHECK(e.gid == 5678);
  CHECK(s->files[1].path == "vm/setuid-tool");
  CHECK(s->files[1].mode == 04755);
  CHECK(s->files[1].uid == ::geteuid());
  REQUIRE(s->skipped.size() == 1);
  CHECK(s->skipped[0].path == "vm/link-to-disk.img");
}
