#include "firmware/pipeline/tape_stream_writer.hpp"

#include <algorithm>
#include <cstring>

#include "firmware/format/pax_header.hpp"

namespace tg::firmware::pipeline {

TapeStreamWriter::TapeStreamWriter(const WriterConfig& cfg, MemberTable& table, BlockRing& ring, BlockSink& first,
                                   StreamEvents& events)
    : cfg_(cfg), table_(table), planner_(table), ring_(ring), sink_(&first), events_(events) {}

std::uint64_t TapeStreamWriter::block_end_stream_offset() const {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(tf_blocks_ * cfg_.block_size) - delta_);
}

static bool ignorable(const Member& m) { return CutPlanner::ignorable(m); }

CutPoint TapeStreamWriter::classify(std::uint64_t e) const { return planner_.classify(scan_, e); }

std::uint64_t TapeStreamWriter::next_boundary(std::uint64_t from) const { return planner_.next_boundary(scan_, from); }

std::uint64_t TapeStreamWriter::next_manifest_end(std::uint64_t from) const {
  return planner_.next_manifest_end(scan_, from);
}

Status TapeStreamWriter::open_tape_file_if_needed() {
  if (tf_open_) return {};
  TG_CHECK(events_.tape_file_started());
  tf_open_ = true;
  tf_blocks_ = 0;
  tf_stream_start_ = pos_;
  delta_ = static_cast<std::int64_t>(stage_fill_) - static_cast<std::int64_t>(pos_);
  ++stats_.tape_files;
  return {};
}

Status TapeStreamWriter::write_block(std::span<const std::uint8_t> block, bool staged) {
  auto r = sink_->write_block(block);
  if (!r) {
    if (r.error().code == Errc::volume_overflow) {
      // The block is not on tape. Keep its stream bytes to write them first
      // on the next cartridge (preamble bytes, if any, are regenerated).
      std::uint64_t e_prev = block_end_stream_offset();
      std::uint64_t s0 = e_prev > tf_stream_start_ ? e_prev : tf_stream_start_;
      std::size_t at = static_cast<std::size_t>(static_cast<std::int64_t>(s0) + delta_ -
                                                static_cast<std::int64_t>(tf_blocks_ * cfg_.block_size));
      std::size_t len = static_cast<std::size_t>(pos_ - s0);
      std::memcpy(hold_.data(), block.data() + at, len);
      hold_len_ = len;
      pos_ = s0;
      return on_overflow(r.error());
    }
    if (r.error().code == Errc::medium_error) return on_medium_error(r.error());
    return std::move(r).error();
  }
  ++stats_.blocks;
  ++tf_blocks_;
  if (staged) ++stats_.staged_blocks;
  volume_has_data_ = true;
  bytes_since_flush_ += block.size();
  if (r->early_warning && !early_warning_) {
    early_warning_ = true;
    ++stats_.early_warnings;
  }
  return after_block();
}

Status TapeStreamWriter::after_block() {
  // A closing block carries zeros after the stream's last byte.
  std::uint64_t e = std::min(block_end_stream_offset(), pos_);
  stats_.stream_bytes = e;
  std::size_t n = table_.framed();
  while (scan_ < n) {
    Member& m = table_.at(scan_);
    if (ignorable(m)) {
      ++scan_;
      continue;
    }
    if (m.preamble_offset >= e) break;
    if (!m.w_started) {
      m.w_started = true;
      m.w_piece_offset = 0;
      m.w_piece_header = static_cast<std::uint64_t>(static_cast<std::int64_t>(m.preamble_offset) + delta_);
      m.w_volume_index = 0;
      if (!m.is_manifest) TG_CHECK(events_.member_started(scan_));
    }
    if (m.end_offset > e) break;
    pending_flush_ = true;
    if (m.is_manifest) {
      ++stats_.manifests;
      ++scan_;
      continue;
    }
    std::uint64_t last = static_cast<std::uint64_t>(static_cast<std::int64_t>(m.data_offset + m.size) + delta_);
    PieceInfo p{.offset = m.w_piece_offset,
                .length = m.size - m.w_piece_offset,
                .header_offset = m.w_piece_header,
                .first_block = m.w_piece_header / cfg_.block_size,
                .end_block = (last + cfg_.block_size - 1) / cfg_.block_size,
                .volume_index = m.w_volume_index};
    TG_CHECK(events_.piece_written(scan_, p));
    TG_CHECK(events_.member_finished(scan_));
    data_done_ += m.size;
    ++members_done_;
    ++scan_;
  }
  maybe_progress(false);
  if (closing_) return {};  // the filemark that follows makes it durable
  if (early_warning_) {
    CutPoint cut = classify(e);
    if (cut.kind == Cut::in_data) return switch_volume(cut);
    // At a boundary with nothing staged: close with end-of-archive records.
    if (cut.kind == Cut::boundary && stage_fill_ == 0 && pos_ == e) return close_at_boundary();
    // Inside a header: write on to the next safe point (push() cuts there).
    if (!ew_write_on_) {
      ew_write_on_ = true;
      ++stats_.ew_in_header;
    }
  }
  // Sparse syncs (docs/tape-format.md): a flush stops the tape and costs a
  // backhitch, so only after sync_bytes or sync_interval, at a file's end.
  if (pending_flush_ && (bytes_since_flush_ >= cfg_.sync_bytes ||
                         std::chrono::steady_clock::now() - last_sync_ >= cfg_.sync_interval))
    TG_CHECK(flush());
  return {};
}

