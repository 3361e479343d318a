#include "firmware/repository/repository_scan.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "firmware/repository/tree_walk.hpp"

namespace tg::firmware::repository {
namespace fs = std::filesystem;

const char* file_kind_name(FileKind k) {
  switch (k) {
    case FileKind::full: return "full";
    case FileKind::incremental: return "incremental";
    case FileKind::reverse_incremental: return "reverse";
    case FileKind::metadata: return "metadata";
    case FileKind::other: return "other";
  }
  return "other";
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "YYYY_MM_DD-HH_MM_SS" (vzdump's stamp).
bool is_vzdump_stamp(std::string_view s) {
  if (s.size() != 19) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool sep = i == 4 || i == 7 || i == 13 || i == 16;
    if (i == 10) {
      if (c != '-') return false;
    } else if (sep) {
      if (c != '_') return false;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// vzdump-{qemu,lxc}-<vmid>-<stamp>.<rest>
bool classify_vzdump(const std::string& name, BackupFileEntry& e) {
  std::string_view n(name);
  std::string_view type;
  if (n.rfind("vzdump-qemu-", 0) == 0) type = "qemu";
  else if (n.rfind("vzdump-lxc-", 0) == 0) type = "lxc";
  else return false;
  n.remove_prefix(8 + type.size());
  auto dash = n.find('-');
  if (dash == std::string_view::npos || !all_digits(n.substr(0, dash))) return false;
  std::string vmid(n.substr(0, dash));
  n.remove_prefix(dash + 1);
  if (n.size() < 20 || !is_vzdump_stamp(n.substr(0, 19)) || n[19] != '.') return false;
  std::string stamp(n.substr(0, 19));
  std::string rest(n.substr(20));
  e.group = std::string(type) + "-" + vmid;
  e.stamp = stamp;
  static const char* images[] = {"vma", "vma.zst", "vma.lzo", "vma.gz", "tar", "tar.zst", "tar.lzo", "tar.gz", "tgz"};
  for (const char* x : images)
    if (rest == x) {
      e.kind = FileKind::full;
      return true;
    }
  e.kind = ends_with(rest, ".notes") || rest == "log" ? FileKind::metadata : FileKind::other;
  return true;
}

// Veeam: the time stamp "D<YYYY-MM-DD>T<HHMMSS>" ends the chain's name prefix.
void classify_veeam(const std::string& dir, const std::string& name, BackupFileEntry& e) {
  std::string ext = name.substr(name.size() - 4);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  e.kind = ext == ".vbk" ? FileKind::full
         : ext == ".vib" ? FileKind::incremental
         : ext == ".vrb" ? FileKind::reverse_incremental
                         : FileKind::metadata;
  std::string prefix = name.substr(0, name.size() - 4);
  for (std::size_t i = 0; i + 18 <= name.size(); ++i) {
    // D2024-01-31T220000
    std::string_view s(name.data() + i, 18);
    if (s[0] == 'D' && all_digits(s.substr(1, 4)) && s[5] == '-' && all_digits(s.substr(6, 2)) && s[8] == '-' &&
        all_digits(s.substr(9, 2)) && s[11] == 'T' && all_digits(s.substr(12, 6))) {
      prefix = name.substr(0, i);
      e.stamp = std::string(s.substr(1));
      break;
    }
  }
  // The .vbm describes the whole folder's chain(s): it travels with the
  // folder's first group key so it stays beside the chain.
  if (e.kind == FileKind::metadata) prefix = "";
  e.group = "veeam:" + (dir.empty() ? std::string(".") : dir) + (prefix.empty() ? "" : "/" + prefix);
}

bool is_veeam(const std::string& name) {
  if (name.size() < 5) return false;
  std::string ext = name.substr(name.size() - 4);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".vbk" || ext == ".vib" || ext == ".vrb" || ext == ".vbm";
}

int kind_rank(FileKind k) {
  switch (k) {
    case FileKind::full: return 0;
    case FileKind::incremental: return 1;
    case FileKind::reverse_incremental: return 1;
    case FileKind::metadata: return 2;
    case FileKind::other: return 3;
  }
  return 3;
}

}  // namespace

std::string skip_reason(const std::string& name) {
  if (name.empty()) return "empty name";
  if (name[0] == '.') return "hidden file";
  if (name.back() == '~') return "editor backup file";
  static const char* partial[] = {".tmp", ".part", ".partial", ".lock", ".lck", ".inprogress", ".dat", ".crdownload"};
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* s : partial)
    if (ends_with(lower, s)) return std::string("still being written (") + s + ")";
  return "";
}

BackupFileEntry classify_backup_file(const std::string& rel) {
  BackupFileEntry e;
  e.path = rel;
  auto slash = rel.rfind('/');
  std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash);
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  if (classify_vzdump(name, e)) return e;
  if (is_veeam(name)) {
    classify_veeam(dir, name, e);
    return e;
  }
  e.kind = FileKind::other;
  return e;
}

namespace {

std::int64_t nanoseconds(const struct timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// Decides per entry of the walk: skipped (and why), walked into, or a
// backup file with what lstat said about it.
class ScanVisitor final : public TreeVisitor {
 public:
  ScanVisitor(const fs::path& root, RepositoryScan& scan, std::vector<BackupFileEntry>& found)
      : root_(root), scan_(scan), found_(found) {}

  Descend visit(const TreeEntry& e) override {
    const std::string name(e.name);
    if (S_ISLNK(e.st.st_mode)) return skip(e.path, "symbolic link");
    if (S_ISDIR(e.st.st_mode)) {
      if (name[0] == '.') return skip(e.path, "hidden directory");
      // Every file beneath would be refused for its path anyway.
      if (e.path.size() > 4096) return skip(e.path.substr(0, 64) + "...", "path longer than 4096 bytes");
      return Descend::yes;
    }
    if (!S_ISREG(e.st.st_mode)) return skip(e.path, "not a regular file");
    if (std::string why = skip_reason(name); !why.empty()) return skip(e.path, why);
    if (e.path.size() > 4096) return skip(e.path.substr(0, 64) + "...", "path longer than 4096 bytes");
    BackupFileEntry f = classify_backup_file(e.path);
    f.absolute = root_ / e.path;
    f.size = static_cast<std::uint64_t>(e.st.st_size);
    f.mtime = e.st.st_mtim.tv_sec;
    f.device = static_cast<std::uint64_t>(e.st.st_dev);
    f.inode = static_cast<std::uint64_t>(e.st.st_ino);
    f.mtime_ns = nanoseconds(e.st.st_mtim);
    f.ctime_ns = nanoseconds(e.st.st_ctim);
    f.mode = static_cast<std::uint32_t>(e.st.st_mode & 07777);
    f.uid = static_cast<std::uint32_t>(e.st.st_uid);
    f.gid = static_cast<std::uint32_t>(e.st.st_gid);
    found_.push_back(std::move(f));
    return Descend::no;
  }

  void unreadable(const std::string& path, const std::string& reason) override {
    scan_.unreadable.push_back({path, reason});
  }

 private:
  Descend skip(std::string path, std::string reason) {
    scan_.skipped.push_back({std::move(path), std::move(reason)});
    return Descend::no;
  }

  const fs::path& root_;
  RepositoryScan& scan_;
  std::vector<BackupFileEntry>& found_;
};

}  // namespace

Result<RepositoryScan> scan_repository(const fs::path& root) {
  RepositoryScan scan;
  scan.root = root;
  std::vector<BackupFileEntry> found;
  ScanVisitor visitor(root, scan, found);
  TG_CHECK(walk_tree(root, visitor));
  // Chains first (by key), each in time order, full before incrementals of
  // the same time, metadata after; then ungrouped files by path.
  std::stable_sort(found.begin(), found.end(), [](const BackupFileEntry& a, const BackupFileEntry& b) {
    bool ag = !a.group.empty(), bg = !b.group.empty();
    if (ag != bg) return ag;
    if (a.group != b.group) return a.group < b.group;
    if (!ag) return a.path < b.path;
    const std::string& as = a.stamp.empty() ? std::string() : a.stamp;
    const std::string& bs = b.stamp.empty() ? std::string() : b.stamp;
    if (as.empty() != bs.empty()) return bs.empty();
    if (as != bs) return as < bs;
    if (a.mtime != b.mtime && as.empty()) return a.mtime < b.mtime;
    if (kind_rank(a.kind) != kind_rank(b.kind)) return kind_rank(a.kind) < kind_rank(b.kind);
    return a.path < b.path;
  });
  std::string last_group;
  for (auto& e : found) {
    scan.total_bytes += e.size;
    if (!e.group.empty() && e.group != last_group) {
      ++scan.group_count;
      last_group = e.group;
    }
  }
  scan.files = std::move(found);
  return scan;
}

}  // namespace tg::firmware::repository
