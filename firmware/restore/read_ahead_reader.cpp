#include "firmware/restore/read_ahead_reader.hpp"

#include <algorithm>

namespace tg::firmware::restore {

using drivers::ReadKind;

Result<std::unique_ptr<ReadAheadReader>> ReadAheadReader::create(std::size_t slot_bytes, std::size_t ring_bytes) {
  if (slot_bytes == 0) return make_error(Errc::invalid_argument, "read-ahead slot size must not be zero");
  slot_bytes = (slot_bytes + 511) / 512 * 512;
  auto ring = TG_TRY(pipeline::BlockRing::create(slot_bytes, ring_bytes));
  return std::unique_ptr<ReadAheadReader>(new ReadAheadReader(std::move(ring)));
}

ReadAheadReader::ReadAheadReader(std::unique_ptr<pipeline::BlockRing> ring)
    : ring_(std::move(ring)), outcomes_(ring_->slot_count()) {
  drained_.reserve(ring_->slot_count());
  thread_ = std::thread([this] { thread_main(); });
}

ReadAheadReader::~ReadAheadReader() {
  discard();
  {
    std::lock_guard lk(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ReadAheadReader::thread_main() {
  std::unique_lock lk(mu_);
  for (;;) {
    cv_.wait(lk, [&] { return go_ || quit_; });
    if (quit_) return;
    go_ = false;
    running_ = true;
    TapeReader* tape = tape_;
    lk.unlock();
    fill(*tape);
    lk.lock();
    running_ = false;
    cv_.notify_all();
  }
}

// One block per slot until the ring is closed, or after end of data or an
// error: the drive must not move past those before the caller has seen them.
void ReadAheadReader::fill(TapeReader& tape) {
  for (;;) {
    const long i = ring_->acquire_free();
    if (i < 0) return;
    Outcome& o = outcomes_[static_cast<std::size_t>(i)];
    auto r = tape.read(ring_->slot(static_cast<std::size_t>(i)));
    bool last = true;
    if (r) {
      o.failed = false;
      o.status = *r;
      last = r->kind == ReadKind::end_of_data;
      // Counted before the slot is published: a caller that sees the count
      // may wait a moment for the slot, never miss it.
      if (r->kind == ReadKind::filemark) filemarks_queued_.fetch_add(1);
    } else {
      o.failed = true;
      o.status = {};
      o.error = std::move(r).error();
    }
    blocks_read_.fetch_add(1, std::memory_order_relaxed);
    ring_->publish(static_cast<std::size_t>(i));
    if (last) return;
  }
}

Error ReadAheadReader::not_attached() const {
  return make_error(Errc::internal, "read-ahead has no cartridge to read");
}

void ReadAheadReader::release_held() {
  if (held_ < 0) return;
  ring_->release(static_cast<std::size_t>(held_));
  held_ = -1;
}

Status ReadAheadReader::relocate() {
  relocate_ = false;
  const std::uint64_t block = *logical_;
  if (auto s = inner_->locate(block); !s) {
    logical_.reset();
    return std::move(s).error().with_context("LOCATE back to block " + std::to_string(block) +
                                             " after reading ahead");
  }
  return {};
}

Status ReadAheadReader::start() {
  if (relocate_) TG_CHECK(relocate());
  std::unique_lock lk(mu_);
  // A thread that stopped by itself after end of data or an error may
  // still be on its way back to idle.
  cv_.wait(lk, [&] { return !running_ && !go_; });
  ring_->reopen();
  filemarks_queued_ = 0;
  filemarks_taken_ = 0;
  go_ = true;
  reading_ = true;
  ++restarts_;
  lk.unlock();
  cv_.notify_all();
  return {};
}

void ReadAheadReader::stop() {
  ring_->close();
  {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return !running_ && !go_; });
  }
  // What was read ahead and not taken, in tape order.
  drained_.clear();
  for (long i; (i = ring_->acquire_full(false)) >= 0;) drained_.push_back(static_cast<std::uint32_t>(i));
  reading_ = false;
}

void ReadAheadReader::discard() {
  release_held();
  if (!reading_) return;
  stop();
  for (auto i : drained_) {
    const Outcome& o = outcomes_[i];
    if (o.failed || o.status.kind != ReadKind::end_of_data) relocate_ = true;
  }
  discarded_ += drained_.size();
}

void ReadAheadReader::attach(TapeReader* tape) {
  discard();
  {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return !running_ && !go_; });
    tape_ = tape;
  }
  inner_ = tape;
  name_ = tape ? tape->name() : "no cartridge";
  logical_.reset();
  relocate_ = false;
}

Result<BlockRead> ReadAheadReader::read_block(std::span<std::uint8_t> buf) {
  release_held();
  if (!inner_) return not_attached();
  if (!reading_) {
    if (!logical_ && !relocate_) {
      // After a SPACE or an error the position is learnt from the drive
      // (READ POSITION does not move the tape).
      if (auto p = inner_->position(); p) logical_ = *p;
    }
    // Without a position the count could not be kept: this block is read
    // directly, which is still exactly what the caller asked for.
    if (!logical_) return inner_->read_block(buf);
    TG_CHECK(start());
  }
  const long i = ring_->acquire_full(true);
  if (i < 0) return make_error(Errc::internal, "read-ahead ring closed while reading " + name_);
  const auto slot = static_cast<std::size_t>(i);
  const Outcome& o = outcomes_[slot];
  if (o.failed) {
    // The thread stopped after this block, so the drive is where a direct
    // read would have left it; where that is, it will say if asked.
    Error e = o.error;
    ring_->release(slot);
    reading_ = false;
    logical_.reset();
    return e;
  }
  BlockRead out{o.status, ring_->slot(slot).first(o.status.length)};
  switch (o.status.kind) {
    case ReadKind::end_of_data:   // the position stays; the thread has stopped
      ring_->release(slot);
      reading_ = false;
      return out;
    case ReadKind::filemark:
      ++filemarks_taken_;
      break;
    case ReadKind::data:
      if (out.bytes.size() > buf.size()) {
        out.status.truncated = true;
        out.status.block_length = std::max(out.status.block_length, out.status.length);
        out.status.length = buf.size();
        out.bytes = out.bytes.first(buf.size());
      }
      break;
  }
  ++*logical_;
  held_ = i;
  return out;
}

