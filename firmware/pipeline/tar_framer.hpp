#pragma once
// The framer thread: turns the member table into one continuous pax tar
// byte stream (preamble, data read(2) straight into ring slots, padding)
// and publishes it slot by slot. It writes no end-of-archive records and
// knows nothing of cartridges: the writer (TapeStreamWriter) owns every cut.
// It neither hashes nor copies twice: the hasher stage behind it hashes the
// slots (StreamHasher), so each byte of a file is read once and hashed once.
//
// "Changed while copied" follows GNU tar's rule: size, mtime and ctime
// after the copy must equal those fstat gave when the file was opened, and
// the file must not end early. A mismatch marks the member `changed` (never
// committed) and appends one retry. A slot is published only when the next
// byte needs room, so a member's outcome is always set before the slot
// holding its last byte is.
//
// A manifest member gets its size from the members it lists (their lines,
// except those never framed) and zeros as data: the hasher writes the
// lines over them. Before it drains, the framer appends a manifest of
// whatever is not listed yet (retries). When it runs out of members it
// publishes what it has as a `drain` slot (a member boundary) and waits for
// more (writer retries) or stop().
#include <array>
#include <cstdint>
#include <string>
#include <thread>

#include "firmware/format/pax_header.hpp"
#include "firmware/pipeline/block_ring.hpp"
#include "firmware/pipeline/member_table.hpp"

namespace tg::firmware::pipeline {

struct FramerStats {
  std::uint64_t members_framed = 0, data_bytes = 0, stream_bytes = 0;
  std::uint64_t changed = 0, read_errors = 0, skipped = 0, manifests = 0;
};

class TarFramer {
 public:
  TarFramer(MemberTable& table, BlockRing& ring);
  ~TarFramer();  // joins
  void start();
  void join();
  FramerStats stats() const { return stats_; }  // after join()
  // A fatal error (OpenSSL failure, table full): the ring is closed.
  const Error* error() const { return failed_ ? &error_ : nullptr; }

 private:
  void run();
  bool frame_member(std::size_t i);
  bool frame_manifest(std::size_t i);
  bool read_data(Member& m, MemberOutcome& outcome, std::string& detail);
  bool emit(std::span<const std::uint8_t> bytes);
  bool emit_zeros(std::size_t n);
  bool ensure_space();
  void publish_current(bool drain);
  void fail(Error e);

  MemberTable& table_;
  BlockRing& ring_;
  std::thread thread_;
  long slot_ = -1;
  std::size_t fill_ = 0;
  std::uint64_t pos_ = 0;
  std::array<std::uint8_t, format::kMaxPreambleBytes> preamble_{};
  FramerStats stats_;
  bool failed_ = false;
  Error error_;
};

}  // namespace tg::firmware::pipeline