Status TapeStreamWriter::mark_durable() {
  last_sync_ = std::chrono::steady_clock::now();
  TG_CHECK(events_.durable(tf_blocks_));
  commit_ = scan_;
  return {};
}

Status TapeStreamWriter::flush() {
  if (!TG_TRY(write_filemarks(0))) return {};  // the cartridge was lost; retries follow
  bytes_since_flush_ = 0;
  pending_flush_ = false;
  return mark_durable();
}

// Closes the tape file at the current stream position, which is a member
// boundary: staged bytes, then two zero records (POSIX end-of-archive),
// zero padding to the block, one filemark.
Status TapeStreamWriter::close_at_boundary(bool end_of_stream) {
  if (!tf_open_) return {};
  std::uint64_t volumes = stats_.volumes;
  struct Closing {
    bool& f;
    ~Closing() { f = false; }
  } closing{closing_ = true};
  const std::size_t b = cfg_.block_size;
  bool zeros_fit = b - stage_fill_ >= format::kEndOfArchiveBytes;
  if (stage_fill_ > 0) {
    std::memset(stage_.data() + stage_fill_, 0, b - stage_fill_);
    stage_fill_ = 0;
    TG_CHECK(write_block({stage_.data(), b}, true));
    if (stats_.volumes != volumes) return {};  // overflow/medium error moved us on
  } else {
    zeros_fit = false;
  }
  if (!zeros_fit) {
    std::memset(stage_.data(), 0, b);
    auto r = sink_->write_block({stage_.data(), b});
    if (!r && r.error().code == Errc::medium_error) return on_medium_error(r.error());
    // VOLUME OVERFLOW here: the archive simply ends at a member boundary
    // without its zero records, which tar accepts; the filemark follows.
    if (!r && r.error().code != Errc::volume_overflow) return std::move(r).error();
    if (r) {
      ++stats_.blocks;
      ++tf_blocks_;
      if (r->early_warning && !early_warning_) {
        early_warning_ = true;
        ++stats_.early_warnings;
      }
    }
  }
  // The stream's last tape file, when the caller syncs after its own next
  // write: no stop here. Not at early warning: the cartridge change that
  // follows unloads, so the file must be committed before it.
  const bool defer = end_of_stream && !cfg_.sync_at_end && !early_warning_;
  if (!TG_TRY(write_filemarks(1, defer))) return {};
  bytes_since_flush_ = 0;
  pending_flush_ = false;
  if (defer && early_warning_) {
    // The buffered filemark itself reached early warning: sync after all.
    if (!TG_TRY(write_filemarks(0))) return {};
  } else if (defer) {
    stats_.unsynced_blocks = tf_blocks_;
    TG_CHECK(events_.tape_file_closed(tf_blocks_));
    tf_open_ = false;
    return {};
  }
  TG_CHECK(mark_durable());
  TG_CHECK(events_.tape_file_closed(tf_blocks_));
  tf_open_ = false;
  if (early_warning_) {
    ++stats_.cuts_at_boundary;
    return next_volume(VolumeEnd::full, nullptr);
  }
  return {};
}

// The one way onto the next cartridge: the job loads it, and the writer
// starts it with nothing written, no early warning, nothing to flush.
Status TapeStreamWriter::next_volume(VolumeEnd why, const Error* cause) {
  auto s = events_.next_volume(why, cause);
  if (!s) return std::move(s).error();
  sink_ = *s;
  ++stats_.volumes;
  early_warning_ = false;
  ew_write_on_ = false;
  volume_has_data_ = false;
  bytes_since_flush_ = 0;
  pending_flush_ = false;
  return {};
}

// WRITE FILEMARKS(count): count 0 is a flush. A medium error or overflow
// here loses the cartridge's unsynced data: everything uncommitted is
// written again elsewhere.
Result<bool> TapeStreamWriter::write_filemarks(std::uint32_t count, bool buffered) {
  auto r = buffered ? sink_->write_filemarks_buffered(count) : sink_->write_filemarks(count);
  if (!r) {
    if (r.error().code == Errc::medium_error || r.error().code == Errc::volume_overflow) {
      TG_CHECK(on_medium_error(r.error()));
      return false;
    }
    return std::move(r).error();
  }
  if (count == 0) ++stats_.flushes;
  else stats_.filemarks += count;
  if (r->early_warning && !early_warning_) {
    early_warning_ = true;
    ++stats_.early_warnings;
  }
  return true;
}

