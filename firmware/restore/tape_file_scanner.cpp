#include "firmware/restore/tape_file_scanner.hpp"

#include "firmware/format/sha256.hpp"

namespace tg::firmware::restore {
namespace {

class Lister final : public format::TarEvents {
 public:
  Lister(ScannedTapeFile& out, const ScanOptions& options) : out_(out), options_(options) {}
  std::uint64_t block_size = 0;
  std::uint64_t stream_pos = 0;   // tape-file offset of the end of the bytes fed so far

  Status on_entry(const format::TarEntry& e) override {
    ScannedMember m;
    m.entry = e;
    m.header_offset = e.preamble_offset;
    m.first_block = block_size ? e.preamble_offset / block_size : 0;
    m.file_offset = e.file_offset();
    capturing_ = !options_.capture_prefix.empty() && e.path.rfind(options_.capture_prefix, 0) == 0;
    out_.members.push_back(std::move(m));
    hash_.reset();
    return {};
  }
  Status on_data(std::span<const std::uint8_t> bytes) override {
    auto& m = out_.members.back();
    hash_.update(bytes);
    m.length += bytes.size();
    if (capturing_) {
      if (m.captured.size() + bytes.size() > options_.capture_limit) {
        return make_error(Errc::parse_error, "catalog copy '" + m.entry.path + "' is larger than " +
                                                 std::to_string(options_.capture_limit) + " bytes");
      }
      m.captured.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    return {};
  }
  Status on_entry_end() override {
    auto& m = out_.members.back();
    m.complete = true;
    close_member();
    return {};
  }
  // The tape file ended inside the last member's data.
  void cut() {
    if (!out_.members.empty() && !out_.members.back().complete && out_.members.back().data_sha256.empty()) close_member();
  }

 private:
  void close_member() {
    auto& m = out_.members.back();
    m.data_sha256 = hash_.finish_hex();
    const std::uint64_t data_end = m.entry.header_offset + format::kTarRecord + m.length;
    m.end_block = block_size ? (data_end + block_size - 1) / block_size : 0;
    capturing_ = false;
  }

  ScannedTapeFile& out_;
  const ScanOptions& options_;
  format::Sha256 hash_;
  bool capturing_ = false;
};

}  // namespace

Result<ScannedTapeFile> scan_tape_file(TapeReader& tape, std::span<std::uint8_t> buffer, std::uint32_t file_number,
                                       std::uint64_t first_block, const ScanOptions& options, JobContext* ctx) {
  ScannedTapeFile out;
  out.file_number = file_number;
  out.first_block = first_block;
  Lister lister(out, options);
  format::TarReader reader;
  bool failed = false;
  for (;;) {
    if (ctx && ctx->cancelled()) return make_error(Errc::cancelled, "cancelled while scanning tape file " + std::to_string(file_number));
    const std::uint64_t block = first_block + out.blocks;
    auto rb = tape.read_block(buffer);
    if (!rb) {
      // An unreadable block: the rest of this tape file cannot be trusted,
      // but what came before stands. Move on to the next tape file.
      out.error = std::move(rb).error().with_context("tape file " + std::to_string(file_number) + " block " + std::to_string(block));
      auto sp = tape.space(drivers::SpaceCode::filemarks, 1);
      if (!sp) return std::move(sp).error().with_context("cannot space past the damaged tape file " + std::to_string(file_number));
      break;
    }
    const drivers::ReadStatus* r = &rb->status;
    if (r->kind == drivers::ReadKind::filemark) break;
    if (r->kind == drivers::ReadKind::end_of_data) {
      out.end_of_data = true;
      break;
    }
    if (r->truncated) {
      out.error = make_error(Errc::unsupported, "tape file " + std::to_string(file_number) + " block " +
                                                    std::to_string(block) + " is larger than the buffer of " +
                                                    std::to_string(buffer.size()) + " bytes");
      TG_TRY(tape.space(drivers::SpaceCode::filemarks, 1));
      break;
    }
    if (out.blocks == 0) {
      out.block_size = static_cast<std::uint32_t>(r->length);
      lister.block_size = r->length;
    }
    ++out.blocks;
    if (failed) continue;   // read on to the filemark
    if (auto s = reader.feed(rb->bytes, lister); !s) {
      out.error = make_error(Errc::parse_error, "tape file " + std::to_string(file_number) + " block " +
                                                    std::to_string(block) + ": " + s.error().message);
      failed = true;
    }
  }
  out.end = reader.finish();
  lister.cut();
  return out;
}

}  // namespace tg::firmware::restore
