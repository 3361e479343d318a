#include "board/sim/cartridge_medium.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "hal/bytes.hpp"

namespace tg::sim {
namespace {

constexpr std::array<std::uint8_t, 8> kMagic{'T', 'G', 'C', 'A', 'R', 'T', '0', '1'};
constexpr std::size_t kHeader = 16;
constexpr std::size_t kRecord = 16;

Error sys_error(const std::string& what, const std::filesystem::path& p) {
  return Error(Errc::io_error, what + " " + p.string() + ": " + std::strerror(errno));
}

Status write_all(int fd, std::span<const std::uint8_t> b, std::uint64_t off, const std::filesystem::path& p) {
  while (!b.empty()) {
    ssize_t n = ::pwrite(fd, b.data(), b.size(), static_cast<off_t>(off));
    if (n < 0) {
      if (errno == EINTR) continue;
      return sys_error("cannot write", p);
    }
    b = b.subspan(static_cast<std::size_t>(n));
    off += static_cast<std::uint64_t>(n);
  }
  return {};
}

Result<std::size_t> read_all(int fd, std::span<std::uint8_t> b, std::uint64_t off, const std::filesystem::path& p) {
  std::size_t done = 0;
  while (done < b.size()) {
    ssize_t n = ::pread(fd, b.data() + done, b.size() - done, static_cast<off_t>(off + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return sys_error("cannot read", p);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Result<std::uint64_t> file_size(int fd, const std::filesystem::path& p) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return sys_error("cannot stat", p);
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace

Result<std::unique_ptr<CartridgeMedium>> CartridgeMedium::open(const std::filesystem::path& stem) {
  auto data_path = std::filesystem::path(stem.string() + ".data");
  auto index_path = std::filesystem::path(stem.string() + ".index");
  int dfd = ::open(data_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (dfd < 0) return sys_error("cannot open cartridge data", data_path);
  int ifd = ::open(index_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (ifd < 0) {
    auto e = sys_error("cannot open cartridge index", index_path);
    ::close(dfd);
    return e;
  }
  std::unique_ptr<CartridgeMedium> m(new CartridgeMedium(stem, dfd, ifd));
  TG_CHECK(m->load());
  return m;
}

CartridgeMedium::~CartridgeMedium() {
  if (data_fd_ >= 0) ::close(data_fd_);
  if (index_fd_ >= 0) ::close(index_fd_);
}

Status CartridgeMedium::load() {
  const auto index_path = std::filesystem::path(stem_.string() + ".index");
  std::uint64_t isize = TG_TRY(file_size(index_fd_, index_path));
  if (isize == 0) {
    std::array<std::uint8_t, kHeader> h{};
    std::copy(kMagic.begin(), kMagic.end(), h.begin());
    return write_all(index_fd_, h, 0, index_path);
  }
  std::vector<std::uint8_t> buf(isize);
  std::size_t got = TG_TRY(read_all(index_fd_, buf, 0, index_path));
  if (got < kHeader || !std::equal(kMagic.begin(), kMagic.end(), buf.begin()))
    return Error(Errc::parse_error, "cartridge index " + index_path.string() + " is not a Tapegate cartridge index");
  const std::uint64_t dsize = TG_TRY(file_size(data_fd_, std::filesystem::path(stem_.string() + ".data")));
  std::uint64_t expect = 0;
  for (std::size_t off = kHeader; off + kRecord <= got; off += kRecord) {
    TapeObject o{get_be64(buf, off), get_be32(buf, off + 8), (get_be32(buf, off + 12) & 1) != 0};
    // A record that does not follow its predecessor or whose data never
    // reached the file is a torn tail from a crash: everything from it on is
    // beyond end of data.
    if (o.offset != expect || o.offset + o.length > dsize || (o.filemark && o.length != 0)) break;
    if (o.filemark) filemark_positions_.push_back(objects_.size());
    objects_.push_back(o);
    expect = o.offset + o.length;
  }
  if (kHeader + objects_.size() * kRecord != isize || expect != dsize) return truncate(objects_.size());
  return {};
}

std::uint64_t CartridgeMedium::bytes_used() const {
  return objects_.empty() ? 0 : objects_.back().offset + objects_.back().length;
}

std::uint64_t CartridgeMedium::filemarks_before(std::uint64_t position) const {
  return static_cast<std::uint64_t>(
      std::lower_bound(filemark_positions_.begin(), filemark_positions_.end(), position) -
      filemark_positions_.begin());
}

Status CartridgeMedium::truncate(std::uint64_t position) {
  if (position > objects_.size()) position = objects_.size();
  const std::uint64_t data_end = position < objects_.size() ? objects_[position].offset : bytes_used();
  objects_.resize(position);
  filemark_positions_.erase(std::lower_bound(filemark_positions_.begin(), filemark_positions_.end(), position),
                            filemark_positions_.end());
  if (::ftruncate(index_fd_, static_cast<off_t>(kHeader + position * kRecord)) != 0)
    return sys_error("cannot truncate", stem_.string() + ".index");
  if (::ftruncate(data_fd_, static_cast<off_t>(data_end)) != 0)
    return sys_error("cannot truncate", stem_.string() + ".data");
  return {};
}

Status CartridgeMedium::append_record(const TapeObject& o) {
  std::array<std::uint8_t, kRecord> r{};
  put_be64(r, 0, o.offset);
  put_be32(r, 8, o.length);
  put_be32(r, 12, o.filemark ? 1 : 0);
  TG_CHECK(write_all(index_fd_, r, kHeader + objects_.size() * kRecord, stem_.string() + ".index"));
  if (o.filemark) filemark_positions_.push_back(objects_.size());
  objects_.push_back(o);
  return {};
}

Status CartridgeMedium::append_block(std::span<const std::uint8_t> data) {
  TapeObject o{bytes_used(), static_cast<std::uint32_t>(data.size()), false};
  // Data first, then its record: a crash in between leaves data without a
  // record, which load() cuts off.
  TG_CHECK(write_all(data_fd_, data, o.offset, stem_.string() + ".data"));
  return append_record(o);
}

Status CartridgeMedium::append_filemark() { return append_record({bytes_used(), 0, true}); }

Result<std::size_t> CartridgeMedium::read_block(std::uint64_t i, std::span<std::uint8_t> out) const {
  const TapeObject& o = objects_.at(i);
  const std::size_t n = std::min<std::size_t>(o.length, out.size());
  std::size_t got = TG_TRY(read_all(data_fd_, out.first(n), o.offset, stem_.string() + ".data"));
  if (got != n) return Error(Errc::io_error, "cartridge data " + stem_.string() + ".data is shorter than its index");
  return got;
}

Status CartridgeMedium::sync() {
  if (::fdatasync(data_fd_) != 0) return sys_error("cannot sync", stem_.string() + ".data");
  if (::fdatasync(index_fd_) != 0) return sys_error("cannot sync", stem_.string() + ".index");
  return {};
}

Status CartridgeMedium::corrupt_block(std::uint64_t i) {
  if (i >= objects_.size() || objects_[i].filemark || objects_[i].length == 0)
    return Error(Errc::invalid_argument, "object " + std::to_string(i) + " is not a data block");
  const TapeObject& o = objects_[i];
  const std::size_t n = std::min<std::size_t>(16, o.length);
  const std::uint64_t at = o.offset + (o.length - n) / 2;
  std::array<std::uint8_t, 16> b{};
  std::size_t got = TG_TRY(read_all(data_fd_, std::span(b).first(n), at, stem_.string() + ".data"));
  for (std::size_t k = 0; k < got; ++k) b[k] = static_cast<std::uint8_t>(~b[k]);
  return write_all(data_fd_, std::span(b).first(got), at, stem_.string() + ".data");
}

}  // namespace tg::sim
