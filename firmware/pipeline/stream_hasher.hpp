#pragma once
// The hasher thread: the middle stage of the backup ring. It takes each slot
// the framer published, hashes the backup files' bytes in it (one SHA-256
// per member, in stream order) and passes the slot on to the writer. When a
// slot holds a manifest's data, it writes the manifest's lines there first:
// every member a manifest lists comes before it in the stream, so their
// hashes and outcomes are known by then. Nothing allocates per slot or per
// member: the manifest is built in one buffer allocated at start.
#include <cstdint>
#include <thread>
#include <vector>

#include "firmware/format/sha256.hpp"
#include "firmware/pipeline/block_ring.hpp"
#include "firmware/pipeline/member_table.hpp"

namespace tg::firmware::pipeline {

struct HasherStats {
  std::uint64_t files_hashed = 0, bytes_hashed = 0, manifests = 0;
};

class StreamHasher {
 public:
  StreamHasher(MemberTable& table, BlockRing& ring);
  ~StreamHasher();  // joins
  void start();
  void join();
  HasherStats stats() const { return stats_; }  // after join()
  const Error* error() const { return failed_ ? &error_ : nullptr; }

 private:
  void run();
  // Hashes / fills the part of [s, e) that belongs to members; returns
  // false on a fatal error.
  bool process(std::uint8_t* slot, std::uint64_t s, std::uint64_t e);
  bool build_manifest(const Member& m);

  MemberTable& table_;
  BlockRing& ring_;
  std::thread thread_;
  format::Sha256 hash_;
  std::size_t member_ = 0;       // first member not done
  bool finished_ = false;        // member_'s hash is final
  std::vector<std::uint8_t> manifest_;
  std::size_t manifest_len_ = 0;
  bool manifest_built_ = false;
  HasherStats stats_;
  bool failed_ = false;
  Error error_;
};

}  // namespace tg::firmware::pipeline
