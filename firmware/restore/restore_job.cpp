#include "firmware/restore/restore_job.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>

#include "firmware/format/tape_limits.hpp"

namespace tg::firmware::restore {
namespace {

// The block buffer holds the largest block of any cartridge of the plan.
// The sizes come from labels (through the catalog): one above what a drive
// can transfer is refused here, before it sizes an allocation.
Result<std::size_t> buffer_size(const std::vector<CartridgeWork>& work, std::size_t requested) {
  if (requested) return requested;
  std::size_t n = 0;
  for (auto& w : work) {
    TG_CHECK(format::check_tape_bound("cartridge " + w.barcode, "label block size", w.block_size,
                                      format::kMaxTapeBlockBytes, "the SSC variable block limit"));
    n = std::max<std::size_t>(n, w.block_size);
  }
  return n ? n : (1u << 20);
}

std::string why(const CartridgeWork& w) {
  return "media set " + w.media_set + ", sequence " + std::to_string(w.sequence) + ", " +
         std::to_string(w.tasks.size()) + " pieces";
}

// Runs the ordered work through one source, one streamer and one
// read-ahead ring (all allocated here, once per job).
Status run_work(std::vector<CartridgeWork>& work, CartridgeSource& source, JobContext& ctx, FileAssembler& assembler,
                std::span<std::uint8_t> buffer, std::size_t read_ahead_bytes, const StreamerOptions& sopts,
                RunReport& report, std::set<std::string>* read_ok = nullptr) {
  PieceStreamer streamer(buffer, sopts);
  // Destroyed (its thread joined) before this returns, on every path.
  std::unique_ptr<ReadAheadReader> ahead;
  if (read_ahead_bytes) {
    auto created = TG_TRY(ReadAheadReader::create(buffer.size(), read_ahead_bytes));
    ahead = std::move(created);
  }
  for (auto& w : work) {
    if (ctx.cancelled()) return make_error(Errc::cancelled, "cancelled before cartridge " + w.barcode);
    // Skip cartridges whose every piece belongs to files that already failed.
    if (std::none_of(w.tasks.begin(), w.tasks.end(), [&](const PieceTask& t) { return assembler.wanted(t.owner); })) continue;
    // No READ may be in flight when the changer moves the cartridge.
    if (ahead) ahead->detach();
    auto tape = source.mount(w.barcode, why(w), ctx);
    if (!tape) {
      if (tape.error().code == Errc::cancelled) return std::move(tape).error();
      for (auto& t : w.tasks) assembler.fail(t.owner, "cartridge " + w.barcode + ": " + tape.error().message);
      continue;
    }
    report.cartridges.push_back(w.barcode);
    assembler.set_phase("reading", w.barcode);
    ctx.log(LogLevel::info, "reading " + std::to_string(w.tasks.size()) + " pieces from cartridge " + w.barcode);
    TapeReader* reader = *tape;
    if (ahead) {
      ahead->attach(*tape);
      reader = ahead.get();
    }
    TG_CHECK(streamer.run(*reader, w.barcode, w.tasks, assembler, &ctx));
    if (read_ok) read_ok->insert(w.barcode);
  }
  report.stats = streamer.stats();
  if (ahead) {
    ahead->detach();
    report.read_ahead = ahead->stats();
  }
  return source.release();
}

void fill_report(RunReport& report, const FileAssembler& assembler, const RestorePlan& plan) {
  report.description = plan.description;
  report.files_ok = assembler.files_ok();
  report.files_failed = assembler.files_failed() + plan.unavailable.size();
  for (auto& o : assembler.outcomes())
    if (!o.ok) report.failures.push_back(o);
  for (auto& [path, reason] : plan.unavailable) report.failures.push_back(FileOutcome{.path = path, .error = reason});
  for (auto& o : assembler.outcomes())
    if (o.ok) report.bytes += o.size;
}

}  // namespace

std::string RunReport::summary() const {
  std::string s = description + ": " + std::to_string(files_ok) + " files ok (" + std::to_string(bytes) + " bytes), " +
                  std::to_string(files_failed) + " failed, " + std::to_string(cartridges.size()) + " cartridges, " +
                  std::to_string(stats.locates) + " locates";
  if (!failures.empty()) s += "; first failure: " + failures.front().path + ": " + failures.front().error;
  for (const auto& d : directory_failures) s += "; directory " + d.path + ": " + d.error;
  return s;
}

Result<RunReport> run_restore(RestorePlan plan, CartridgeSource& source, JobContext& ctx,
                              const RestoreOptions& options) {
  auto target = TG_TRY(TargetDirectory::open(options.target));
  auto work = order_work(plan);
  const bool owners = options.restore_owners.value_or(::geteuid() == 0);
  FileAssembler assembler(
      plan, AssemblerOptions{.target = target.get(), .overwrite = options.overwrite, .restore_owners = owners}, ctx);
  // Refuse what cannot be written before any cartridge moves.
  std::set<std::string> paths;
  for (std::size_t i = 0; i < plan.files.size(); ++i) {
    const auto& path = plan.files[i].file.path;
    if (auto s = check_relative_path(path); !s) {
      assembler.fail(i, s.error().message);
      continue;
    }
    if (!paths.insert(path).second) {
      assembler.fail(i, "the selection holds two copies of this path; restore them one at a time");
      continue;
    }
    // Looked up beneath the target without following a symlink: one in
    // the way fails the file now, whether or not it may be overwritten.
    auto exists = target->exists(path);
    if (!exists) {
      assembler.fail(i, exists.error().message);
    } else if (*exists && !options.overwrite) {
      assembler.fail(i, target->full_path(path).string() + " exists; not overwritten (use --overwrite)");
    }
  }
  std::vector<std::uint8_t> buffer(TG_TRY(buffer_size(work, options.block_buffer_bytes)));   // with the ring: the allocations
  RunReport report;
  Status ran = run_work(work, source, ctx, assembler, buffer, options.read_ahead_bytes, options.streamer, report);
  // Also after a cancel: the directories made so far get their final mode.
  for (auto& d : target->finish()) {
    ctx.log(LogLevel::error, "directory " + d.path + ": " + d.reason);
    report.directory_failures.push_back(FileOutcome{.path = d.path, .error = d.reason});
  }
  TG_CHECK(std::move(ran));
  assembler.finish_all();
  fill_report(report, assembler, plan);
  ctx.log(report.ok() ? LogLevel::notice : LogLevel::error, "restore " + report.summary());
  return report;
}

Result<RunReport> run_verify(catalog::Catalog& cat, RestorePlan plan, CartridgeSource& source, JobContext& ctx,
                             const VerifyOptions& options) {
  auto work = order_work(plan);
  FileAssembler assembler(plan, AssemblerOptions{}, ctx);
  std::vector<std::uint8_t> buffer(TG_TRY(buffer_size(work, options.block_buffer_bytes)));
  RunReport report;
  std::set<std::string> read;
  TG_CHECK(run_work(work, source, ctx, assembler, buffer, options.read_ahead_bytes, options.streamer, report, &read));
  assembler.finish_all();
  fill_report(report, assembler, plan);

  // One verification record per cartridge of the plan.
  for (auto& w : work) {
    catalog::Verification v;
    v.cartridge = w.barcode;
    v.job = options.job;
    v.time = cat.clock().wall_seconds();
    std::set<std::size_t> owners;
    for (auto& t : w.tasks) owners.insert(t.owner);
    std::string first_failure;
    for (auto o : owners) {
      const auto& out = assembler.outcomes()[o];
      if (out.ok) {
        ++v.files_checked;
        v.bytes_checked += out.size;
      } else if (first_failure.empty()) {
        first_failure = out.path + ": " + out.error;
      }
    }
    v.ok = first_failure.empty() && read.count(w.barcode);
    v.detail = v.ok ? std::to_string(v.files_checked) + " files, " + std::to_string(v.bytes_checked) + " bytes ok"
                    : (first_failure.empty() ? "cartridge could not be read" : first_failure);
    TG_TRY(cat.record_verification(v));
  }
  ctx.log(report.ok() ? LogLevel::notice : LogLevel::error, "verify " + report.summary());
  return report;
}

}  // namespace tg::firmware::restore
