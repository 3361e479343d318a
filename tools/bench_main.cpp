// tapegate_bench: one measurement per run, printed as `key=value` words on
// one line so tools/bench can tabulate several runs side by side.
//
//   tapegate_bench pipeline --board SPEC --state DIR --repo DIR [--block BYTES] [--ring MIB] [--bursty]
//       a full backup job (scan, open, framing, hashing, ring, writer,
//       catalog commits, job catalog copy) of every file in --repo
//   tapegate_bench raw --board SPEC --state DIR --bytes N [--block BYTES]
//       the drive's ceiling: the same number of blocks of the same size
//       written from one buffer in a loop, no pipeline, no disk, no hash
//   tapegate_bench restore --board SPEC --state DIR [--target DIR] [--read-ahead MIB]
//       after a pipeline run on the same --state (board and catalog): its
//       newest backup job restored into --target (default DIR/restore) by
//       the restore job (read-ahead, parse, hash, write, fsync, rename),
//       against a bare READ loop over the same tape files and blocks;
//       backhitches= counts the simulated drive's, both runs together (a
//       restore that falls behind a throttled drive stops its tape)
//
// --bursty drops the page cache of every other repository file first, so
// the source alternates between disk speed and memory speed.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "board/board.hpp"
#include "board/sim/sim_library.hpp"
#include "firmware/backup/backup_job.hpp"
#include "firmware/catalog/catalog.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "firmware/pools/cartridge_mount.hpp"
#include "firmware/restore/restore_bench.hpp"
#include "tools/rss_kib.hpp"

using namespace tg;
namespace fs = std::filesystem;

