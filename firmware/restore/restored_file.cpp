#include "firmware/restore/restored_file.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace tg::firmware::restore {
namespace {

std::atomic<WriteFunction> g_write{nullptr};
std::atomic<DurabilityObserver> g_observer{nullptr};

void observe(DurabilityStep step, std::uint64_t offset = 0, std::uint64_t length = 0) {
  if (DurabilityObserver f = g_observer.load(std::memory_order_acquire)) f(step, offset, length);
}

ssize_t write_bytes(int fd, const void* buf, std::size_t count) {
  WriteFunction f = g_write.load(std::memory_order_acquire);
  return f ? f(fd, buf, count) : ::write(fd, buf, count);
}

bool is_disk_full(int err) { return err == ENOSPC || err == EDQUOT; }

Error sys_error(const std::string& what, const std::filesystem::path& p) {
  return make_error(Errc::io_error, what + " " + p.string() + ": " + std::strerror(errno));
}

}  // namespace

WriteFunction set_write_function_for_tests(WriteFunction f) { return g_write.exchange(f); }
DurabilityObserver set_durability_observer_for_tests(DurabilityObserver f) { return g_observer.exchange(f); }

Error RestoredFile::full_disk_error(const char* what) {
  const int err = errno;
  disk_full_ = true;
  abandon();
  return make_error(Errc::io_error, final_.string() + ": the target file system is full (" + what + ": " +
                                        std::strerror(err) + ") after " + std::to_string(written_) + " of " +
                                        std::to_string(spec_.size) + " bytes; the partial copy was removed");
}

Status check_relative_path(const std::string& path) {
  if (path.empty()) return make_error(Errc::invalid_argument, "empty file path in the catalog");
  if (path.front() == '/') return make_error(Errc::invalid_argument, "absolute path '" + path + "' refused");
  if (path.find('\0') != std::string::npos) return make_error(Errc::invalid_argument, "path with a NUL byte refused");
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view comp(path.data() + start, end - start);
    if (comp.empty() || comp == "." || comp == "..") {
      return make_error(Errc::invalid_argument, "path '" + path + "' has an empty, '.' or '..' component: refused");
    }
    start = end + 1;
  }
  return {};
}

mode_t restored_mode(std::uint32_t mode, bool owner_restored) {
  mode_t m = static_cast<mode_t>(mode & 07777);
  if (!owner_restored) m &= ~static_cast<mode_t>(S_ISUID | S_ISGID);
  return m;
}

Result<RestoredFile> RestoredFile::create(const RestoredFileSpec& spec, bool* disk_full) {
  TG_CHECK(check_relative_path(spec.path));
  if (!spec.target) return make_error(Errc::internal, "restore of " + spec.path + " without a target directory");
  RestoredFile f;
  f.spec_ = spec;
  f.final_ = spec.target->full_path(spec.path);
  f.name_ = f.final_.filename().string();
  f.temp_name_ = "." + f.name_ + ".tapegate-partial";
  f.temp_ = f.final_.parent_path() / f.temp_name_;
  f.dir_ = TG_TRY(spec.target->open_parent(spec.path, true, disk_full));
  struct stat st {};
  if (!spec.overwrite && ::fstatat(f.dir_.get(), f.name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    return make_error(Errc::invalid_argument, f.final_.string() + " exists; not overwritten (use --overwrite)");
  }
  // A partial file of an earlier, interrupted restore is ours to replace:
  // removed, then created afresh (O_EXCL), so that whatever sat under that
  // name (a symlink, a hard link to another file) is never written through.
  if (::unlinkat(f.dir_.get(), f.temp_name_.c_str(), 0) != 0 && errno != ENOENT) {
    return sys_error("cannot remove the stale", f.temp_);
  }
  // 0600 while it is written when it gets its own mode at the end.
  const mode_t initial = spec.attributes ? 0600 : 0644;
  f.fd_ = ::openat(f.dir_.get(), f.temp_name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, initial);
  if (f.fd_ < 0) {
    if (disk_full && is_disk_full(errno)) *disk_full = true;
    return sys_error("cannot create", f.temp_);
  }
  f.hash_ = std::make_unique<format::Sha256>();
  return f;
}

RestoredFile::RestoredFile(RestoredFile&& o) noexcept { *this = std::move(o); }

RestoredFile& RestoredFile::operator=(RestoredFile&& o) noexcept {
  if (this != &o) {
    abandon();
    spec_ = std::move(o.spec_);
    final_ = std::move(o.final_);
    temp_ = std::move(o.temp_);
    name_ = std::move(o.name_);
    temp_name_ = std::move(o.temp_name_);
    dir_ = std::move(o.dir_);
    fd_ = o.fd_;
    written_ = o.written_;
    disk_full_ = o.disk_full_;
    hash_ = std::move(o.hash_);
    pacer_ = o.pacer_;
    pacing_ = o.pacing_;
    o.fd_ = -1;
    o.temp_name_.clear();
  }
  return *this;
}

RestoredFile::~RestoredFile() { abandon(); }

void RestoredFile::abandon() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_name_.empty() && dir_.valid()) ::unlinkat(dir_.get(), temp_name_.c_str(), 0);
  temp_name_.clear();
}

