#include "firmware/pipeline/lookahead_hasher.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace tg::firmware::pipeline {
namespace {

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

void to_hex(const unsigned char* d, std::array<char, 65>& out) {
  static const char* k = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) {
    out[2 * i] = k[d[i] >> 4];
    out[2 * i + 1] = k[d[i] & 15];
  }
  out[64] = 0;
}

}  // namespace

Result<std::array<char, 65>> sha256_file(const std::string& path, std::uint64_t size, std::int64_t mtime,
                                         std::span<std::uint8_t> buf) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(Errc::io_error, "cannot open '" + path + "': " + std::strerror(errno));
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return make_error(Errc::io_error, "cannot stat '" + path + "': " + std::strerror(errno));
  if (static_cast<std::uint64_t>(st.st_size) != size || st.st_mtim.tv_sec != mtime)
    return make_error(Errc::data_integrity, "'" + path + "' changed since the repository was scanned (size " +
                                                std::to_string(size) + " -> " + std::to_string(st.st_size) + ")");
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    return make_error(Errc::internal, "OpenSSL SHA-256 initialisation failed");
  std::uint64_t left = size;
  while (left > 0) {
    std::size_t want = left < buf.size() ? static_cast<std::size_t>(left) : buf.size();
    ssize_t n = ::read(fd, buf.data(), want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(Errc::io_error, "reading '" + path + "': " + std::strerror(errno));
    }
    if (n == 0)
      return make_error(Errc::data_integrity, "'" + path + "' shrank while being read (" +
                                                  std::to_string(size - left) + " of " + std::to_string(size) + " bytes)");
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(n));
    left -= static_cast<std::uint64_t>(n);
  }
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int dl = 0;
  EVP_DigestFinal_ex(ctx.get(), d, &dl);
  std::array<char, 65> hex{};
  to_hex(d, hex);
  return hex;
}

LookaheadHasher::LookaheadHasher(MemberTable& table, std::size_t ahead, std::size_t read_bytes)
    : table_(table), ahead_(ahead < 1 ? 1 : ahead), buf_(read_bytes) {}

LookaheadHasher::~LookaheadHasher() { join(); }

void LookaheadHasher::start() { thread_ = std::thread([this] { run(); }); }

void LookaheadHasher::join() {
  if (thread_.joinable()) thread_.join();
}

void LookaheadHasher::hash_one(Member& m) {
  if (m.cached_sha256.size() == 64 && m.attempt == 1) {
    std::memcpy(m.sha256.data(), m.cached_sha256.data(), 64);
    m.sha256[64] = 0;
    ++stats_.cache_hits;
    m.hash_state.store(HashState::ready, std::memory_order_release);
    return;
  }
  auto r = sha256_file(m.source, m.size, m.mtime, buf_);
  if (!r) {
    m.hash_error = r.error().message;
    m.hash_state.store(HashState::failed, std::memory_order_release);
    return;
  }
  m.sha256 = *r;
  ++stats_.files_hashed;
  stats_.bytes_hashed += m.size;
  m.hash_state.store(HashState::ready, std::memory_order_release);
}

void LookaheadHasher::run() {
  std::size_t i = 0;
  while (!table_.stopped()) {
    if (i >= table_.count()) {
      table_.wait_for_members(i);
      continue;
    }
    table_.wait_framer_near(i, ahead_);
    if (table_.stopped()) break;
    hash_one(table_.at(i));
    table_.notify_hash();
    ++i;
  }
}

}  // namespace tg::firmware::pipeline
