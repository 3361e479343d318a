#pragma once
// Backup-side test doubles: an in-memory cartridge that records blocks and
// filemarks and reports early warning after N blocks, VOLUME OVERFLOW after
// M, a MEDIUM ERROR at a chosen block; a StreamEvents that records what the
// writer reports and hands out fresh cartridges; helpers that dump tape
// files to disk and run GNU tar on them.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "firmware/format/sha256.hpp"
#include "firmware/pipeline/block_sink.hpp"
#include "firmware/pipeline/tape_stream_writer.hpp"
#include "firmware/format/tar_fixture.hpp"

namespace tg::test {

struct TestTapeLimits {
  std::size_t early_warning_after = SIZE_MAX;  // blocks; the block that reaches it reports EW
  std::size_t capacity = SIZE_MAX;             // blocks; a write beyond -> VOLUME OVERFLOW (not written)
  std::optional<std::size_t> medium_error_at;  // write of this block fails (not written)
};

class TestCartridge final : public firmware::pipeline::BlockSink {
 public:
  explicit TestCartridge(TestTapeLimits l) : limits(l) {}
  TestTapeLimits limits;
  std::vector<std::vector<std::uint8_t>> files;  // closed tape files (concatenated blocks)
  std::vector<std::uint8_t> current;
  std::size_t blocks = 0, flushes = 0, buffered_filemarks = 0;
  bool failed = false;

  Result<drivers::WriteStatus> write_block(std::span<const std::uint8_t> b) override {
    if (limits.medium_error_at && *limits.medium_error_at == blocks) {
      failed = true;
      return make_error(Errc::medium_error, "MEDIUM ERROR, write error (03/0C/00)");
    }
    if (blocks >= limits.capacity) return make_error(Errc::volume_overflow, "VOLUME OVERFLOW (0D/00/02)");
    current.insert(current.end(), b.begin(), b.end());
    ++blocks;
    return drivers::WriteStatus{.early_warning = blocks >= limits.early_warning_after};
  }
  Result<drivers::WriteStatus> write_filemarks(std::uint32_t count) override {
    if (count == 0) ++flushes;
    for (std::uint32_t i = 0; i < count; ++i) {
      files.push_back(std::move(current));
      current.clear();
    }
    return drivers::WriteStatus{.early_warning = blocks >= limits.early_warning_after};
  }
  Result<drivers::WriteStatus> write_filemarks_buffered(std::uint32_t count) override {
    buffered_filemarks += count;
    return write_filemarks(count);
  }
};

struct RecordedPiece {
  std::size_t member, volume, tape_file;
  firmware::pipeline::PieceInfo info;
};

class RecordingEvents : public firmware::pipeline::StreamEvents {
 public:
  explicit RecordingEvents(std::vector<TestTapeLimits> per_volume) : limits_(std::move(per_volume)) {
    next();
  }
  std::vector<std::unique_ptr<TestCartridge>> volumes;
  std::vector<RecordedPiece> pieces;
  std::vector<std::size_t> finished, started;
  std::vector<std::pair<std::size_t, std::size_t>> requeued;  // member, retry
  std::vector<std::size_t> durable_calls;
  std::size_t tape_files_started = 0, tape_files_closed = 0;
  bool cancel = false;

  TestCartridge& first() { return *volumes.front(); }
  std::size_t current_file() const { return volumes.back()->files.size(); }

  Status tape_file_started() override {
    ++tape_files_started;
    return {};
  }
  Status member_started(std::size_t m) override {
    started.push_back(m);
    return {};
  }
  Status piece_written(std::size_t m, const firmware::pipeline::PieceInfo& p) override {
    pieces.push_back({m, volumes.size() - 1, current_file(), p});
    return {};
  }
  Status member_finished(std::size_t m) override {
    finished.push_back(m);
    return {};
  }
  Status durable(std::uint64_t b) override {
    durable_calls.push_back(b);
    return {};
  }
  Status tape_file_closed(std::uint64_t) override {
    ++tape_files_closed;
    return {};
  }
  void member_requeued(std::size_t m, std::size_t r, const char*) override { requeued.emplace_back(m, r); }
  Result<firmware::pipeline::BlockSink*> next_volume(firmware::pipeline::VolumeEnd, const Error*) override {
    if (volumes.size() > 64) return make_error(Errc::internal, "test ran out of cartridges");
    return static_cast<firmware::pipeline::BlockSink*>(&next());
  }
  bool cancelled() override { return cancel; }
  void progress(const firmware::pipeline::WriterProgress&) override {}

 private:
  TestCartridge& next() {
    TestTapeLimits l = volumes.size() < limits_.size() ? limits_[volumes.size()] : TestTapeLimits{};
    volumes.push_back(std::make_unique<TestCartridge>(l));
    return *volumes.back();
  }
  std::vector<TestTapeLimits> limits_;
};

using firmware::format::sha256_hex;

struct ShellResult {
  int status = -1;
  std::string output;
};

// Runs a shell command without a controlling terminal (setsid), so a tar -M
// that wants another volume fails instead of prompting.
inline ShellResult run_shell(const std::string& cmd) {
  std::string full = "setsid -w sh -c '" + cmd + "' </dev/null 2>&1";
  ShellResult r;
  FILE* p = ::popen(full.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace tg::test
