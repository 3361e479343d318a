#pragma once
// The records the catalog keeps, as plain values. Times are UNIX seconds
// (hal::Clock::wall_seconds()); ids are the catalog's row ids except where a
// record must survive a catalog rebuild on another appliance (media sets and
// jobs also carry a uuid, which the on-tape catalog copy uses).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tg::firmware::catalog {

// How a pool chooses media sets.
//   continue_set: jobs append to the pool's current media set until an
//                 operator (or a full library) closes it.
//   new_set_per_job: every backup job starts a new media set, so each job's
//                 cartridges can be taken off site together.
enum class AllocationPolicy : std::uint8_t { continue_set, new_set_per_job };
const char* allocation_policy_name(AllocationPolicy p);                 // "continue", "always"
std::optional<AllocationPolicy> parse_allocation_policy(std::string_view s);

struct Pool {
  std::string name;
  std::uint32_t retention_days = 0;   // after its media set closes, a cartridge may be reused
  AllocationPolicy policy = AllocationPolicy::continue_set;
  std::int64_t created = 0;
};

struct MediaSet {
  std::string id;                     // uuid-ish, written into every label of the set
  std::string pool;
  std::int64_t created = 0;
  std::optional<std::int64_t> closed; // no more appends once set
};

// What the catalog knows about a cartridge's content.
//   unknown:    seen in the library, never read (inventory --read-labels reads it)
//   blank:      BLANK CHECK at block 0, nothing on it
//   appendable: labelled into a pool, may receive more tape files
//   full:       labelled, no more appends (end of medium reached or set closed)
//   expired:    its media set passed retention; may be relabelled into its pool
//   bad:        failed (medium error, failed verify); never allocated
//   foreign:    written by another product or an unknown format; never allocated
//   cleaning:   a cleaning cartridge (CLN barcode prefix)
enum class CartridgeState : std::uint8_t { unknown, blank, appendable, full, expired, bad, foreign, cleaning };
const char* cartridge_state_name(CartridgeState s);
std::optional<CartridgeState> parse_cartridge_state(std::string_view s);

struct Cartridge {
  std::string barcode;
  CartridgeState state = CartridgeState::unknown;
  std::optional<std::string> pool;
  std::optional<std::string> media_set;
  std::uint32_t sequence = 0;         // 1-based position in its media set; 0 = none
  std::optional<std::int64_t> label_time;
  std::string format_version;         // tape_format_name() of the label, "" if unlabelled
  std::uint32_t block_size = 0;       // tape block size the label was written with
  std::uint64_t bytes_written = 0;
  std::optional<std::uint32_t> last_file_number;  // last tape file written (label = 0)
  std::optional<std::int64_t> last_written;
  std::optional<std::int64_t> last_verified;
  std::string last_verify_result;     // "ok" or the failure, "" if never verified
  bool worm = false;                  // write-once media: never relabel or erase
  std::string note;                   // why it is bad/foreign, free text for the operator
};

enum class JobKind : std::uint8_t { backup, restore, verify, rebuild };
const char* job_kind_name(JobKind k);
std::optional<JobKind> parse_job_kind(std::string_view s);

// interrupted: the appliance stopped while the job ran (found at catalog open).
enum class JobState : std::uint8_t { running, done, failed, cancelled, interrupted };
const char* job_state_name(JobState s);
std::optional<JobState> parse_job_state(std::string_view s);

struct Job {
  std::int64_t id = 0;
  std::string uuid;
  std::string name;
  JobKind kind = JobKind::backup;
  std::string repository;             // source (backup) or target (restore) repository
  std::optional<std::string> pool;
  std::optional<std::string> media_set;
  std::int64_t started = 0;
  std::optional<std::int64_t> ended;
  JobState state = JobState::running;
  std::uint64_t bytes = 0;
  std::uint64_t files = 0;
  std::string summary;
};

enum class TapeFileKind : std::uint8_t { label, data, catalog_copy };
const char* tape_file_kind_name(TapeFileKind k);
std::optional<TapeFileKind> parse_tape_file_kind(std::string_view s);

