#pragma once
// One backup stream end to end: allocates the ring once, starts the opener,
// framer and hasher threads, runs the writer on the calling thread until the
// last tape file is closed, joins everything.
//
//   opener -> framer (read(2) into ring slots) -> hasher (SHA-256, manifest
//   lines) -> writer (tape blocks, cuts, syncs) -> BlockSink
#include <cstdint>

#include "firmware/pipeline/block_ring.hpp"
#include "firmware/pipeline/member_table.hpp"
#include "firmware/pipeline/source_opener.hpp"
#include "firmware/pipeline/stream_hasher.hpp"
#include "firmware/pipeline/tape_stream_writer.hpp"
#include "firmware/pipeline/tar_framer.hpp"

namespace tg::firmware::pipeline {

struct StreamConfig {
  WriterConfig writer;
  std::size_t ring_bytes = 64u << 20;  // total ring size, allocated once at start
  std::size_t open_ahead = 16;         // files the opener keeps open ahead of the framer
};

struct StreamResult {
  WriterStats writer;
  FramerStats framer;
  HasherStats hasher;
  OpenerStats opener;
  RingStats ring;
  std::size_t ring_slots = 0;
};

// Errc::invalid_argument for a block size that is not a multiple of 512 or
// smaller than a member preamble (16 KiB). A writer error stops the threads
// and is returned; Errc::cancelled after a clean cancellation.
Result<StreamResult> run_backup_stream(const StreamConfig& cfg, MemberTable& table, BlockSink& first,
                                       StreamEvents& events);

}  // namespace tg::firmware::pipeline
