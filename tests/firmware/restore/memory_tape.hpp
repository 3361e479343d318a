#pragma once
// An in-memory tape for restore tests: a list of logical objects (blocks
// and filemarks) numbered from 0 as SSC numbers them, a read position, and
// fault injection (a medium error at one block, counted LOCATEs). Also a
// CartridgeSource over several of them, with cartridges that are "outside
// the library" until the operator brings them.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "firmware/restore/cartridge_source.hpp"
#include "firmware/restore/tape_reader.hpp"

namespace tg::test {

class MemoryTape final : public firmware::restore::TapeReader {
 public:
  struct Object {
    bool filemark = false;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Object> objects;
  std::size_t pos = 0;
  std::optional<std::size_t> medium_error_at;
  std::uint64_t locates = 0, reads = 0;

  // Appends a tape file: bytes cut into blocks of block_size (the last one
  // zero-padded), then a filemark. Returns its first logical object.
  std::uint64_t append_file(const std::vector<std::uint8_t>& bytes, std::size_t block_size) {
    std::uint64_t first = objects.size();
    for (std::size_t off = 0; off < bytes.size(); off += block_size) {
      Object o;
      o.bytes.assign(bytes.begin() + static_cast<std::ptrdiff_t>(off),
                     bytes.begin() + static_cast<std::ptrdiff_t>(std::min(bytes.size(), off + block_size)));
      o.bytes.resize(block_size, 0);
      objects.push_back(std::move(o));
    }
    objects.push_back(Object{.filemark = true});
    return first;
  }

  Result<drivers::ReadStatus> read(std::span<std::uint8_t> buf) override {
    ++reads;
    if (pos >= objects.size()) return drivers::ReadStatus{.kind = drivers::ReadKind::end_of_data};
    if (medium_error_at && *medium_error_at == pos) {
      ++pos;
      return make_error(Errc::medium_error, "MEDIUM ERROR, unrecovered read error (03/11/00)");
    }
    auto& o = objects[pos++];
    if (o.filemark) return drivers::ReadStatus{.kind = drivers::ReadKind::filemark};
    std::size_t n = std::min(buf.size(), o.bytes.size());
    std::copy_n(o.bytes.begin(), n, buf.begin());
    return drivers::ReadStatus{.kind = drivers::ReadKind::data, .length = n, .truncated = n < o.bytes.size(),
                               .block_length = o.bytes.size()};
  }
  Status locate(std::uint64_t block) override {
    ++locates;
    if (block > objects.size()) return make_error(Errc::blank_check, "LOCATE past end of data");
    pos = block;
    return {};
  }
  Result<drivers::SpaceStatus> space(drivers::SpaceCode code, std::int32_t count) override {
    drivers::SpaceStatus st;
    if (code == drivers::SpaceCode::end_of_data) {
      pos = objects.size();
      return st;
    }
    if (code == drivers::SpaceCode::blocks) {
      pos = std::min<std::size_t>(objects.size(), pos + static_cast<std::size_t>(std::max(count, 0)));
      return st;
    }
    // Filemarks, forward only here.
    for (std::int32_t i = 0; i < count; ++i) {
      while (pos < objects.size() && !objects[pos].filemark) ++pos;
      if (pos >= objects.size()) {
        st.hit_end_of_data = true;
        st.residual = count - i;
        return st;
      }
      ++pos;
    }
    return st;
  }
  Result<std::uint64_t> position() override { return std::uint64_t{pos}; }
  Status rewind() override {
    pos = 0;
    return {};
  }
  std::string name() const override { return "memory tape"; }
};

class MemoryLibrary final : public firmware::restore::CartridgeSource {
 public:
  std::map<std::string, MemoryTape> tapes;
  std::set<std::string> outside;          // not in the library until requested
  std::vector<std::string> load_order;
  std::vector<std::string> operator_requests;

  Result<firmware::restore::TapeReader*> mount(const std::string& barcode, const std::string&,
                                               firmware::JobContext& ctx) override {
    if (outside.count(barcode)) {
      operator_requests.push_back(barcode);
      if (!ctx.wait_for_operator("insert cartridge " + barcode, std::chrono::milliseconds(1))) {
        return make_error(Errc::cancelled, "cancelled");
      }
      outside.erase(barcode);
    }
    auto it = tapes.find(barcode);
    if (it == tapes.end()) return make_error(Errc::not_found, "cartridge " + barcode + " is not in the library");
    load_order.push_back(barcode);
    it->second.pos = 0;
    return &it->second;
  }
  Status release() override { return {}; }
  Result<std::vector<std::string>> barcodes_in_library() override {
    std::vector<std::string> out;
    for (auto& [b, t] : tapes)
      if (!outside.count(b)) out.push_back(b);
    return out;
  }
};

// A JobContext that records what the job said.
class RecordingContext : public firmware::JobContext {
 public:
  std::vector<std::string> logs, requests;
  std::uint64_t progress_calls = 0;
  bool cancel = false;
  bool cancelled() const override { return cancel; }
  void progress(const firmware::ProgressSnapshot&) override { ++progress_calls; }
  void log(firmware::LogLevel, const std::string& text) override { logs.push_back(text); }
  bool wait_for_operator(const std::string& request, std::chrono::milliseconds) override {
    requests.push_back(request);
    return !cancel;
  }
};

}  // namespace tg::test
