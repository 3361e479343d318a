#include "firmware/access/password_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <optional>
#include <span>
#include <vector>

#include "hal/hex.hpp"

namespace tg::firmware::access {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;  // one SHA-256 output: PBKDF2 needs no more

struct StoredHash {
  std::uint32_t iterations = 0;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

Result<StoredHash> parse_stored(std::string_view stored) {
  auto bad = [](const std::string& why) {
    return Error(Errc::invalid_argument, "password hash is not of the form pbkdf2-sha256$ITERATIONS$SALT$HASH: " + why);
  };
  std::array<std::string_view, 4> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::size_t end = i + 1 < parts.size() ? stored.find('$', start) : stored.size();
    if (end == std::string_view::npos) return bad("too few fields");
    parts[i] = stored.substr(start, end - start);
    start = end + 1;
  }
  if (parts[3].find('$') != std::string_view::npos) return bad("too many fields");
  if (parts[0] != kScheme) return bad("unknown scheme");
  StoredHash h;
  auto [ptr, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), h.iterations);
  if (ec != std::errc() || ptr != parts[1].data() + parts[1].size() || parts[1].empty())
    return bad("iterations is not a number");
  if (h.iterations < kMinPbkdf2Iterations || h.iterations > kMaxPbkdf2Iterations)
    return bad("iterations " + std::string(parts[1]) + " outside " + std::to_string(kMinPbkdf2Iterations) + ".." +
               std::to_string(kMaxPbkdf2Iterations));
  auto salt = hal::parse_hex_bytes(parts[2]);
  if (!salt || salt->size() != kSaltBytes) return bad("the salt is not " + std::to_string(kSaltBytes) + " bytes of hex");
  auto hash = hal::parse_hex_bytes(parts[3]);
  if (!hash || hash->size() != kHashBytes) return bad("the hash is not " + std::to_string(kHashBytes) + " bytes of hex");
  h.salt = std::move(*salt);
  h.hash = std::move(*hash);
  return h;
}

Result<std::vector<std::uint8_t>> derive(std::string_view password, std::span<const std::uint8_t> salt,
                                         std::uint32_t iterations) {
  std::vector<std::uint8_t> out(kHashBytes);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()), out.data()) != 1)
    return Error(Errc::io_error, "OpenSSL PBKDF2 failed");
  return out;
}

}  // namespace

Status check_new_password(std::string_view password) {
  if (password.size() < 8) return Error(Errc::invalid_argument, "the password is shorter than 8 characters");
  if (password.size() > 255) return Error(Errc::invalid_argument, "the password is longer than 255 bytes");
  for (unsigned char c : password)
    if (c < 0x20 || c == 0x7F) return Error(Errc::invalid_argument, "the password holds a control character");
  return {};
}

Result<std::string> hash_password(std::string_view password, std::uint32_t iterations) {
  if (iterations < kMinPbkdf2Iterations || iterations > kMaxPbkdf2Iterations)
    return Error(Errc::invalid_argument, "PBKDF2 iterations " + std::to_string(iterations) + " out of range");
  std::array<std::uint8_t, kSaltBytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    return Error(Errc::io_error, "OpenSSL could not make a random salt");
  auto hash = TG_TRY(derive(password, salt, iterations));
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + hal::hex_bytes(salt) + "$" + hal::hex_bytes(hash);
}

Result<bool> verify_password(std::string_view password, std::string_view stored) {
  auto h = TG_TRY(parse_stored(stored));
  auto got = TG_TRY(derive(password, h.salt, h.iterations));
  return CRYPTO_memcmp(got.data(), h.hash.data(), got.size()) == 0;
}

Status check_stored_hash(std::string_view stored) {
  auto parsed = parse_stored(stored);
  if (!parsed) return std::move(parsed).error();
  return {};
}

}  // namespace tg::firmware::access
