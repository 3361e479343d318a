#pragma once
// Shared by the console tests: a private temporary directory, a bounded
// wait for a condition (tests never sleep to synchronise; they poll with a
// deadline and fail when it passes), repository file contents.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace tg::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tg-console-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    path_ = p ? std::filesystem::path(p) : std::filesystem::path();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// True as soon as `cond` holds; false after `limit` (generous: it bounds a
// hang, it is not a timing assertion).
inline bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::yield();
  }
  return cond();
}

// Deterministic pseudo-random bytes (no compressible patterns).
inline std::vector<char> bytes_of(std::size_t n, std::uint32_t seed) {
  std::vector<char> v(n);
  std::uint64_t x = 0x9E3779B97F4A7C15ull ^ seed;
  for (auto& c : v) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x >> 24);
  }
  return v;
}

}  // namespace tg::test
