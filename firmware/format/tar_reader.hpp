#pragma once
// Streaming reader of POSIX pax / ustar archives (POSIX.1-2017, "pax"
// Extended Description) and the GNU extensions a tape holds: long names
// ('L'/'K'), multi-volume continuations (global header GNU.volume.*,
// ./GNUFileParts/<name>.<n>), base-256 numbers.
//
// It is a push parser: bytes arrive as tape blocks of any size, so a
// header may straddle two blocks. It never reads outside what it was
// given, bounds what it buffers (pax payloads), and on malformed input
// returns an Error that names the stream offset and what was wrong.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "firmware/format/tape_limits.hpp"
#include "hal/result.hpp"

namespace tg::firmware::format {

inline constexpr std::size_t kTarRecord = 512;

// GNU multi-volume continuation facts (from the latest global header).
struct VolumeContinuation {
  std::string filename;        // GNU.volume.filename: the original member name
  std::uint64_t size = 0;      // GNU.volume.size: bytes still to come
  std::uint64_t offset = 0;    // GNU.volume.offset: bytes on earlier volumes
};

struct TarEntry {
  char typeflag = '0';
  std::string path;            // pax 'path', GNU long name, or prefix/name
  std::string linkpath;
  std::uint64_t size = 0;      // bytes of data that follow this header
  std::uint64_t mode = 0, uid = 0, gid = 0;
  std::int64_t mtime = 0;      // seconds; pax fractions dropped
  std::string uname, gname;
  // Extended records that applied to this member: its 'x' header merged
  // over the global ('g') ones in force. Unknown keywords are kept.
  std::map<std::string, std::string> pax;
  // Stream offset of the first record that belongs to this member (its
  // 'g'/'x'/'L' preamble included) and of its own ustar header.
  std::uint64_t preamble_offset = 0, header_offset = 0;
  // Set when this member continues a file from an earlier volume.
  std::optional<VolumeContinuation> continuation;

  bool carries_data() const;   // typeflags whose size means data follows
  bool is_regular() const { return typeflag == '0' || typeflag == '\0' || typeflag == '7'; }
  // For a continuation, the original member name; else path.
  std::string original_path() const;
  // Offset of this member's first data byte within the original file.
  std::uint64_t file_offset() const { return continuation ? continuation->offset : 0; }
  // Convenience lookup in pax; nullptr if absent.
  const std::string* keyword(const std::string& key) const;
};

class TarEvents {
 public:
  virtual ~TarEvents() = default;
  // A member's header (all its preamble applied). Returning an error stops
  // the reader with that error.
  virtual Status on_entry(const TarEntry& entry) = 0;
  // Data of the current member, in order; never more than entry.size.
  virtual Status on_data(std::span<const std::uint8_t> bytes) = 0;
  // The member's last data byte arrived (called also for size 0).
  virtual Status on_entry_end() = 0;
};

// How a stream ended when the caller calls finish() (at a filemark).
enum class TarEnd : std::uint8_t {
  end_of_archive,     // the two zero records were seen
  between_members,    // clean header boundary, no end-of-archive records
  inside_data,        // volume ended inside a member's data (multi-volume)
  inside_header,      // truncated inside a header or its preamble: damage
};

struct TarFinish {
  TarEnd end = TarEnd::between_members;
  std::string member;              // inside_data: the member cut
  std::uint64_t data_done = 0;     // inside_data: bytes of it delivered
  std::uint64_t data_size = 0;     // inside_data: its size in the header
};

struct TarReaderLimits {
  std::size_t max_pax_payload = kMaxPaxPayloadBytes;   // a pax/long-name payload larger is garbage
};

class TarReader {
 public:
  explicit TarReader(TarReaderLimits limits = {});

  // Feeds the next bytes of the stream. After end of archive the rest is
  // accepted and ignored (tape blocks pad the archive's tail).
  [[nodiscard]] Status feed(std::span<const std::uint8_t> bytes, TarEvents& events);
  // The stream stopped (filemark, end of data): how did it end?
  TarFinish finish() const;

  bool at_end_of_archive() const { return state_ == State::done; }
  std::uint64_t offset() const { return offset_; }   // bytes consumed so far
  // Clears all state, including global pax records, to start a new stream.
  void reset();

 private:
  enum class State : std::uint8_t { header, payload, data, padding, second_zero, done };
  Status on_header_record(TarEvents& events);
  Status on_payload_complete();
  Status begin_member(TarEvents& events);
  Error fail(const std::string& what) const;

  TarReaderLimits limits_;
  State state_ = State::header;
  std::uint64_t offset_ = 0;
  std::uint8_t record_[kTarRecord]{};
  std::size_t record_fill_ = 0;
  // Pending payload of an 'x', 'g', 'L' or 'K' record.
  char payload_type_ = 0;
  std::string payload_;
  std::uint64_t payload_size_ = 0;
  // Preamble gathered for the next member.
  std::map<std::string, std::string> globals_, extended_;
  std::optional<std::string> long_name_, long_link_;
  bool have_preamble_ = false;
  std::uint64_t preamble_offset_ = 0;
  // Current member.
  TarEntry entry_;
  std::uint64_t data_left_ = 0, pad_left_ = 0;
};

// Parses a pax extended header payload ("<len> <key>=<value>\n"...).
// Exposed for tests and for the catalog copy reader.
[[nodiscard]] Result<std::map<std::string, std::string>> parse_pax_records(std::string_view payload);

// Numeric ustar field: octal (space/NUL terminated) or GNU base-256.
[[nodiscard]] Result<std::uint64_t> parse_tar_number(std::span<const std::uint8_t> field);

}  // namespace tg::firmware::format
