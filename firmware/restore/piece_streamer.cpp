#include "firmware/restore/piece_streamer.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace tg::firmware::restore {
namespace {

std::string where(const std::string& barcode, std::uint32_t file_number, std::uint64_t block) {
  return "cartridge " + barcode + " tape file " + std::to_string(file_number) + " block " + std::to_string(block);
}

// The tar events of one run: routes a member's data to the piece whose
// header sits at that member's offset, ignores every other member.
class Dispatch final : public format::TarEvents {
 public:
  Dispatch(std::span<const PieceTask> tasks, std::vector<std::uint8_t>& state, PieceHandler& handler,
           StreamerStats& stats)
      : tasks_(tasks), state_(state), handler_(handler), stats_(stats) {}

  enum : std::uint8_t { pending = 0, done = 1, failed = 2 };

  // Where the reader's offset 0 is in the tape file, and which tape file.
  std::uint64_t stream_base = 0;
  std::uint32_t file_number = 0;
  std::string barcode;
  std::uint64_t current_block = 0;   // absolute block being fed, for messages
  std::optional<std::size_t> active;
  std::uint64_t active_done = 0;
  std::optional<std::size_t> target;   // the piece the run is positioned for

  void index(std::uint32_t file) {
    by_offset_.clear();
    for (std::size_t i = 0; i < tasks_.size(); ++i)
      if (tasks_[i].file_number == file) by_offset_.emplace(tasks_[i].header_offset, i);
  }

  void fail(std::size_t i, Error e) {
    if (state_[i] != pending) return;
    state_[i] = failed;
    if (active == i) active.reset();
    handler_.piece_failed(tasks_[i], e);
  }

  Status on_entry(const format::TarEntry& e) override {
    const std::uint64_t abs = stream_base + e.preamble_offset;
    if (target && state_[*target] == pending && !active && abs > tasks_[*target].header_offset) {
      fail(*target, make_error(Errc::data_integrity, where(barcode, file_number, current_block) +
                                                         ": no tar member of '" + tasks_[*target].path +
                                                         "' starts at byte " +
                                                         std::to_string(tasks_[*target].header_offset) +
                                                         " of the tape file"));
    }
    // Normally one piece per header; a damaged catalog may name the same
    // offset for two files: the one the tape agrees with wins.
    auto [lo, hi] = by_offset_.equal_range(abs);
    for (auto it = lo; it != hi; ++it) {
      const std::size_t i = it->second;
      if (state_[i] != pending || !handler_.wanted(tasks_[i].owner)) continue;
      if (auto why = disagreement(tasks_[i], e); !why.empty()) {
        fail(i, mismatch(i, abs, e, why));
        continue;
      }
      if (active) {
        fail(i, mismatch(i, abs, e, "the member there is read for another file of this restore"));
        continue;
      }
      if (auto s = handler_.begin_piece(tasks_[i], e); !s) {
        fail(i, std::move(s).error());
        continue;
      }
      active = i;
      active_done = 0;
      if (tasks_[i].length == 0) finish_active();
    }
    return {};
  }

  // Why the member at a piece's offset is not that piece ("" if it is).
  static std::string disagreement(const PieceTask& t, const format::TarEntry& e) {
    if (e.original_path() != t.path) return "the tape holds '" + e.original_path() + "'";
    if (e.file_offset() != t.offset || (t.volume_index > 0) != e.continuation.has_value())
      return "on tape it starts at file offset " + std::to_string(e.file_offset()) + ", the catalog says " +
             std::to_string(t.offset);
    if (e.size < t.length)
      return "member '" + e.path + "' holds " + std::to_string(e.size) + " bytes, the catalog expects a piece of " +
             std::to_string(t.length);
    return "";
  }

  Error mismatch(std::size_t i, std::uint64_t abs, const format::TarEntry&, const std::string& why) const {
    return make_error(Errc::data_integrity, where(barcode, file_number, current_block) + ": the catalog expects '" +
                                                tasks_[i].path + "' at byte " + std::to_string(abs) +
                                                " of the tape file; " + why);
  }

  Status on_data(std::span<const std::uint8_t> bytes) override {
    if (!active) return {};
    const PieceTask& t = tasks_[*active];
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), t.length - active_done));
    if (auto s = handler_.data(t.owner, t.offset + active_done, bytes.first(n)); !s) {
      fail(*active, std::move(s).error());
      return {};
    }
    active_done += n;
    stats_.piece_bytes += n;
    if (active_done == t.length) finish_active();
    return {};
  }

  Status on_entry_end() override {
    if (active) {
      fail(*active, make_error(Errc::data_integrity, where(barcode, file_number, current_block) + ": member '" +
                                                         tasks_[*active].path + "' ended after " +
                                                         std::to_string(active_done) + " bytes of the piece"));
    }
    return {};
  }

 private:
  void finish_active() {
    state_[*active] = done;
    handler_.piece_done(tasks_[*active]);
    active.reset();
  }

  std::span<const PieceTask> tasks_;
  std::vector<std::uint8_t>& state_;
  PieceHandler& handler_;
  StreamerStats& stats_;
  std::multimap<std::uint64_t, std::size_t> by_offset_;
};

}  // namespace

void sort_for_tape(std::vector<PieceTask>& tasks) {
  std::stable_sort(tasks.begin(), tasks.end(), [](const PieceTask& a, const PieceTask& b) {
    return a.file_number != b.file_number ? a.file_number < b.file_number : a.header_offset < b.header_offset;
  });
}