Result<drivers::ReadStatus> ReadAheadReader::read(std::span<std::uint8_t> buf) {
  auto b = TG_TRY(read_block(buf));
  if (!b.bytes.empty() && b.bytes.data() != buf.data()) std::copy(b.bytes.begin(), b.bytes.end(), buf.begin());
  release_held();
  return b.status;
}

Status ReadAheadReader::locate(std::uint64_t logical_object) {
  discard();
  if (!inner_) return not_attached();
  if (auto s = inner_->locate(logical_object); !s) {
    unmoved();
    return s;
  }
  relocate_ = false;
  logical_ = logical_object;
  return {};
}

Status ReadAheadReader::rewind() {
  discard();
  if (!inner_) return not_attached();
  if (auto s = inner_->rewind(); !s) {
    unmoved();
    return s;
  }
  relocate_ = false;
  logical_ = 0;
  return {};
}

// After a LOCATE or rewind that failed: taken as not having moved the tape
// (what the drive reports, or a tape model). With read-ahead discarded the
// caller's block is still known and the next read goes back to it; else
// the drive is asked where it is.
void ReadAheadReader::unmoved() {
  if (!relocate_) logical_.reset();
}

Result<std::uint64_t> ReadAheadReader::position() {
  release_held();
  if (!inner_) return not_attached();
  if (reading_ || relocate_) return *logical_;
  auto p = TG_TRY(inner_->position());
  logical_ = p;
  return p;
}

Result<drivers::SpaceStatus> ReadAheadReader::space(drivers::SpaceCode code, std::int32_t count) {
  using drivers::SpaceCode;
  release_held();
  if (!inner_) return not_attached();
  const bool forward_filemarks = code == SpaceCode::filemarks && count > 0;
  const auto wanted = static_cast<std::uint64_t>(forward_filemarks ? count : 0);

  // The filemarks are already in the ring: take them, keep reading ahead.
  if (reading_ && forward_filemarks && filemarks_queued_.load() >= filemarks_taken_ + wanted) {
    for (std::uint64_t left = wanted; left > 0;) {
      const long i = ring_->acquire_full(false);
      if (i < 0) return make_error(Errc::internal, "read-ahead ring closed while spacing on " + name_);
      // Only data blocks and filemarks come before a queued filemark: the
      // thread stops at end of data and at errors.
      if (outcomes_[static_cast<std::size_t>(i)].status.kind == ReadKind::filemark) {
        ++filemarks_taken_;
        --left;
      }
      ++*logical_;
      ring_->release(static_cast<std::size_t>(i));
    }
    return drivers::SpaceStatus{};
  }

  if (reading_) {
    stop();
    // Objects (blocks, filemarks) read ahead before any end of data or
    // error; where the wanted filemark was among them.
    std::uint64_t objects = 0, filemarks = 0;
    std::optional<std::uint64_t> end_of_space;
    bool failed = false;
    for (auto i : drained_) {
      const Outcome& o = outcomes_[i];
      if (o.failed) {
        failed = true;
        break;
      }
      if (o.status.kind == ReadKind::end_of_data) break;
      ++objects;
      if (o.status.kind == ReadKind::filemark && ++filemarks == wanted && !end_of_space) end_of_space = objects;
    }
    discarded_ += drained_.size();
    if (end_of_space) {
      // The thread read the wanted filemark after the check above.
      *logical_ += *end_of_space;
      relocate_ = objects > *end_of_space || failed;
      return drivers::SpaceStatus{};
    }
    if (forward_filemarks && !failed) {
      // Blocks and fewer filemarks than asked lie between the caller and
      // the drive: spacing the rest from the drive ends where spacing all
      // from the caller would, with the same residual and flags.
      logical_.reset();
      return inner_->space(code, count - static_cast<std::int32_t>(filemarks));
    }
    relocate_ = relocate_ || objects > 0 || failed;
  }
  // End of data is where it is, wherever the tape stands.
  if (code == SpaceCode::end_of_data) relocate_ = false;
  if (relocate_) TG_CHECK(relocate());
  logical_.reset();
  return inner_->space(code, count);
}

ReadAheadStats ReadAheadReader::stats() const {
  const pipeline::RingStats r = ring_->stats();
  ReadAheadStats s;
  s.blocks_read = blocks_read_.load();
  s.blocks_discarded = discarded_;
  s.restarts = restarts_;
  s.ring_full = r.framer_waits;
  s.caller_waits = r.writer_waits;
  s.caller_wait_seconds = static_cast<double>(r.writer_wait_ns) / 1e9;
  return s;
}

}  // namespace tg::firmware::restore
