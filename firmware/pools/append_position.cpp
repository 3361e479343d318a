#include "firmware/pools/append_position.hpp"

namespace tg::firmware::pools {
namespace {

using drivers::ReadKind;

std::string n(std::uint64_t v) { return std::to_string(v); }

// Only the kind of each object matters: a smaller buffer than the block
// reads it truncated, and the drive moves past it all the same.
constexpr std::size_t kProbeBuffer = 64 * 1024;

}  // namespace

Result<std::uint64_t> position_at_catalog_end(catalog::Catalog& cat, drivers::TapeDrive& drive,
                                              const std::string& bc, const std::vector<catalog::TapeFile>& files) {
  const std::string ctx = "cartridge " + bc + " in drive " + drive.name() +
                          ": finding where to append from the catalog (the drive does not report its position)";
  auto refuse = [&](const std::string& why) {
    return make_error(Errc::foreign_medium, "cartridge " + bc + " " + why +
                                                ": run `catalog rebuild` or relabel it with --force");
  };
  if (files.empty()) return refuse("has no tape files in the catalog, not even its label");
  const catalog::TapeFile& last = files.back();
  const std::string file = "tape file " + std::to_string(last.file_number);

  std::vector<std::uint8_t> buf(kProbeBuffer);
  auto read = [&]() -> Result<ReadKind> {
    auto r = drive.read(buf);
    if (!r) return std::move(r).error().with_context(ctx);
    return r->kind;
  };
  auto locate = [&](std::uint64_t block) -> Status {
    Status s = drive.locate(block);
    if (s.ok()) return s;
    if (s.error().code == Errc::blank_check)
      return refuse("has less data than the catalog knows (" + file + " reaches block " + n(block) + "; " +
                    s.error().message + ")");
    return std::move(s).error().with_context(ctx);
  };

  if (last.state == catalog::TapeFileState::closed) {
    const std::uint64_t filemark = last.first_block + last.block_count;
    TG_CHECK(locate(filemark));
    const ReadKind at_mark = TG_TRY(read());
    if (at_mark == ReadKind::end_of_data)
      return refuse("has less data than the catalog knows (end of data at block " + n(filemark) +
                    ", where the filemark closing " + file + " should be)");
    if (at_mark == ReadKind::data)
      return refuse("has data after what the catalog knows (" + file + " is longer than its " +
                    n(last.block_count) + " blocks)");
    const ReadKind after = TG_TRY(read());
    if (after != ReadKind::end_of_data)
      return refuse("has data after what the catalog knows (after " + file + ", at block " + n(filemark + 1) + ")");
    return filemark + 1;
  }

  // Interrupted by a crash: the catalog knows where it starts, not where it
  // ends. Read on from what it is known to hold.
  std::uint64_t blocks = last.block_count;
  TG_CHECK(locate(last.first_block + blocks));
  bool closed_on_tape = false;
  for (;;) {
    const ReadKind k = TG_TRY(read());
    if (k != ReadKind::data) {
      closed_on_tape = k == ReadKind::filemark;
      break;
    }
    ++blocks;
  }
  if (closed_on_tape) {
    // The crash came after its filemark was written: nothing may follow.
    const ReadKind after = TG_TRY(read());
    if (after != ReadKind::end_of_data)
      return refuse("has data after what the catalog knows (after " + file + ", interrupted by a crash, at block " +
                    n(last.first_block + blocks + 1) + ")");
  } else {
    auto fm = drive.write_filemarks(1);
    if (!fm) return std::move(fm).error().with_context("cartridge " + bc + ": closing the interrupted " + file);
  }
  TG_CHECK(cat.close_tape_file(last.id, blocks));
  return last.first_block + blocks + 1;
}

}  // namespace tg::firmware::pools