Status TapeStreamWriter::switch_volume(const CutPoint& cut) {
  ++(cut.kind == Cut::in_data ? stats_.cuts_in_data : stats_.cuts_at_boundary);
  if (cut.kind == Cut::in_data) {
    Member& m = table_.at(cut.member);
    if (cut.data_done > m.w_piece_offset) {
      PieceInfo p{.offset = m.w_piece_offset,
                  .length = cut.data_done - m.w_piece_offset,
                  .header_offset = m.w_piece_header,
                  .first_block = m.w_piece_header / cfg_.block_size,
                  .end_block = tf_blocks_,
                  .volume_index = m.w_volume_index};
      TG_CHECK(events_.piece_written(cut.member, p));
    }
  }
  if (!TG_TRY(write_filemarks(1))) return {};
  TG_CHECK(mark_durable());
  TG_CHECK(events_.tape_file_closed(tf_blocks_));
  tf_open_ = false;
  TG_CHECK(next_volume(VolumeEnd::full, nullptr));
  if (cut.kind == Cut::in_data) {
    Member& m = table_.at(cut.member);
    m.w_volume_index++;
    auto pre = format::encode_continuation_preamble(table_.meta(cut.member), cut.data_done, m.w_volume_index + 1,
                                                    stage_);
    if (!pre) return std::move(pre).error();
    stage_fill_ = *pre;
    TG_CHECK(open_tape_file_if_needed());
    m.w_piece_offset = cut.data_done;
    m.w_piece_header = 0;
  }
  return {};
}

Status TapeStreamWriter::on_overflow(const Error& e) {
  ++stats_.overflows;
  if (!volume_has_data_)
    return Error(Errc::volume_overflow,
                 "a " + std::to_string(cfg_.block_size) + "-byte block does not fit on an empty cartridge: " + e.message);
  CutPoint cut = classify(pos_);
  if (cut.kind == Cut::in_header) {
    // No clean cut: the member is written again whole on the next cartridge.
    Member& m = table_.at(cut.member);
    auto r = table_.append_retry(cut.member);
    if (!r) return std::move(r).error();
    m.w_abandoned = true;
    ++stats_.requeued;
    ++stats_.header_rewrites;
    if (!m.is_manifest)
      events_.member_requeued(cut.member, r->value_or(SIZE_MAX), "cartridge ended inside its header");
    skipping_ = true;
    cut = {};
  }
  stage_fill_ = 0;
  TG_CHECK(switch_volume(cut));
  std::size_t len = hold_len_;
  hold_len_ = 0;
  // hold_ is not touched again before this returns: only an overflow
  // writes it, and an overflow on a fresh cartridge is fatal.
  return push({hold_.data(), len});
}

void TapeStreamWriter::requeue_uncommitted(const char* why) {
  std::size_t n = table_.framed();
  std::size_t j = commit_;
  for (; j < n; ++j) {
    Member& m = table_.at(j);
    if (m.preamble_offset >= pos_ && m.outcome != MemberOutcome::skipped) break;
    if (ignorable(m)) continue;
    auto r = table_.append_retry(j);
    m.w_abandoned = true;
    if (m.is_manifest) continue;
    ++stats_.requeued;
    events_.member_requeued(j, r && r->has_value() ? **r : SIZE_MAX, why);
  }
  scan_ = commit_ = j;
}

Status TapeStreamWriter::on_medium_error(const Error& e) {
  ++stats_.medium_errors;
  requeue_uncommitted("medium error on its cartridge");
  stage_fill_ = 0;
  tf_open_ = false;
  TG_CHECK(next_volume(VolumeEnd::failed, &e));
  skipping_ = true;
  return {};
}

// Stages at most one block's worth and writes it when full; returns how many
// bytes it took. One block at a time, because a write may change what the
// rest of the bytes are (a medium error makes them bytes to skip).
Result<std::size_t> TapeStreamWriter::push_stage(std::span<const std::uint8_t> bytes) {
  const std::size_t b = cfg_.block_size;
  TG_CHECK(open_tape_file_if_needed());
  std::size_t n = std::min(bytes.size(), b - stage_fill_);
  std::memcpy(stage_.data() + stage_fill_, bytes.data(), n);
  stage_fill_ += n;
  pos_ += n;
  if (stage_fill_ == b) {
    stage_fill_ = 0;
    TG_CHECK(write_block({stage_.data(), b}, true));
  }
  return n;
}