Status RestoredFile::write(std::uint64_t file_offset, std::span<const std::uint8_t> bytes) {
  if (fd_ < 0) return make_error(Errc::internal, "write to a closed restore file " + final_.string());
  if (file_offset != written_) {
    return make_error(Errc::internal, final_.string() + ": piece at offset " + std::to_string(file_offset) +
                                          " arrived after " + std::to_string(written_) + " bytes (pieces out of order)");
  }
  if (written_ + bytes.size() > spec_.size) {
    return make_error(Errc::data_integrity, final_.string() + ": tape holds more bytes than the catalog's size " +
                                                std::to_string(spec_.size));
  }
  hash_->update(bytes);
  while (!bytes.empty()) {
    ssize_t n = write_bytes(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (is_disk_full(errno)) return full_disk_error("write");
      return sys_error("cannot write", temp_);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    written_ += static_cast<std::uint64_t>(n);
  }
  return pace_writeback();
}

Status RestoredFile::pace_writeback() {
  if (!pacing_) return {};
  const WritebackStep step = pacer_.after_write(written_);
  if (!step.start.empty()) TG_CHECK(sync_range(step.start, SYNC_FILE_RANGE_WRITE, DurabilityStep::writeback_started));
  // WRITE between the waits: a page dirtied again since it was started is
  // written too, so the whole range is on disk when this returns.
  if (!step.wait.empty()) {
    TG_CHECK(sync_range(step.wait, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER,
                        DurabilityStep::writeback_waited));
  }
  return {};
}

Status RestoredFile::sync_range(ByteRange range, unsigned flags, DurabilityStep step) {
  if (::sync_file_range(fd_, static_cast<off_t>(range.offset), static_cast<off_t>(range.length), flags) != 0) {
    // A file system or kernel without it: the file is written back by the
    // kernel and by the fsync in commit(), as it would be without pacing.
    if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP || errno == ESPIPE) {
      pacing_ = false;
      return {};
    }
    // Delayed allocation finds a full disk when writeback starts: the same
    // stop as a full disk met by write(2).
    if (is_disk_full(errno)) return full_disk_error("writeback");
    return sys_error("cannot write back", temp_);
  }
  observe(step, range.offset, range.length);
  return {};
}

Status RestoredFile::commit() {
  if (fd_ < 0) return make_error(Errc::internal, "commit of a closed restore file " + final_.string());
  if (written_ != spec_.size) {
    return make_error(Errc::data_integrity, final_.string() + ": " + std::to_string(written_) +
                                                " bytes restored, the catalog says " + std::to_string(spec_.size));
  }
  std::string got = hash_->finish_hex();
  if (got != spec_.sha256) {
    abandon();
    return make_error(Errc::data_integrity, "checksum mismatch for " + spec_.path + ": tape gave SHA-256 " + got +
                                                ", the catalog records " + spec_.sha256);
  }
  TG_CHECK(apply_attributes());
  struct timespec times[2] = {{.tv_sec = 0, .tv_nsec = UTIME_OMIT}, {.tv_sec = spec_.mtime, .tv_nsec = 0}};
  if (::futimens(fd_, times) != 0) return sys_error("cannot set the modification time of", temp_);
  // A file system that allocates late (delayed allocation, NFS) reports
  // a full disk only here. After the owner and mode: they are made durable
  // with the data.
  if (::fsync(fd_) != 0) return is_disk_full(errno) ? full_disk_error("fsync") : sys_error("cannot fsync", temp_);
  observe(DurabilityStep::file_synced, 0, written_);
  if (::close(fd_) != 0) {
    fd_ = -1;
    return is_disk_full(errno) ? full_disk_error("close") : sys_error("cannot close", temp_);
  }
  fd_ = -1;
  // Both names relative to the directory opened beneath the target: a
  // symlink at the final name is replaced, never followed.
  int rc = ::renameat2(dir_.get(), temp_name_.c_str(), dir_.get(), name_.c_str(),
                       spec_.overwrite ? 0u : static_cast<unsigned>(RENAME_NOREPLACE));
  if (rc != 0) {
    if (errno == EEXIST) {
      return make_error(Errc::invalid_argument, final_.string() + " appeared during the restore; not overwritten");
    }
    return sys_error("cannot rename to", final_);
  }
  temp_name_.clear();
  observe(DurabilityStep::renamed);
  if (::fsync(dir_.get()) != 0) return sys_error("cannot fsync directory", final_.parent_path());
  observe(DurabilityStep::directory_synced);
  return {};
}

// Owner first: chown clears set-user-ID and set-group-ID, the mode after it
// puts back what restored_mode() allows.
Status RestoredFile::apply_attributes() {
  if (!spec_.attributes) return {};
  const FileAttributes& a = *spec_.attributes;
  if (spec_.restore_owner) {
    // (uid_t)-1 means "leave unchanged" to fchown: not an owner to restore.
    constexpr std::uint64_t kMaxId = static_cast<std::uint64_t>(static_cast<uid_t>(-1)) - 1;
    if (a.uid > kMaxId || a.gid > kMaxId) {
      return make_error(Errc::invalid_argument, final_.string() + ": owner " + std::to_string(a.uid) + ":" +
                                                    std::to_string(a.gid) + " on tape is not a valid user/group id");
    }
    if (::fchown(fd_, static_cast<uid_t>(a.uid), static_cast<gid_t>(a.gid)) != 0) {
      return sys_error("cannot give owner " + std::to_string(a.uid) + ":" + std::to_string(a.gid) + " to", temp_);
    }
  }
  if (::fchmod(fd_, restored_mode(a.mode, spec_.restore_owner)) != 0) return sys_error("cannot set the mode of", temp_);
  return {};
}

}  // namespace tg::firmware::restore
