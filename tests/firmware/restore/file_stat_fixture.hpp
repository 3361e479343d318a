#pragma once
// What a restore test checks of a file it wrote: permission bits, owner and
// mtime, read without following a symlink.
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>

#include <catch2/catch.hpp>

namespace tg::test {

struct FileStat {
  mode_t mode = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::int64_t mtime = 0;
};

inline FileStat stat_of(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return {st.st_mode & 07777, st.st_uid, st.st_gid, st.st_mtim.tv_sec};
}

}  // namespace tg::test
