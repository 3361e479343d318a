#pragma once
// Passwords are kept only as salted, deliberately slow hashes: PBKDF2 with
// HMAC-SHA-256 (RFC 8018 5.2; OpenSSL), a random 16-byte salt per password,
// stored as one word:
//   pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>
// so the work factor can be raised later without invalidating old entries.
#include <cstdint>
#include <string>
#include <string_view>

#include "hal/result.hpp"

namespace tg::firmware::access {

// OWASP's 2023 figure for PBKDF2-HMAC-SHA256: about a quarter of a second
// of one core here, paid once per login, hard for an offline guesser.
inline constexpr std::uint32_t kDefaultPbkdf2Iterations = 600'000;
// Bounds accepted when reading a stored hash: fewer is too weak to have
// been written by us; more would let a crafted users file stall each login.
inline constexpr std::uint32_t kMinPbkdf2Iterations = 1'000;
inline constexpr std::uint32_t kMaxPbkdf2Iterations = 10'000'000;

// Rules every new password meets: 8 to 255 bytes (the longest a password
// file holds), no control characters.
Status check_new_password(std::string_view password);

// A new stored hash of `password` with a fresh random salt.
Result<std::string> hash_password(std::string_view password, std::uint32_t iterations = kDefaultPbkdf2Iterations);

// Whether `password` matches `stored` (compared in constant time). A stored
// value that is not a well-formed hash of ours is invalid_argument: a
// damaged users file is reported, never treated as "wrong password".
Result<bool> verify_password(std::string_view password, std::string_view stored);

// Whether `stored` is a well-formed hash (the users file's loader checks
// every entry when it reads the file).
Status check_stored_hash(std::string_view stored);

}  // namespace tg::firmware::access
