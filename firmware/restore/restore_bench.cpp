#include "firmware/restore/restore_bench.hpp"

#include <chrono>
#include <set>

#include "firmware/restore/restore_job.hpp"

namespace tg::firmware::restore {

Result<RestoreBenchResult> bench_restore(const RestorePlan& plan, CartridgeSource& source, JobContext& ctx,
                                         const std::filesystem::path& target, hal::Clock& clock,
                                         std::size_t read_ahead_bytes) {
  RestoreBenchResult out;
  RestorePlan copy = plan;
  auto work = order_work(copy);
  for (auto& w : work) out.block_bytes = std::max<std::size_t>(out.block_bytes, w.block_size);
  std::vector<std::uint8_t> buffer(std::max<std::size_t>(out.block_bytes, 1u << 20));

  // Raw: every tape file the plan touches, LOCATE to its first piece, READ
  // to the filemark, nothing else.
  auto t0 = clock.now();
  for (auto& w : work) {
    auto* tape = TG_TRY(source.mount(w.barcode, "restore benchmark", ctx));
    std::set<std::uint32_t> done;
    for (auto& t : w.tasks) {
      if (!done.insert(t.file_number).second) continue;
      TG_CHECK(tape->locate(t.tape_file_first_block + t.first_block));
      for (;;) {
        auto r = TG_TRY(tape->read(buffer));
        if (r.kind != drivers::ReadKind::data) break;
        out.raw_bytes += r.length;
      }
    }
  }
  TG_CHECK(source.release());
  out.raw_seconds = std::chrono::duration<double>(clock.now() - t0).count();

  std::error_code ec;
  std::filesystem::remove_all(target, ec);
  auto t1 = clock.now();
  auto rep = TG_TRY(run_restore(plan, source, ctx,
                                RestoreOptions{.target = target, .overwrite = true, .read_ahead_bytes = read_ahead_bytes}));
  out.restore_seconds = std::chrono::duration<double>(clock.now() - t1).count();
  out.restore_bytes = rep.bytes;
  out.files_failed = rep.files_failed;
  out.read_ahead = rep.read_ahead;
  return out;
}

}  // namespace tg::firmware::restore
