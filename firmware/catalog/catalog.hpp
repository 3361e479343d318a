#pragma once
// The catalog: what is on which cartridge, in SQLite (STATE/catalog.sqlite,
// hal::StoragePaths::catalog()). WAL mode, foreign keys on, a busy timeout,
// and a schema version with migrations (schema.cpp).
//
// Durability rule (architecture.md, "Commit order"): a piece of a backup file
// is recorded uncommitted when the job hands its bytes to the drive, and
// becomes committed only through commit_pieces_through(), which the job calls
// after the filemark or flush that made those blocks durable was acknowledged.
// Only committed pieces count as "on tape". Catalog::open() runs crash
// recovery, so after a crash the catalog never claims more than is on tape.
//
// Thread safety: one Catalog is one SQLite connection guarded by a mutex; an
// open Transaction holds that mutex until it commits or is destroyed, so other
// threads' calls wait for it. Several processes may open the same file (WAL).
//
// Every call works inside or outside an explicit Transaction: calls that
// change several rows use a SAVEPOINT of their own.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "firmware/catalog/catalog_types.hpp"
#include "hal/clock.hpp"
#include "hal/result.hpp"

namespace tg::firmware::catalog {

class Database;  // sqlite connection wrapper (database.hpp, internal)
class Catalog;

// An explicit transaction (BEGIN IMMEDIATE). Destroyed without commit() ->
// rolled back, so an early `return error` leaves nothing behind.
class [[nodiscard]] Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status commit();
  void rollback();
  bool active() const { return catalog_ != nullptr; }

 private:
  friend class Catalog;
  Transaction(Catalog* c, std::unique_lock<std::recursive_mutex> lock)
      : catalog_(c), lock_(std::move(lock)) {}
  Catalog* catalog_ = nullptr;
  std::unique_lock<std::recursive_mutex> lock_;
};

struct PoolSpec {
  std::string name;                 // [A-Za-z0-9_.-]{1,64}
  std::uint32_t retention_days = 30;
  AllocationPolicy policy = AllocationPolicy::continue_set;
};

struct CartridgeFilter {
  std::optional<std::string> pool;
  std::optional<std::string> media_set;
  std::optional<CartridgeState> state;
};

// What the volume label on a cartridge says (recorded by `label` and by
// `inventory --read-labels`).
struct LabelRecord {
  std::string barcode;
  std::string pool;
  std::string media_set;
  std::uint32_t sequence = 0;
  std::int64_t label_time = 0;
  std::string format_version;
  std::uint32_t block_size = 0;
};

struct JobStart {
  std::string name;
  JobKind kind = JobKind::backup;
  std::string repository;
  std::optional<std::string> pool;
  std::optional<std::string> media_set;
};

struct TapeFileStart {
  std::string cartridge;
  std::uint32_t file_number = 0;
  std::uint64_t first_block = 0;
  TapeFileKind kind = TapeFileKind::data;
  std::optional<std::int64_t> job;
};

struct BackupFileStart {
  std::int64_t job = 0;
  std::string repository;
  std::string path;
  std::string group;
  BackupKind kind = BackupKind::full;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string sha256;               // may be "" and set later with set_backup_file_sha256
};

struct PieceStart {
  std::int64_t backup_file = 0;
  std::int64_t tape_file = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint64_t first_block = 0;
  std::uint64_t end_block = 0;
  std::uint64_t header_offset = 0;
  std::uint32_t volume_index = 0;
};

struct ListFilter {
  std::optional<std::string> pool;
  std::optional<std::string> cartridge;
  std::optional<std::int64_t> job;
  bool include_uncommitted = false;
};

class Catalog {
 public:
  // Opens (creating if needed) the catalog file, migrates the schema and runs
  // crash recovery (see recovery()). The clock stamps every record.
  static Result<std::unique_ptr<Catalog>> open(const std::filesystem::path& file, hal::Clock& clock);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  static constexpr int kSchemaVersion = 1;
  Result<int> schema_version();
  const RecoveryReport& recovery() const { return recovery_; }
  const std::filesystem::path& file() const { return file_; }
  hal::Clock& clock() { return clock_; }

