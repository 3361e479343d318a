#include "firmware/pipeline/backup_stream.hpp"

namespace tg::firmware::pipeline {

Result<StreamResult> run_backup_stream(const StreamConfig& cfg, MemberTable& table, BlockSink& first,
                                       StreamEvents& events) {
  const std::size_t b = cfg.writer.block_size;
  if (b % format::kRecordSize != 0 || b < format::kMaxPreambleBytes)
    return make_error(Errc::invalid_argument, "tape block size " + std::to_string(b) +
                                                  " must be a multiple of 512 and at least 16 KiB");
  auto ring = TG_TRY(BlockRing::create(b, cfg.ring_bytes, /*hash_stage=*/true));
  SourceOpener opener(table, cfg.open_ahead);
  TarFramer framer(table, *ring);
  StreamHasher hasher(table, *ring);
  TapeStreamWriter writer(cfg.writer, table, *ring, first, events);
  opener.start();
  framer.start();
  hasher.start();
  Status st = writer.run();
  // The writer stops the table and closes the ring on every exit path.
  table.stop();
  ring->close();
  framer.join();
  hasher.join();
  opener.join();  // after the framer: closes the files it never took
  if (!st) {
    if (framer.error()) return Error(*framer.error());
    if (hasher.error()) return Error(*hasher.error());
    return std::move(st).error();
  }
  return StreamResult{.writer = writer.stats(),
                      .framer = framer.stats(),
                      .hasher = hasher.stats(),
                      .opener = opener.stats(),
                      .ring = ring->stats(),
                      .ring_slots = ring->slot_count()};
}

}  // namespace tg::firmware::pipeline
