#include "firmware/pipeline/text_arena.hpp"

#include <cstring>

namespace tg::firmware::pipeline {

std::string_view TextArena::add(std::string_view text) {
  const std::size_t need = text.size() + 1;
  if (need > free_left_) {
    // A text longer than a chunk gets a chunk of its own size; the rest of
    // the current chunk is left unused (at most a path's length).
    const std::size_t bytes = need > kChunkBytes ? need : kChunkBytes;
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(bytes));
    free_ = chunks_.back().get();
    free_left_ = bytes;
    reserved_ += bytes;
  }
  char* at = free_;
  if (!text.empty()) std::memcpy(at, text.data(), text.size());
  at[text.size()] = '\0';
  free_ += need;
  free_left_ -= need;
  return {at, text.size()};
}

}  // namespace tg::firmware::pipeline
