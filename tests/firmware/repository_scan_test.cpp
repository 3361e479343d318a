#include <catch2/catch.hpp>

#include "firmware/repository/repository_scan.hpp"
#include "tar_fixture.hpp"

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
