#include "firmware/pipeline/source_opener.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tg::firmware::pipeline {

namespace {
std::int64_t ns(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }
}  // namespace

SourceOpener::SourceOpener(MemberTable& table, std::size_t ahead, std::uint64_t prefetch_bytes)
    : table_(table), ahead_(ahead < 1 ? 1 : ahead), prefetch_(prefetch_bytes) {}

SourceOpener::~SourceOpener() { join(); }

void SourceOpener::start() { thread_ = std::thread([this] { run(); }); }

void SourceOpener::join() {
  if (!thread_.joinable()) return;
  thread_.join();
  // The framer has stopped too (run_backup_stream joins it first): close
  // every file it did not get to.
  for (std::size_t i = 0; i < opened_to_; ++i) {
    Member& m = table_.at(i);
    if (m.fd >= 0) {
      ::close(m.fd);
      m.fd = -1;
    }
  }
}

void SourceOpener::open_one(Member& m) {
  auto refuse = [&](std::string why) {
    m.outcome_detail = std::move(why);  // the framer's skip reason
    ++stats_.refused;
    m.open_state.store(OpenState::failed, std::memory_order_release);
  };
  if (m.is_manifest) {  // written from memory
    m.open_state.store(OpenState::ready, std::memory_order_release);
    return;
  }
  int fd = ::open(m.source.data(),  // NUL-terminated (TextArena)
                   O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    if (e == ELOOP) return refuse("is a symbolic link now (it was not when the repository was scanned): not followed");
    if (e == ENOENT) return refuse("vanished after the repository was scanned");
    return refuse(std::string("cannot open: ") + std::strerror(e));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return refuse(std::string("cannot stat: ") + std::strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return refuse("is no longer a regular file (replaced after the repository was scanned): not read");
  }
  if (m.identity.ino != 0 &&
      (static_cast<std::uint64_t>(st.st_dev) != m.identity.dev || static_cast<std::uint64_t>(st.st_ino) != m.identity.ino)) {
    ::close(fd);
    return refuse("was replaced by another file after the repository was scanned: not read");
  }
  // Reads block from here on: O_NONBLOCK only kept open() from hanging.
  int fl = ::fcntl(fd, F_GETFL);
  if (fl >= 0) (void)::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  if (st.st_size > 0)
    ::posix_fadvise(fd, 0, static_cast<off_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(st.st_size), prefetch_)),
                    POSIX_FADV_WILLNEED);
  // The file as it is now is what goes to tape (GNU tar's rule): the scan's
  // size and mtime may be older.
  m.size = static_cast<std::uint64_t>(st.st_size);
  m.mtime = st.st_mtim.tv_sec;
  m.owner = MemberOwner{.mode = static_cast<std::uint32_t>(st.st_mode) & 07777,
                        .uid = static_cast<std::uint32_t>(st.st_uid),
                        .gid = static_cast<std::uint32_t>(st.st_gid)};
  m.opened_mtime_ns = ns(st.st_mtim);
  m.opened_ctime_ns = ns(st.st_ctim);
  m.fd = fd;
  ++stats_.opened;
  m.open_state.store(OpenState::ready, std::memory_order_release);
}

void SourceOpener::run() {
  std::size_t i = 0;
  while (!table_.stopped()) {
    if (i >= table_.count()) {
      table_.wait_for_members(i);
      continue;
    }
    table_.wait_framer_near(i, ahead_);
    if (table_.stopped()) break;
    opened_to_ = i + 1;
    open_one(table_.at(i));
    table_.notify_open();
    ++i;
  }
}

}  // namespace tg::firmware::pipeline