// incomplete: left open by a crash; only its committed pieces are trusted and
// no filemark is known to follow it.
enum class TapeFileState : std::uint8_t { open, closed, incomplete };
const char* tape_file_state_name(TapeFileState s);
std::optional<TapeFileState> parse_tape_file_state(std::string_view s);

struct TapeFile {
  std::int64_t id = 0;
  std::string cartridge;              // barcode
  std::uint32_t file_number = 0;      // tape file number on the cartridge (label = 0)
  std::uint64_t first_block = 0;      // logical block address of its first block
  std::uint64_t block_count = 0;      // known when closed
  TapeFileKind kind = TapeFileKind::data;
  std::optional<std::int64_t> job;
  TapeFileState state = TapeFileState::open;
};

enum class BackupKind : std::uint8_t { full, incremental };
const char* backup_kind_name(BackupKind k);
std::optional<BackupKind> parse_backup_kind(std::string_view s);

// One copy of one repository file written by one job.
struct BackupFile {
  std::int64_t id = 0;
  std::int64_t job = 0;
  std::string repository;
  std::string path;                   // relative to the repository root
  std::string group;                  // VM / backup-chain key ("" if none)
  BackupKind kind = BackupKind::full;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string sha256;                 // lowercase hex; "" until the job has hashed it all
  // Computed: every byte is in committed pieces and the hash is known.
  bool on_tape = false;
};

// A contiguous run of one backup file's bytes inside one tape file. A file
// spanning cartridges has one piece per cartridge (volume_index 0, 1, ...).
struct Piece {
  std::int64_t id = 0;
  std::int64_t backup_file = 0;
  std::int64_t tape_file = 0;
  std::uint64_t offset = 0;           // byte offset within the backup file
  std::uint64_t length = 0;           // bytes of the backup file in this piece
  std::uint64_t first_block = 0;      // block within the tape file holding the piece's header
  std::uint64_t end_block = 0;        // first block within the tape file after its last byte
  std::uint64_t header_offset = 0;    // byte offset of its tar header within the tape file
  std::uint32_t volume_index = 0;     // 0 = original header, n = n-th continuation
  bool committed = false;             // durable on tape (flush/filemark acknowledged)
};

// A piece with everything restore needs to find it.
struct PieceLocation {
  Piece piece;
  std::string cartridge;              // barcode
  std::string media_set;
  std::uint32_t sequence = 0;         // of the cartridge in its media set
  std::uint32_t file_number = 0;      // tape file number
  std::uint64_t tape_file_first_block = 0;
  // Logical block to LOCATE to: tape_file_first_block + piece.first_block.
  std::uint64_t locate_block() const { return tape_file_first_block + piece.first_block; }
};

struct Verification {
  std::int64_t id = 0;
  std::string cartridge;
  std::optional<std::int64_t> job;
  std::int64_t time = 0;
  bool ok = false;
  std::uint64_t files_checked = 0;
  std::uint64_t bytes_checked = 0;
  std::string detail;                 // first failure, or a summary
};

// A file known to be on tape, for "write only what is not on tape yet".
struct OnTapeFile {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string sha256;
  std::int64_t backup_file = 0;       // one committed copy
};

// One line of `catalog list`.
struct ListEntry {
  std::string cartridge;
  std::optional<std::string> pool;
  std::optional<std::string> media_set;
  std::uint32_t sequence = 0;
  std::uint32_t file_number = 0;
  std::int64_t job = 0;
  std::string repository;
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::uint64_t offset = 0, length = 0;  // of this piece
  std::uint32_t volume_index = 0;
  bool on_tape = false;
};

// What Catalog::open() repaired after an unclean stop.
struct RecoveryReport {
  std::uint64_t interrupted_jobs = 0;
  std::uint64_t dropped_pieces = 0;        // recorded but never made durable
  std::uint64_t incomplete_tape_files = 0;
  // "TP0001L9 file 3" for each tape file left open: the writer must space to
  // end of data and close it with a filemark before appending.
  std::string incomplete_detail;
  // Recovery runs only when no other process has the catalog open (their
  // running jobs are real); true when it was skipped for that reason.
  bool skipped_in_use = false;
  bool any() const { return interrupted_jobs || dropped_pieces || incomplete_tape_files; }
};

}  // namespace tg::firmware::catalog
