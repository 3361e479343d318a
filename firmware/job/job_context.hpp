#pragma once
// What a long-running job (backup, restore, verify, rebuild) sees of the
// world that runs it: cancellation, progress, operator messages, the log.
// The console's job manager implements it for background jobs; the one-shot
// CLI implements it by printing. Progress carries fixed-size text so that
// reporting never allocates in the pipeline's steady state.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tg::firmware {

enum class LogLevel : std::uint8_t { debug, info, notice, warning, error };

template <std::size_t N>
struct FixedText {
  std::array<char, N> buf{};
  void set(std::string_view s) {
    std::size_t n = s.size() < N - 1 ? s.size() : N - 1;
    std::memcpy(buf.data(), s.data(), n);
    buf[n] = '\0';
  }
  std::string_view view() const { return {buf.data(), std::strlen(buf.data())}; }
};

struct ProgressSnapshot {
  FixedText<112> phase;         // "writing", "changing cartridge: loading TP0004L9" (two barcodes fit)
  FixedText<40> cartridge;      // barcode in use
  FixedText<24> drive;          // drive name
  FixedText<160> file;          // backup file in progress
  std::uint64_t bytes_done = 0, bytes_total = 0;
  std::uint64_t files_done = 0, files_total = 0;
  double rate_bytes_per_s = 0;  // recent rate
  double eta_seconds = -1;      // < 0: unknown
  bool streaming = true;        // the drive was never starved recently
  std::uint64_t stalls = 0;     // times the drive waited for data
  std::uint32_t cartridges_used = 0;
};

class JobContext {
 public:
  virtual ~JobContext() = default;
  virtual bool cancelled() const = 0;
  // Called by the job a few times a second at most.
  virtual void progress(const ProgressSnapshot& p) = 0;
  virtual void log(LogLevel level, const std::string& text) = 0;
  // The job needs the operator ("insert cartridge TP0005L9 into a mail
  // slot, then run 'import'"). Blocks up to `wait` (no CPU), less when the
  // operator answers ('job continue'); returns false when the job was
  // cancelled meanwhile. The job re-checks the library afterwards and may
  // ask again with the same request: that keeps the one prompt up (polling
  // the changer at a bounded interval) rather than announcing it again.
  virtual bool wait_for_operator(const std::string& request, std::chrono::milliseconds wait) = 0;
  // How others are told the job holds something they asked for (a drive):
  // "job 3 (backup nightly)". "" when the runner does not number its jobs.
  virtual std::string owner_name() const { return {}; }
};

}  // namespace tg::firmware