  // Errc::busy if this catalog already has an open transaction.
  Result<Transaction> begin();

  // --- pools ---------------------------------------------------------------
  Status create_pool(const PoolSpec& spec);       // invalid_argument if it exists or bad name
  Result<std::vector<Pool>> list_pools();
  Result<Pool> pool(const std::string& name);     // not_found

  // --- media sets ----------------------------------------------------------
  // Closes the pool's open media set (if any) and starts a new one.
  Result<MediaSet> start_media_set(const std::string& pool);
  // The pool's newest media set that is not closed.
  Result<std::optional<MediaSet>> current_media_set(const std::string& pool);
  Result<MediaSet> media_set(const std::string& id);
  Result<std::vector<MediaSet>> list_media_sets(const std::optional<std::string>& pool);
  Status close_media_set(const std::string& id);  // its cartridges become full
  // Records a media set found on tape (label read, catalog rebuild) if the
  // catalog does not know it; invalid_argument if it is known in another pool.
  Status adopt_media_set(const MediaSet& ms);
  // 1 + the highest sequence of a cartridge in the set (1 for an empty set).
  Result<std::uint32_t> next_sequence(const std::string& media_set);

  // --- cartridges ----------------------------------------------------------
  // Inserts or replaces the row with every field of `c`.
  Status upsert_cartridge(const Cartridge& c);
  // Inserts an `unknown` (or `cleaning`, for a CLN barcode) row if the barcode
  // is new; returns true when it inserted.
  Result<bool> ensure_cartridge(const std::string& barcode);
  Result<Cartridge> cartridge(const std::string& barcode);          // not_found
  Result<std::optional<Cartridge>> find_cartridge(const std::string& barcode);
  Result<std::vector<Cartridge>> list_cartridges(const CartridgeFilter& f = {});
  Status set_cartridge_state(const std::string& barcode, CartridgeState s, const std::string& note = "");
  Status set_cartridge_worm(const std::string& barcode, bool worm);
  // The cartridge now carries this label as tape file 0 (one block, then a
  // filemark, acknowledged): pool, set, sequence and label data are set,
  // state appendable, bytes/last file reset, the tape files and pieces of its
  // former content are forgotten (overwritten), and tape file 0 (kind label)
  // is recorded. media_set "" = labelled into the pool, not yet in a set
  // (sequence 0). A given media set must belong to the pool.
  Status record_label(const LabelRecord& label);
  // The tape says the cartridge holds none of our data (read blank or
  // foreign): its tape files and pieces are forgotten, pool/set/label
  // fields cleared, state set (blank or foreign) with the note.
  Status forget_content(const std::string& barcode, CartridgeState state, const std::string& note = "");
  // A tape file was completed on the cartridge (after its filemark).
  Status note_written(const std::string& barcode, std::uint32_t file_number, std::uint64_t bytes_added);
  // Cartridges of closed media sets whose retention has passed -> expired.
  // Returns how many changed.
  Result<std::uint64_t> apply_retention();
  Result<Verification> record_verification(const Verification& v);  // also updates last_verified
  Result<std::vector<Verification>> verifications(const std::string& barcode);

  // --- jobs ----------------------------------------------------------------
  Result<Job> start_job(const JobStart& j);
  Status set_job_media_set(std::int64_t job, const std::string& media_set);
  Status update_job_progress(std::int64_t job, std::uint64_t bytes, std::uint64_t files);
  // state must not be `running`.
  Status finish_job(std::int64_t job, JobState state, std::uint64_t bytes, std::uint64_t files,
                    const std::string& summary);
  Result<Job> job(std::int64_t id);                                  // not_found
  Result<std::optional<Job>> find_job_by_uuid(const std::string& uuid);
  Result<std::vector<Job>> list_jobs(std::size_t limit = 100);        // newest first

