#pragma once
// Incremental SHA-256 (OpenSSL EVP; the CPU's SHA extensions make it
// ~2 GB/s here, field notes) for checking restored and verified files
// against the hash the catalog and the pax header carry.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace tg::firmware::restore {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::uint8_t> bytes);
  // Lowercase hex of the digest; the object is reset for the next file.
  std::string finish_hex();
  void reset();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace tg::firmware::restore
