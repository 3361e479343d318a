#pragma once
// SHA-256 as the tape format records it: 64 lowercase hex digits (the pax
// keyword of every member, the catalog, the job catalog copy's end line).
// OpenSSL EVP underneath; the CPU's SHA extensions make it ~2 GB/s here
// (field notes). Incremental for restored and verified files, one-shot for
// whatever is already in memory.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace tg::firmware::format {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::uint8_t> bytes);
  // Lowercase hex of the digest; the object is reset for the next file.
  std::string finish_hex();
  // The same into a caller's buffer (the pipeline: no allocation per file).
  void finish_hex(std::span<char, 64> out);
  void reset();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::span<const std::uint8_t> bytes);
// The same over text (the job catalog copy is text).
inline std::string sha256_hex(std::string_view text) {
  return sha256_hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace tg::firmware::format
