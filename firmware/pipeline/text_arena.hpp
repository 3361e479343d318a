#pragma once
// The member table's strings (source and tar paths, chain keys, kinds),
// copied once into chunks that are never moved or freed before the arena.
// A job holds one entry per backup file for its whole length, so each
// entry costs its bytes and a NUL, not a std::string apiece (32 bytes
// inline plus a heap block of its own). Views stay valid while the arena
// lives, so readers on other threads need no lock once the view was
// published to them; the arena itself is not thread-safe (the table
// appends under its mutex).
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace tg::firmware::pipeline {

class TextArena {
 public:
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  // A NUL-terminated copy of text (view.data()[view.size()] == '\0').
  std::string_view add(std::string_view text);
  // Bytes held in chunks (what the arena costs), for tests and figures.
  std::size_t reserved_bytes() const { return reserved_; }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* free_ = nullptr;        // next free byte of the last chunk
  std::size_t free_left_ = 0;   // bytes left there
  std::size_t reserved_ = 0;
};

}  // namespace tg::firmware::pipeline
