// Restore from tapes written by GNU tar (an independent writer): a
// multi-volume pax archive across three cartridges of an in-memory library,
// located through the positions a scan finds (cross-checked against
// `tar -R`), joined across cartridges and checked by SHA-256. Faults: an
// unreadable block, a corrupted data byte, an existing target file, a
// cartridge outside the library.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "firmware/format/sha256.hpp"
#include "firmware/restore/restore_job.hpp"
#include "firmware/restore/tape_file_scanner.hpp"
#include "memory_tape.hpp"
#include "firmware/format/tar_fixture.hpp"

using namespace tg::firmware;
using namespace tg::firmware::restore;
using tg::test::MemoryLibrary;
using tg::test::RecordingContext;
using tg::test::ScratchDir;

namespace {

constexpr std::size_t kBlock = 10240;   // GNU tar's record: volumes end on it

struct Fixture {
  ScratchDir dir{"restore"};
  std::map<std::string, std::vector<std::uint8_t>> originals;   // path -> bytes
  MemoryLibrary lib;
  std::vector<std::string> barcodes;
  RestorePlan plan;

  // Files: a 700 KB file that spans, small ones around it, an empty one,
  // a long path.
  Fixture() {
    auto src = dir.path / "src";
    originals["a/first.txt"] = tg::test::pseudo_random_bytes(1234, 10);
    originals["big/disk.img"] = tg::test::pseudo_random_bytes(700'000, 11);
    originals["b/empty"] = {};
    originals[std::string(120, 'x') + "/long.bin"] = tg::test::pseudo_random_bytes(30'000, 12);
    originals["c/last.bin"] = tg::test::pseudo_random_bytes(90'000, 13);
    std::string list;
    for (auto& [p, b] : originals) {
      tg::test::write_file(src / p, b);
      list += " '" + p + "'";
    }
    // 300 KiB volumes: the big file spans all three.
    REQUIRE(tg::test::run_in(src, "tar -c -M -L 300 --format=pax -f ../v1.tar -f ../v2.tar -f ../v3.tar" + list) == 0);
    tg::test::write_file(dir.path / "TAPEGATE.LABEL", {'x', '\n'});
    REQUIRE(tg::test::run_in(dir.path, "tar -c --format=pax -f label.tar TAPEGATE.LABEL") == 0);

    std::vector<std::uint8_t> buffer(kBlock);
    std::map<std::string, PlannedFile> files;
    for (int v = 1; v <= 3; ++v) {
      std::string barcode = "TP000" + std::to_string(v) + "L9";
      barcodes.push_back(barcode);
      auto& tape = lib.tapes[barcode];
      tape.append_file(tg::test::read_file(dir.path / "label.tar"), kBlock);
      auto vol = tg::test::read_file(dir.path / ("v" + std::to_string(v) + ".tar"));
      REQUIRE(vol.size() % kBlock == 0);
      std::uint64_t first = tape.append_file(vol, kBlock);
      REQUIRE(first == 2);
      tape.pos = first;
      auto scan = scan_tape_file(tape, buffer, 1, first);
      REQUIRE(scan.ok());
      REQUIRE_FALSE(scan->error);
      check_against_gnu_tar_listing(*scan, "v" + std::to_string(v) + ".tar");
      for (auto& m : scan->members) {
        auto path = m.entry.original_path();
        auto& pf = files[path];
        pf.file.path = path;
        pf.file.size = originals.at(path).size();
        pf.file.sha256 = tg::firmware::format::sha256_hex(originals.at(path));
        pf.file.on_tape = true;
        catalog::PieceLocation loc;
        loc.piece.offset = m.file_offset;
        loc.piece.length = m.length;
        loc.piece.first_block = m.first_block;
        loc.piece.end_block = m.end_block;
        loc.piece.header_offset = m.header_offset;
        loc.piece.volume_index = m.entry.continuation ? static_cast<std::uint32_t>(v) : 0;
        loc.cartridge = barcode;
        loc.media_set = "set-1";
        loc.sequence = static_cast<std::uint32_t>(v);
        loc.file_number = 1;
        loc.tape_file_first_block = first;
        pf.pieces.push_back(loc);
      }
    }
    plan.description = "test";
    for (auto& [p, f] : files) plan.files.push_back(f);
    REQUIRE(plan.files.size() == originals.size());
    // The spanning file really spans.
    for (auto& f : plan.files)
      if (f.file.path == "big/disk.img") REQUIRE(f.pieces.size() == 3);
  }

  // `tar -tR` prints the block of each member's ustar header.
  void check_against_gnu_tar_listing(const ScannedTapeFile& scan, const std::string& vol) {
    REQUIRE(tg::test::run_in(dir.path, "tar -tR -f " + vol + " > " + vol + ".lst 2>/dev/null; true") == 0);
    std::ifstream in(dir.path / (vol + ".lst"));
    std::string line;
    std::size_t i = 0;
    while (std::getline(in, line)) {
      if (line.find("** Block of NULs **") != std::string::npos) break;
      std::istringstream ls(line);
      std::string word, colon_block, name;
      ls >> word >> colon_block;
      std::getline(ls, name);
      name.erase(0, 1);
      REQUIRE(i < scan.members.size());
      CHECK(scan.members[i].entry.path == name);
      CHECK(scan.members[i].entry.header_offset == std::stoull(colon_block) * 512);
      ++i;
    }
    CHECK(i == scan.members.size());
  }

  std::filesystem::path target() const { return dir.path / "restored"; }
  void check_restored(const std::string& path) {
    INFO("restored file " << path);
    bool same = tg::test::read_file(target() / path) == originals.at(path);
    CHECK(same);
  }
};

std::size_t leftover_partials(const std::filesystem::path& root) {
  std::size_t n = 0;
  if (!std::filesystem::exists(root)) return 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(root))
    if (e.path().filename().string().find(".tapegate-partial") != std::string::npos) ++n;
  return n;
}

}  // namespace

TEST_CASE("restore joins a file spanned across three cartridges, byte-identical") {
  Fixture fx;
  RecordingContext ctx;
  auto report = run_restore(fx.plan, fx.lib, ctx, RestoreOptions{.target = fx.target()});
  REQUIRE(report.ok());
  INFO(report->summary());
  for (auto& f : report->failures) UNSCOPED_INFO(f.path << ": " << f.error);
  CHECK(report->ok());
  CHECK(report->exit_status() == 0);
  CHECK(report->files_ok == fx.originals.size());
  for (auto& [p, b] : fx.originals) fx.check_restored(p);
  // Each cartridge loaded once, in sequence order.
  CHECK(fx.lib.load_order == fx.barcodes);
  // Positioned by LOCATE: at most one per piece, never a read from block 0.
  std::uint64_t locates = 0;
  for (auto& [b, t] : fx.lib.tapes) locates += t.locates;
  std::size_t pieces = 0;
  for (auto& f : fx.plan.files) pieces += f.pieces.size();
  CHECK(locates <= pieces);
  CHECK(locates >= fx.barcodes.size());
  CHECK(leftover_partials(fx.target()) == 0);
  CHECK(ctx.progress_calls > 0);
}

TEST_CASE("an unreadable block fails only the file that lies there, named with its position") {
  Fixture fx;
  // A block of big/disk.img in the middle of cartridge 2's data.
  auto& t2 = fx.lib.tapes["TP0002L9"];
  t2.medium_error_at = 2 + 10;
  RecordingContext ctx;
  auto report = run_restore(fx.plan, fx.lib, ctx, RestoreOptions{.target = fx.target()});
  REQUIRE(report.ok());
  CHECK_FALSE(report->ok());
  CHECK(report->exit_status() != 0);
  REQUIRE(report->failures.size() == 1);
  CHECK(report->failures[0].path == "big/disk.img");
  CHECK(report->failures[0].error.find("cartridge TP0002L9 tape file 1 block 12") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(fx.target() / "big/disk.img"));
  for (auto& [p, b] : fx.originals)
    if (p != "big/disk.img") fx.check_restored(p);
  CHECK(leftover_partials(fx.target()) == 0);
  // Its remaining piece on cartridge 3 is skipped, the other files there are read.
  CHECK(fx.lib.load_order.back() == "TP0003L9");
}

TEST_CASE("a corrupted data byte is a checksum mismatch naming cartridge and tape file") {
  Fixture fx;
  // Find c/last.bin's piece and flip a byte inside its data.
  const catalog::PieceLocation* loc = nullptr;
  for (auto& f : fx.plan.files)
    if (f.file.path == "c/last.bin") loc = &f.pieces.front();
  REQUIRE(loc);
  auto& tape = fx.lib.tapes[loc->cartridge];
  std::uint64_t data_at = loc->piece.header_offset + 3 * 512 + 5000;   // x header, records, ustar, then data
  tape.objects[loc->tape_file_first_block + data_at / kBlock].bytes[data_at % kBlock] ^= 0xff;
  RecordingContext ctx;
  auto report = run_restore(fx.plan, fx.lib, ctx, RestoreOptions{.target = fx.target()});
  REQUIRE(report.ok());
  REQUIRE(report->failures.size() == 1);
  CHECK(report->failures[0].path == "c/last.bin");
  CHECK(report->failures[0].error.find("checksum mismatch") != std::string::npos);
  CHECK(report->failures[0].error.find(loc->cartridge + " tape file 1") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(fx.target() / "c/last.bin"));
  CHECK(report->files_ok == fx.originals.size() - 1);
  CHECK(leftover_partials(fx.target()) == 0);
}

TEST_CASE("an existing file is never overwritten unless asked") {
  Fixture fx;
  tg::test::write_file(fx.target() / "a/first.txt", {'m', 'i', 'n', 'e'});
  RecordingContext ctx;
  auto report = run_restore(fx.plan, fx.lib, ctx, RestoreOptions{.target = fx.target()});
  REQUIRE(report.ok());
  REQUIRE(report->failures.size() == 1);
  CHECK(report->failures[0].path == "a/first.txt");
  CHECK(report->failures[0].error.find("exists") != std::string::npos);
  CHECK(tg::test::read_file(fx.target() / "a/first.txt") == std::vector<std::uint8_t>{'m', 'i', 'n', 'e'});
  fx.check_restored("big/disk.img");

  auto again = run_restore(fx.plan, fx.lib, ctx, RestoreOptions{.target = fx.target(), .overwrite = true});
  REQUIRE(again.ok());
  CHECK(again->ok());
  fx.check_restored("a/first.txt");
}

TEST_CASE("a cartridge outside the library is asked for by barcode") {
  Fixture fx;
  fx.lib.outside.insert("TP0002L9");
  RecordingContext ctx;
  auto report = run_restore(fx.plan, fx.lib, ctx, RestoreOptions{.target = fx.target()});
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(fx.lib.operator_requests == std::vector<std::string>{"TP0002L9"});
  for (auto& [p, b] : fx.originals) fx.check_restored(p);

  SECTION("cancelled while waiting stops the job") {
    Fixture fx2;
    fx2.lib.outside.insert("TP0003L9");
    struct CancelOnAsk : RecordingContext {
      bool asked = false;
      bool cancelled() const override { return asked; }
      bool wait_for_operator(const std::string& r, std::chrono::milliseconds) override {
        requests.push_back(r);
        asked = true;
        return false;
      }
    } c;
    auto r = run_restore(fx2.plan, fx2.lib, c, RestoreOptions{.target = fx2.target()});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == tg::Errc::cancelled);
    CHECK(leftover_partials(fx2.target()) == 0);
  }
}

TEST_CASE("the catalog's position must match the tape") {
  Fixture fx;
  // Point c/last.bin's piece at another member's header.
  for (auto& f : fx.plan.files)
    if (f.file.path == "c/last.bin")
      for (auto& g : fx.plan.files)
        if (g.file.path == "a/first.txt") {
          f.pieces.front().piece.header_offset = g.pieces.front().piece.header_offset;
          f.pieces.front().piece.first_block = g.pieces.front().piece.first_block;
          f.pieces.front().cartridge = g.pieces.front().cartridge;
          f.pieces.front().sequence = g.pieces.front().sequence;
        }
  RecordingContext ctx;
  auto report = run_restore(fx.plan, fx.lib, ctx, RestoreOptions{.target = fx.target()});
  REQUIRE(report.ok());
  REQUIRE(report->failures.size() == 1);
  CHECK(report->failures[0].path == "c/last.bin");
  CHECK(report->failures[0].error.find("the tape holds 'a/first.txt'") != std::string::npos);
  fx.check_restored("a/first.txt");
}

TEST_CASE("order_work: cartridges in set order, pieces by position, gaps refused") {
  RestorePlan plan;
  auto loc = [](const std::string& cart, std::uint32_t seq, std::uint32_t file, std::uint64_t hdr, std::uint64_t off,
                std::uint64_t len) {
    catalog::PieceLocation l;
    l.cartridge = cart;
    l.media_set = "s";
    l.sequence = seq;
    l.file_number = file;
    l.piece.header_offset = hdr;
    l.piece.offset = off;
    l.piece.length = len;
    return l;
  };
  PlannedFile spanned;
  spanned.file.path = "big";
  spanned.file.size = 300;
  spanned.pieces = {loc("B", 2, 1, 0, 100, 100), loc("A", 1, 3, 5120, 0, 100), loc("C", 3, 1, 0, 200, 100)};
  std::sort(spanned.pieces.begin(), spanned.pieces.end(),
            [](auto& a, auto& b) { return a.piece.offset < b.piece.offset; });
  PlannedFile early;
  early.file.path = "early";
  early.file.size = 10;
  early.pieces = {loc("A", 1, 1, 512, 0, 10)};
  PlannedFile gap;
  gap.file.path = "gap";
  gap.file.size = 20;
  gap.pieces = {loc("A", 1, 2, 0, 0, 10)};   // 10 bytes missing
  plan.files = {spanned, early, gap};
  auto work = order_work(plan);
  REQUIRE(work.size() == 3);
  CHECK(work[0].barcode == "A");
  CHECK(work[1].barcode == "B");
  CHECK(work[2].barcode == "C");
  REQUIRE(work[0].tasks.size() == 2);
  CHECK(work[0].tasks[0].path == "early");      // tape file 1 before tape file 3
  CHECK(work[0].tasks[1].path == "big");
  REQUIRE(plan.unavailable.size() == 1);
  CHECK(plan.unavailable[0].first == "gap");
  CHECK(plan.files.size() == 2);
}

TEST_CASE("restored paths never leave the target directory") {
  CHECK(check_relative_path("a/b.txt").ok());
  CHECK_FALSE(check_relative_path("../etc/passwd").ok());
  CHECK_FALSE(check_relative_path("/etc/passwd").ok());
  CHECK_FALSE(check_relative_path("a//b").ok());
  CHECK_FALSE(check_relative_path("a/./b").ok());
  CHECK_FALSE(check_relative_path("a/..").ok());
  CHECK_FALSE(check_relative_path("").ok());
}

TEST_CASE("read-ahead and block-by-block restores report the same, fault for fault") {
  // Each fault on its own fixture, restored once through the read-ahead
  // ring (a small one, so it wraps) and once without it: the same files
  // restored, the same failures with the same messages (cartridge, tape
  // file, block).
  enum class Fault { none, unreadable, corrupted, small_buffer, cancelled };
  for (Fault fault : {Fault::none, Fault::unreadable, Fault::corrupted, Fault::small_buffer, Fault::cancelled}) {
    INFO("fault " << int(fault));
    std::vector<std::string> outcomes[2];
    std::uint64_t locates[2] = {0, 0};
    for (int ahead = 0; ahead < 2; ++ahead) {
      Fixture fx;
      RestoreOptions options{.target = fx.target(), .read_ahead_bytes = ahead ? 4 * kBlock : 0};
      if (fault == Fault::unreadable) fx.lib.tapes["TP0002L9"].medium_error_at = 2 + 10;
      if (fault == Fault::corrupted) fx.lib.tapes["TP0003L9"].objects[2 + 3].bytes[700] ^= 0x55;
      if (fault == Fault::small_buffer) options.block_buffer_bytes = 4096;
      // Cancelled part-way (the same block in both runs: the read-ahead
      // never asks the context): the job stops, the tape thread is joined,
      // nothing half-written is left.
      struct CancelLater : RecordingContext {
        mutable int checks = 0;
        int limit = 1 << 30;
        bool cancelled() const override { return ++checks > limit; }
      } ctx;
      if (fault == Fault::cancelled) ctx.limit = 60;
      auto report = run_restore(fx.plan, fx.lib, ctx, options);
      if (fault == Fault::cancelled) {
        REQUIRE_FALSE(report.ok());
        CHECK(report.error().code == tg::Errc::cancelled);
        outcomes[ahead].push_back(report.error().message);
      } else {
        REQUIRE(report.ok());
        outcomes[ahead].push_back(std::to_string(report->files_ok) + " ok");
        for (auto& f : report->failures) outcomes[ahead].push_back(f.path + ": " + f.error);
        if (ahead) {
          CHECK(report->read_ahead.blocks_read >= report->stats.blocks_read);
          CHECK(report->read_ahead.restarts >= 1);
        }
      }
      CHECK(leftover_partials(fx.target()) == 0);
      for (auto& [b, t] : fx.lib.tapes) locates[ahead] += t.locates;
      // The job left no thread behind: the tapes are ours to read again.
      auto& t1 = fx.lib.tapes["TP0001L9"];
      REQUIRE(t1.locate(0).ok());
      std::vector<std::uint8_t> buf(kBlock);
      CHECK(t1.read(buf).ok());
    }
    CHECK(outcomes[0] == outcomes[1]);
    CHECK(locates[0] == locates[1]);
    if (fault == Fault::small_buffer) {
      REQUIRE(outcomes[1].size() > 1);
      CHECK(outcomes[1][1].find("block of 10240 bytes is larger than the read buffer of 4096") != std::string::npos);
    }
  }
}