PieceStreamer::PieceStreamer(std::span<std::uint8_t> block_buffer, StreamerOptions options)
    : buffer_(block_buffer), options_(options) {}

Status PieceStreamer::run(TapeReader& tape, const std::string& barcode, std::span<const PieceTask> tasks,
                          PieceHandler& handler, JobContext* ctx) {
  std::vector<std::uint8_t> state(tasks.size(), Dispatch::pending);
  Dispatch dispatch(tasks, state, handler, stats_);
  dispatch.barcode = barcode;
  format::TarReader reader;

  // Where the tape is, when it is known to be inside a tape file in step
  // with the reader: the tape file, the next block to read, the block size.
  bool in_step = false;
  std::uint32_t file_number = 0;
  std::uint64_t next_block = 0;   // within the tape file

  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const PieceTask& t = tasks[i];
    if (state[i] != Dispatch::pending) continue;
    if (!handler.wanted(t.owner)) {
      state[i] = Dispatch::failed;
      continue;
    }
    if (ctx && ctx->cancelled()) return make_error(Errc::cancelled, "cancelled while reading cartridge " + barcode);

    const std::uint64_t fed_to = dispatch.stream_base + reader.offset();
    // The piece may already be under way: its header came in the block
    // that finished the previous piece.
    const bool under_way = in_step && dispatch.active == i;
    bool locate = !under_way && (!in_step || file_number != t.file_number || reader.at_end_of_archive() ||
                                 fed_to > t.header_offset || t.header_offset - fed_to > options_.max_read_through);
    std::optional<std::uint64_t> skip;   // bytes to skip in the first block after a LOCATE
    if (locate) {
      const std::uint64_t target = t.tape_file_first_block + t.first_block;
      if (auto s = tape.locate(target); !s) {
        dispatch.fail(i, std::move(s).error().with_context(where(barcode, t.file_number, target) +
                                                             ": LOCATE failed"));
        in_step = false;
        continue;
      }
      ++stats_.locates;
      in_step = true;
      file_number = t.file_number;
      next_block = t.first_block;
      reader.reset();
      dispatch.active.reset();
      dispatch.file_number = t.file_number;
      dispatch.index(t.file_number);
      skip = 0;
    }

    dispatch.target = i;
    while (state[i] == Dispatch::pending) {
      if (ctx && ctx->cancelled()) return make_error(Errc::cancelled, "cancelled while reading cartridge " + barcode);
      const std::uint64_t abs_block = t.tape_file_first_block + next_block;
      dispatch.current_block = abs_block;
      auto rb = tape.read_block(buffer_);
      if (!rb) {
        Error e = std::move(rb).error().with_context(where(barcode, file_number, abs_block) + " (while reading '" +
                                                     t.path + "')");
        if (dispatch.active && *dispatch.active != i) dispatch.fail(*dispatch.active, e);
        dispatch.fail(i, e);
        in_step = false;
        break;
      }
      const drivers::ReadStatus* r = &rb->status;
      if (r->kind != drivers::ReadKind::data) {
        dispatch.fail(i, make_error(Errc::data_integrity,
                                    where(barcode, file_number, abs_block) + ": " +
                                        (r->kind == drivers::ReadKind::filemark ? "filemark" : "end of data") +
                                        " before the piece of '" + t.path + "' was complete"));
        in_step = false;
        break;
      }
      if (r->truncated) {
        dispatch.fail(i, make_error(Errc::unsupported, where(barcode, file_number, abs_block) + ": block of " +
                                                           std::to_string(r->block_length) +
                                                           " bytes is larger than the read buffer of " +
                                                           std::to_string(buffer_.size())));
        in_step = false;
        break;
      }
      ++stats_.blocks_read;
      stats_.bytes_read += r->length;
      auto block = rb->bytes;
      if (skip) {
        // First block after LOCATE: every block of a tape file has the
        // label's block size (tape-format.md, "Blocks"), so the header is
        // header_offset - first_block * block size bytes into it.
        const std::uint64_t block_len = r->length;
        const std::uint64_t block_start = t.first_block * block_len;
        if (t.header_offset < block_start || t.header_offset - block_start >= block_len) {
          dispatch.fail(i, make_error(Errc::data_integrity,
                                      where(barcode, file_number, abs_block) + ": the catalog puts the header of '" +
                                          t.path + "' at byte " + std::to_string(t.header_offset) +
                                          ", outside this block of " + std::to_string(block_len) + " bytes"));
          in_step = false;
          break;
        }
        *skip = t.header_offset - block_start;
        dispatch.stream_base = t.header_offset;
        block = block.subspan(static_cast<std::size_t>(*skip));
        skip.reset();
      }
      ++next_block;
      if (auto s = reader.feed(block, dispatch); !s) {
        Error e = make_error(Errc::parse_error, where(barcode, file_number, abs_block) + ": " + s.error().message);
        if (dispatch.active && *dispatch.active != i) dispatch.fail(*dispatch.active, e);
        dispatch.fail(i, e);
        in_step = false;
        break;
      }
      if (state[i] == Dispatch::pending && reader.at_end_of_archive()) {
        dispatch.fail(i, make_error(Errc::data_integrity, where(barcode, file_number, abs_block) +
                                                              ": the tar archive ended before '" + t.path + "'"));
        in_step = false;
        break;
      }
    }
  }
  return {};
}

}  // namespace tg::firmware::restore
