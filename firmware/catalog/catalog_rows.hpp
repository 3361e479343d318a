#pragma once
// Internal to the catalog's .cpp files: the column lists each record is read
// with, the readers that turn a row into a record, a SAVEPOINT guard, and id
// generation. One place, so every query reads a record the same way.
#include <string>

#include "firmware/catalog/catalog_types.hpp"
#include "firmware/catalog/database.hpp"
#include "hal/result.hpp"

namespace tg::firmware::catalog::rows {

// Rolls back to (and releases) the savepoint unless release() succeeded.
// Nested savepoints of the same name are fine: SQLite resolves the newest.
// Outside a transaction it is BEGIN IMMEDIATE / COMMIT instead: a deferred
// transaction that reads and then writes fails at once with a stale WAL
// snapshot (SQLITE_BUSY_SNAPSHOT, no busy wait) when another connection -
// a second job running on another drive - committed in between.
class [[nodiscard]] Savepoint {
 public:
  static Result<Savepoint> begin(Database& db);
  Savepoint(Savepoint&& o) noexcept : db_(o.db_), outer_(o.outer_) { o.db_ = nullptr; }
  Savepoint(const Savepoint&) = delete;
  ~Savepoint();
  Status release();

 private:
  Savepoint(Database* db, bool outer) : db_(db), outer_(outer) {}
  Database* db_ = nullptr;
  bool outer_ = false;  // began the transaction: COMMIT / ROLLBACK
};

inline constexpr const char* kPoolCols = "name, retention_days, policy, created";
Pool read_pool(const Statement& s, int c0 = 0);

inline constexpr const char* kMediaSetCols = "id, pool, created, closed";
MediaSet read_media_set(const Statement& s, int c0 = 0);

inline constexpr const char* kCartridgeCols =
    "barcode, state, pool, media_set, sequence, label_time, format_version, block_size, bytes_written, "
    "last_file_number, last_written, last_verified, last_verify_result, worm, note";
Cartridge read_cartridge(const Statement& s, int c0 = 0);

inline constexpr const char* kJobCols =
    "id, uuid, name, kind, repository, pool, media_set, started, ended, state, bytes, files, summary";
Job read_job(const Statement& s, int c0 = 0);

inline constexpr const char* kTapeFileCols = "id, cartridge, file_number, first_block, block_count, kind, job, state";
TapeFile read_tape_file(const Statement& s, int c0 = 0);

// From the backup_files_state view (adds on_tape).
inline constexpr const char* kBackupFileCols = "id, job, repository, path, grp, kind, size, mtime, sha256, on_tape";
BackupFile read_backup_file(const Statement& s, int c0 = 0);

inline constexpr const char* kPieceCols =
    "id, backup_file, tape_file, offset, length, first_block, end_block, header_offset, volume_index, committed";
Piece read_piece(const Statement& s, int c0 = 0);

// 128 random bits as a uuid-like string (version 4 layout).
std::string new_uuid();

// [A-Za-z0-9_.-]{1,64}: names that are safe in labels, paths and the CLI.
bool is_valid_name(const std::string& s);
// Printable ASCII without spaces, 1..32: what a barcode reader gives.
bool is_valid_barcode(const std::string& s);
bool is_sha256_hex(const std::string& s);

}  // namespace tg::firmware::catalog::rows