  // --- tape files ----------------------------------------------------------
  // busy if the cartridge already has an open tape file; invalid_argument if
  // the file number is not above every recorded one on the cartridge.
  Result<TapeFile> open_tape_file(const TapeFileStart& t);
  // After its filemark was acknowledged. Does not commit pieces: call
  // commit_pieces_through(id, block_count) first.
  Status close_tape_file(std::int64_t tape_file, std::uint64_t block_count);
  Result<TapeFile> tape_file(std::int64_t id);
  Result<std::vector<TapeFile>> tape_files_of_cartridge(const std::string& barcode);
  Result<std::vector<TapeFile>> tape_files_of_job(std::int64_t job);

  // --- backup files and pieces ---------------------------------------------
  Result<BackupFile> add_backup_file(const BackupFileStart& f);
  Status set_backup_file_sha256(std::int64_t backup_file, const std::string& sha256_hex);
  Result<BackupFile> backup_file(std::int64_t id);
  // Records bytes handed to the drive: uncommitted until commit_pieces_through.
  Result<Piece> record_piece(const PieceStart& p);
  // The drive acknowledged a filemark/flush with `durable_blocks` blocks of
  // the tape file on tape: every uncommitted piece of it with end_block <=
  // durable_blocks becomes committed. Returns how many were committed.
  Result<std::uint64_t> commit_pieces_through(std::int64_t tape_file, std::uint64_t durable_blocks);

  // Files of `repository` with a complete committed copy (optionally in one
  // pool), one entry per distinct (path, size, mtime, sha256).
  Result<std::vector<OnTapeFile>> files_on_tape(const std::string& repository,
                                                const std::optional<std::string>& pool = std::nullopt);
  // A complete committed copy of exactly this file version, if any.
  Result<std::optional<BackupFile>> find_committed_copy(const std::string& repository, const std::string& path,
                                                        std::uint64_t size, std::int64_t mtime,
                                                        const std::string& sha256);

  // --- restore lookups -----------------------------------------------------
  // Committed pieces, ordered by (media set sequence, tape file number,
  // block): the order to read them in, and also file-offset order.
  Result<std::vector<PieceLocation>> pieces_of(std::int64_t backup_file);
  Result<std::vector<BackupFile>> files_of_group(const std::string& repository, const std::string& group);
  Result<std::vector<BackupFile>> files_of_job(std::int64_t job);
  Result<std::vector<BackupFile>> files_of_media_set(const std::string& media_set);
  // Every recorded copy of repository/path, newest job first.
  Result<std::vector<BackupFile>> versions_of(const std::string& repository, const std::string& path);
  // Distinct (repository, path) whose last path component is `name`, for a
  // "did you mean" when an operator gives a base name; at most `limit`.
  Result<std::vector<std::pair<std::string, std::string>>> paths_named(const std::string& name, std::size_t limit);
  // `catalog list [--pool P] [--cartridge B]`: one entry per piece, ordered
  // by cartridge, tape file, block.
  Result<std::vector<ListEntry>> list(const ListFilter& f);

  // Internal: the SQLite wrapper, for schema/export code in this directory.
  Database& db() { return *db_; }

 private:
  friend class Transaction;
  Catalog(std::filesystem::path file, hal::Clock& clock, std::unique_ptr<Database> db);
  Status recover();
  Status take_open_lock(bool& exclusive);
  std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock<std::recursive_mutex>(mu_); }

  std::filesystem::path file_;
  hal::Clock& clock_;
  std::unique_ptr<Database> db_;
  std::recursive_mutex mu_;
  bool in_transaction_ = false;
  // flock(2) on "<file>.lock": shared while open, exclusive during recovery,
  // so one process's recovery never marks another's live jobs interrupted.
  int lock_fd_ = -1;
  RecoveryReport recovery_;
};

}  // namespace tg::firmware::catalog
