#pragma once
// The tests run as root, and root reads a directory whatever its mode
// (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). A test that needs an unreadable
// directory drops both from this thread's effective set for a scope and
// puts them back after; the uid stays 0, so everything else the test made
// (owned by root, owner-writable) stays usable. Capabilities are per
// thread: threads started inside the scope inherit the reduced set, threads
// that existed keep theirs. As a non-root user there is nothing to drop and
// a mode-000 directory is unreadable anyway.
#include <dirent.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>

namespace tg::test {

class WithoutDacOverride {
 public:
  WithoutDacOverride() {
    if (::syscall(SYS_capget, &header_, saved_) != 0) return;
    __user_cap_data_struct reduced[2] = {saved_[0], saved_[1]};
    for (int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH})
      reduced[cap / 32].effective &= ~(1u << (cap % 32));
    dropped_ = ::syscall(SYS_capset, &header_, reduced) == 0;
  }
  ~WithoutDacOverride() {
    if (dropped_) (void)::syscall(SYS_capset, &header_, saved_);
  }
  WithoutDacOverride(const WithoutDacOverride&) = delete;
  WithoutDacOverride& operator=(const WithoutDacOverride&) = delete;

  // The premise of the test: this thread cannot list `dir`.
  static bool cannot_list(const std::filesystem::path& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (d) ::closedir(d);
    return d == nullptr;
  }

 private:
  __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct saved_[2]{};
  bool dropped_ = false;
};

}  // namespace tg::test
