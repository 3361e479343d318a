#include "firmware/restore/tape_dump.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace tg::firmware::restore {
namespace {

Status write_all(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(Errc::io_error, std::string("cannot write the dump: ") + std::strerror(errno));
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

Result<DumpStats> dump_tape_file(TapeReader& tape, std::uint32_t file_number, std::optional<std::uint64_t> first_block,
                                 int fd, std::span<std::uint8_t> buffer, JobContext* ctx) {
  DumpStats st;
  if (first_block) {
    TG_CHECK(tape.locate(*first_block));
    st.first_block = *first_block;
  } else {
    TG_CHECK(tape.rewind());
    auto none = [&](std::uint32_t have) {
      return make_error(Errc::not_found, "the cartridge has only " + std::to_string(have) +
                                             " tape files; there is no tape file " + std::to_string(file_number));
    };
    if (file_number > 0) {
      auto sp = TG_TRY(tape.space(drivers::SpaceCode::filemarks, static_cast<std::int32_t>(file_number)));
      if (sp.residual != 0 || sp.hit_end_of_data) return none(file_number - sp.residual);
    }
    if (auto p = tape.position(); p) {
      st.first_block = *p;
    } else {
      // A drive that cannot report where it is after a SPACE (tgt): read up
      // to the tape file, counting, so block numbers in messages are right.
      TG_CHECK(tape.rewind());
      std::uint64_t objects = 0;
      for (std::uint32_t marks = 0; marks < file_number;) {
        auto r = TG_TRY(tape.read(buffer));
        if (r.kind == drivers::ReadKind::end_of_data) return none(marks);
        ++objects;
        if (r.kind == drivers::ReadKind::filemark) ++marks;
      }
      st.first_block = objects;
    }
  }
  for (;;) {
    if (ctx && ctx->cancelled()) return make_error(Errc::cancelled, "dump cancelled");
    auto r = tape.read(buffer);
    if (!r) {
      return std::move(r).error().with_context("tape file " + std::to_string(file_number) + " block " +
                                               std::to_string(st.first_block + st.blocks));
    }
    if (r->kind == drivers::ReadKind::filemark) break;
    if (r->kind == drivers::ReadKind::end_of_data) {
      if (st.blocks == 0) return make_error(Errc::not_found, "no tape file " + std::to_string(file_number) + " (end of data)");
      break;   // a tape file left without its filemark (interrupted write)
    }
    if (r->truncated) {
      return make_error(Errc::unsupported, "tape file " + std::to_string(file_number) + " block " +
                                               std::to_string(st.first_block + st.blocks) + " holds " +
                                               std::to_string(r->block_length) + " bytes, more than the buffer of " +
                                               std::to_string(buffer.size()));
    }
    TG_CHECK(write_all(fd, std::span<const std::uint8_t>(buffer.data(), r->length)));
    ++st.blocks;
    st.bytes += r->length;
  }
  return st;
}

Result<DumpStats> dump_cartridge_file(CartridgeSource& source, const std::string& barcode, std::uint32_t file_number,
                                      std::optional<std::uint64_t> first_block, int fd, JobContext& ctx,
                                      std::size_t max_block_bytes) {
  std::vector<std::uint8_t> buffer(max_block_bytes);
  auto* tape = TG_TRY(source.mount(barcode, "dump of tape file " + std::to_string(file_number), ctx));
  auto st = dump_tape_file(*tape, file_number, first_block, fd, buffer, &ctx);
  auto rel = source.release();
  if (!st) return std::move(st).error().with_context("cartridge " + barcode);
  if (!rel) return std::move(rel).error();
  return st;
}

}  // namespace tg::firmware::restore
