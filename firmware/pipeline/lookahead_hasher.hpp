#pragma once
// The SHA-256 of a backup file goes into its tar header, so it must be
// known before the first data byte is framed. The lookahead hasher reads
// the next file(s) ahead of the framer (bounded: at most `ahead` members
// past the one being framed) with large sequential reads, and publishes
// each hash in the member table. A cached hash (catalog, same path, size
// and mtime) skips the read; the framer's second hash while streaming
// catches a stale cache entry or a file changed in between.
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "firmware/pipeline/member_table.hpp"

namespace tg::firmware::pipeline {

struct HasherStats {
  std::uint64_t files_hashed = 0, bytes_hashed = 0, cache_hits = 0;
};

class LookaheadHasher {
 public:
  LookaheadHasher(MemberTable& table, std::size_t ahead = 2, std::size_t read_bytes = 1 << 20);
  ~LookaheadHasher();  // joins
  void start();
  void join();
  HasherStats stats() const { return stats_; }  // after join()

 private:
  void run();
  void hash_one(Member& m);
  MemberTable& table_;
  std::size_t ahead_;
  std::vector<std::uint8_t> buf_;
  std::thread thread_;
  HasherStats stats_;
};

// Hashes exactly `size` bytes of `path` with OpenSSL EVP (SHA-256) using
// `buf` for reads. Errc::io_error (cannot open/read), Errc::data_integrity
// (the file is shorter than `size` or its size/mtime differ from the scan).
Result<std::array<char, 65>> sha256_file(const std::string& path, std::uint64_t size, std::int64_t mtime,
                                         std::span<std::uint8_t> buf);

}  // namespace tg::firmware::pipeline