Status TapeStreamWriter::push(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    if (skipping_) {
      std::uint64_t b = next_boundary(pos_);
      if (b == pos_) {
        skipping_ = false;
        continue;
      }
      std::size_t n = b - pos_ < bytes.size() ? static_cast<std::size_t>(b - pos_) : bytes.size();
      pos_ += n;
      bytes = bytes.subspan(n);
      continue;
    }
    std::size_t n = bytes.size();
    bool want_close = tf_open_ && (early_warning_ || tf_blocks_ * cfg_.block_size >= cfg_.tape_file_bytes);
    if (want_close) {
      // At early warning any member boundary will do; a tape file closed
      // for its size ends after a manifest, so it verifies on its own.
      std::uint64_t b = early_warning_ ? next_boundary(pos_) : next_manifest_end(pos_);
      if (b == pos_) {
        TG_CHECK(close_at_boundary());
        continue;
      }
      if (b - pos_ < n) n = static_cast<std::size_t>(b - pos_);
    }
    std::size_t took = TG_TRY(push_stage(bytes.first(n)));
    bytes = bytes.subspan(took);
  }
  return {};
}

Status TapeStreamWriter::stop_cleanly() {
  if (tf_open_) {
    stage_fill_ = 0;  // a partial block is not written: the tape file ends at the last whole block
    if (tf_blocks_ > 0 && classify(block_end_stream_offset()).kind == Cut::boundary) {
      std::memset(stage_.data(), 0, cfg_.block_size);
      auto r = sink_->write_block({stage_.data(), cfg_.block_size});
      if (r) ++tf_blocks_;
    }
    auto fm = sink_->write_filemarks(1);
    if (fm) {
      ++stats_.filemarks;
      TG_CHECK(mark_durable());
      TG_CHECK(events_.tape_file_closed(tf_blocks_));
    }
    tf_open_ = false;
    if (!fm) return std::move(fm).error().with_context("job cancelled; closing the tape file failed");
  }
  return make_error(Errc::cancelled, "job cancelled; the tape file was closed cleanly");
}

void TapeStreamWriter::maybe_progress(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_progress_ < cfg_.progress_interval) return;
  last_progress_ = now;
  RingStats rs = ring_.stats();
  if (rs.writer_waits != last_stall_count_) {
    last_stall_count_ = rs.writer_waits;
    last_stall_seen_ = now;
  }
  WriterProgress p{.stream_bytes = stats_.stream_bytes,
                   .data_bytes = data_done_,
                   .members_done = members_done_,
                   .blocks = stats_.blocks,
                   .stalls = rs.writer_waits,
                   .streaming = now - last_stall_seen_ > std::chrono::seconds(1),
                   .current_member = scan_};
  events_.progress(p);
}

Status TapeStreamWriter::run() {
  const std::size_t b = cfg_.block_size;
  if (ring_.slot_bytes() != b) return make_error(Errc::invalid_argument, "ring slot size differs from the block size");
  stage_.assign(b, 0);
  hold_.assign(b, 0);
  last_sync_ = std::chrono::steady_clock::now();
  auto fail = [&](Error e) -> Status {
    ring_.close();
    table_.stop();
    return e;
  };
  while (true) {
    if (events_.cancelled()) {
      Status s = stop_cleanly();
      ring_.close();
      table_.stop();
      return s;
    }
    long s = ring_.acquire_full(stats_.blocks > 0);
    if (s < 0) return fail(make_error(Errc::internal, "the framer stopped before the end of the stream"));
    std::size_t si = static_cast<std::size_t>(s);
    SlotInfo info = ring_.info(si);
    std::span<const std::uint8_t> bytes(ring_.slot(si).data(), info.length);
    Status st;
    bool direct = !skipping_ && !early_warning_ && stage_fill_ == 0 && info.length == b &&
                  !(tf_open_ && tf_blocks_ * b >= cfg_.tape_file_bytes);
    if (direct) {
      st = open_tape_file_if_needed();
      if (st) {
        pos_ += b;
        st = write_block(bytes, false);
      }
    } else {
      st = push(bytes);
    }
    ring_.release(si);
    if (!st) return fail(std::move(st).error());
    if (info.drain) {
      if (skipping_) skipping_ = false;  // a drain point is a member boundary
      // Not count() == framed(): after a medium error the framer may already
      // be framing the retries this thread appended, and they would be lost.
      auto ended = [&] { return table_.count() == info.members_at_drain; };
      if (ended()) {
        // End of stream: close the last tape file. A medium error here
        // requeues members; then the framer has more and we go on.
        Status c = close_at_boundary(true);
        while (c && tf_open_ && ended()) c = close_at_boundary(true);
        if (!c) return fail(std::move(c).error());
        if (ended()) {
          maybe_progress(true);
          table_.stop();
          ring_.close();
          return {};
        }
      }
    }
  }
}

}  // namespace tg::firmware::pipeline