namespace {

using tools::rss_kib;

class BenchJob final : public firmware::JobContext {
 public:
  bool cancelled() const override { return false; }
  void progress(const firmware::ProgressSnapshot&) override {}
  void log(firmware::LogLevel level, const std::string& t) override {
    if (level >= firmware::LogLevel::warning) std::fprintf(stderr, "bench: %s\n", t.c_str());
  }
  bool wait_for_operator(const std::string& r, std::chrono::milliseconds) override {
    std::fprintf(stderr, "bench: operator needed: %s\n", r.c_str());
    return false;
  }
};

struct Args {
  std::string mode, board, state, repo, target;
  std::uint32_t block = 256 * 1024;
  std::size_t ring_mib = 64;
  std::size_t read_ahead_mib = firmware::restore::kDefaultReadAheadBytes >> 20;
  std::uint64_t bytes = 0;
  bool bursty = false;
};

int fail(const std::string& what) {
  std::fprintf(stderr, "tapegate_bench: %s\n", what.c_str());
  return 1;
}

void drop_cache_every_other(const fs::path& repo) {
  std::vector<fs::path> files;
  for (auto& e : fs::recursive_directory_iterator(repo))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (std::size_t i = 1; i < files.size(); i += 2) {
    int fd = ::open(files[i].c_str(), O_RDONLY);
    if (fd < 0) continue;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

std::uint64_t backhitches(board::Board& b) {
  auto* sim = b.simulated_library();
  if (!sim) return 0;
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < sim->drive_count(); ++i) n += sim->drive_stats(i).backhitches;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (argc < 2) return fail("usage: tapegate_bench pipeline|raw|restore --board SPEC --state DIR ...");
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (k == "--board") a.board = val();
    else if (k == "--state") a.state = val();
    else if (k == "--repo") a.repo = val();
    else if (k == "--block") a.block = static_cast<std::uint32_t>(std::stoul(val()));
    else if (k == "--ring") a.ring_mib = std::stoul(val());
    else if (k == "--bytes") a.bytes = std::stoull(val());
    else if (k == "--bursty") a.bursty = true;
    else if (k == "--target") a.target = val();
    else if (k == "--read-ahead") a.read_ahead_mib = std::stoul(val());
    else return fail("unknown option " + k);
  }
  // The state root, as `tapegate --state` opens it: the harness then reads
  // the same simulated cartridges and catalog a `tapegate backup` wrote.
  auto b = board::open_board(a.board, fs::path(a.state));
  if (!b) return fail("board: " + b.error().message);
  auto& board = **b;
  auto cat = firmware::catalog::Catalog::open(fs::path(a.state) / "catalog.sqlite", hal::system_clock());
  if (!cat) return fail("catalog: " + cat.error().message);
  firmware::library::DriveReservations drives(board.library());
  BenchJob job;

  if (a.mode == "raw") {
    auto lease = drives.reserve("bench raw");
    if (!lease) return fail(lease.error().message);
    auto inv = board.library().changer->inventory();
    // The first command after power-on reports UNIT ATTENTION 29/00.
    if (!inv && inv.error().code == Errc::unit_attention) inv = board.library().changer->inventory();
    if (!inv) return fail(inv.error().message);
    std::string barcode;
    for (auto* e : inv->of_type(drivers::ElementType::storage))
      if (e->full && !e->barcode.empty()) {
        barcode = e->barcode;
        break;
      }
    if (barcode.empty()) return fail("no cartridge in a storage slot");
    if (auto s = firmware::library::load_cartridge(board.library(), *lease, barcode); !s) return fail(s.error().message);
    auto& d = lease->drive();
    if (auto s = d.rewind(); !s) return fail(s.error().message);
    (void)d.set_block_size(0);
    std::vector<std::uint8_t> block(a.block);
    std::mt19937_64 rng(1);
    for (auto& x : block) x = static_cast<std::uint8_t>(rng());
    std::uint64_t n = (a.bytes + a.block - 1) / a.block;
    auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < n; ++i) {
      block[i % a.block] ^= 1;  // not all blocks identical
      auto w = d.write(block);
      if (!w) return fail("raw write " + std::to_string(i) + ": " + w.error().message);
    }
    auto fm = d.write_filemarks(1);
    if (!fm) return fail(fm.error().message);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("mode=raw bytes=%llu seconds=%.3f MBps=%.1f backhitches=%llu peak_rss_mb=%.1f\n",
                static_cast<unsigned long long>(n * a.block), s, static_cast<double>(n * a.block) / s / 1e6,
                static_cast<unsigned long long>(backhitches(board)), rss_kib("VmHWM:") / 1024.0);
    (void)firmware::library::unload_cartridge(board.library(), *lease);
    return 0;
  }
  if (a.mode == "restore") {
    auto jobs = (*cat)->list_jobs();
    if (!jobs) return fail("catalog: " + jobs.error().message);
    auto job_it = std::find_if(jobs->begin(), jobs->end(), [](const firmware::catalog::Job& j) {
      return j.kind == firmware::catalog::JobKind::backup && j.state == firmware::catalog::JobState::done;
    });
    if (job_it == jobs->end()) return fail("no finished backup job in the catalog: run the pipeline mode on this --state first");
    auto plan = firmware::restore::plan_restore(
        **cat, firmware::restore::Selection{.kind = firmware::restore::SelectionKind::job, .value = job_it->uuid});
    if (!plan) return fail("plan: " + plan.error().message);
    const fs::path target = a.target.empty() ? fs::path(a.state) / "restore" : fs::path(a.target);
    firmware::restore::LibraryCartridges source(drives, {.owner = "bench restore"});
    long rss_before = rss_kib("VmRSS:");
    auto r = firmware::restore::bench_restore(*plan, source, job, target, hal::system_clock(), a.read_ahead_mib << 20);
    if (!r) return fail("restore: " + r.error().message);
    long hwm = rss_kib("VmHWM:");
    std::error_code ec;
    fs::remove_all(target, ec);
    std::printf(
        "mode=restore bytes=%llu seconds=%.3f MBps=%.1f raw_bytes=%llu raw_seconds=%.3f raw_MBps=%.1f "
        "ratio=%.2f block=%zu files_failed=%llu ring_full=%llu caller_waits=%llu discarded=%llu "
        "peak_rss_mb=%.1f rss_before_job_mb=%.1f read_ahead_mb=%zu backhitches=%llu\n",
        static_cast<unsigned long long>(r->restore_bytes), r->restore_seconds, r->restore_mb_per_s(),
        static_cast<unsigned long long>(r->raw_bytes), r->raw_seconds, r->raw_mb_per_s(),
        r->raw_mb_per_s() > 0 ? r->restore_mb_per_s() / r->raw_mb_per_s() : 0.0, r->block_bytes,
        static_cast<unsigned long long>(r->files_failed), static_cast<unsigned long long>(r->read_ahead.ring_full),
        static_cast<unsigned long long>(r->read_ahead.caller_waits),
        static_cast<unsigned long long>(r->read_ahead.blocks_discarded), hwm / 1024.0, rss_before / 1024.0,
        a.read_ahead_mib, static_cast<unsigned long long>(backhitches(board)));
    return r->files_failed == 0 ? 0 : 1;
  }
  if (a.mode != "pipeline") return fail("mode must be pipeline, raw or restore");

  if (auto s = (*cat)->create_pool({.name = "bench"}); !s) return fail(s.error().message);
  auto labels = firmware::pools::read_labels(**cat, drives, true);
  if (!labels) return fail("read labels: " + labels.error().message);
  if (a.bursty) drop_cache_every_other(a.repo);
  long rss_before = rss_kib("VmRSS:");
  firmware::backup::BackupRequest req{.repository = "bench",
                                      .root = a.repo,
                                      .pool = "bench",
                                      .only_new = false,
                                      .block_size = a.block,
                                      .ring_bytes = a.ring_mib << 20};
  auto r = firmware::backup::run_backup(req, board.library(), drives, **cat, job, hal::system_clock());
  if (!r) return fail("backup: " + r.error().message);
  long hwm = rss_kib("VmHWM:");
  std::printf(
      "mode=pipeline bytes=%llu seconds=%.3f MBps=%.1f stalls=%llu stalled_s=%.3f backhitches=%llu "
      "peak_rss_mb=%.1f rss_before_job_mb=%.1f ring_mb=%zu files=%llu cartridges=%zu\n",
      static_cast<unsigned long long>(r->bytes_written), r->seconds, r->average_bytes_per_s / 1e6,
      static_cast<unsigned long long>(r->drive_stalls), r->stalled_seconds,
      static_cast<unsigned long long>(backhitches(board)), hwm / 1024.0, rss_before / 1024.0, a.ring_mib,
      static_cast<unsigned long long>(r->files_written), r->cartridges.size());
  return 0;
}
