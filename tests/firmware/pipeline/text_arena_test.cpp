#include <catch2/catch.hpp>

#include <string>

#include "firmware/pipeline/text_arena.hpp"

using tg::firmware::pipeline::TextArena;

TEST_CASE("text arena copies stay put and are NUL-terminated") {
  TextArena a;
  CHECK(a.reserved_bytes() == 0);
  auto first = a.add("vm-100/a.vma");
  auto empty = a.add("");
  CHECK(first == "vm-100/a.vma");
  CHECK(first.data()[first.size()] == '\0');
  CHECK(empty.empty());
  CHECK(empty.data()[0] == '\0');
  // Many entries: one chunk per kChunkBytes, earlier views unchanged.
  std::string path(100, 'p');
  for (int i = 0; i < 2000; ++i) CHECK(a.add(path).size() == 100);
  CHECK(first == "vm-100/a.vma");
  CHECK(a.reserved_bytes() == 4 * TextArena::kChunkBytes);  // 2000 x 101 bytes + the first two
  // A text longer than a chunk gets a chunk of its size.
  std::string huge(TextArena::kChunkBytes + 10, 'h');
  auto h = a.add(huge);
  CHECK(h == huge);
  CHECK(a.reserved_bytes() == 5 * TextArena::kChunkBytes + 11);
}
