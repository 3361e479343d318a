#include "firmware/format/sha256.hpp"
#include "hal/hex.hpp"

#include <openssl/evp.h>

#include <cstdlib>

namespace tg::firmware::format {

struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  // Allocation failure of a 200-byte context leaves nothing sensible to do.
  if (ctx_->md == nullptr) std::abort();
  reset();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_->md); }

void Sha256::reset() { EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr); }

void Sha256::update(std::span<const std::uint8_t> bytes) {
  if (!bytes.empty()) EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size());
}

void Sha256::finish_hex(std::span<char, 64> out) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, digest, &len);
  for (unsigned i = 0; i < 32; ++i) {
    out[2 * i] = hal::kHexDigits[digest[i] >> 4];
    out[2 * i + 1] = hal::kHexDigits[digest[i] & 0x0f];
  }
  reset();
}

std::string Sha256::finish_hex() {
  std::string out(64, '0');
  finish_hex(std::span<char, 64>(out.data(), 64));
  return out;
}

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  Sha256 h;
  h.update(bytes);
  return h.finish_hex();
}

}  // namespace tg::firmware::format
