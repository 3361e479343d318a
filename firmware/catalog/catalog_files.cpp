// Backup files, pieces, the durability commit, and the lookups restore and
// the console use.
#include "firmware/catalog/catalog.hpp"
#include "firmware/catalog/catalog_rows.hpp"

namespace tg::firmware::catalog {

namespace {

// "a, b" with prefix "x." -> "x.a, x.b"
std::string prefixed(const char* cols, const char* prefix) {
  std::string out = prefix;
  for (const char* p = cols; *p; ++p) {
    out += *p;
    if (*p == ',') {
      while (p[1] == ' ') out += *++p;
      out += prefix;
    }
  }
  return out;
}

// A copy counts for "already on tape" only while its cartridges are
// trustworthy: not bad (failed verify / medium errors) and not expired
// (may be overwritten at any time).
const char* const kUsableCopy =
    "b.on_tape = 1 AND NOT EXISTS (SELECT 1 FROM pieces p JOIN tape_files t ON t.id = p.tape_file "
    "JOIN cartridges c ON c.barcode = t.cartridge WHERE p.backup_file = b.id AND c.state IN ('bad', 'expired'))";

}  // namespace

Result<BackupFile> Catalog::add_backup_file(const BackupFileStart& f) {
  if (f.path.empty()) return make_error(Errc::invalid_argument, "a backup file needs a path");
  if (!f.sha256.empty() && !rows::is_sha256_hex(f.sha256))
    return make_error(Errc::invalid_argument, f.path + ": '" + f.sha256 + "' is not a lowercase hex SHA-256");
  if (f.size > static_cast<std::uint64_t>(INT64_MAX))
    return make_error(Errc::invalid_argument, f.path + ": size out of range");
  auto l = lock();
  (void)TG_TRY(job(f.job));
  auto st = TG_TRY(db_->prepare("INSERT INTO backup_files(job, repository, path, grp, kind, size, mtime, sha256) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  st.bind(1, f.job).bind(2, f.repository).bind(3, f.path).bind(4, f.group).bind(5, backup_kind_name(f.kind));
  st.bind(6, f.size).bind(7, f.mtime).bind(8, f.sha256);
  TG_CHECK(st.run());
  return BackupFile{.id = db_->last_insert_id(), .job = f.job, .repository = f.repository, .path = f.path,
                    .group = f.group, .kind = f.kind, .size = f.size, .mtime = f.mtime, .sha256 = f.sha256,
                    .on_tape = false};
}

Status Catalog::set_backup_file_sha256(std::int64_t id, const std::string& sha256_hex) {
  if (!rows::is_sha256_hex(sha256_hex))
    return make_error(Errc::invalid_argument, "'" + sha256_hex + "' is not a lowercase hex SHA-256");
  auto l = lock();
  auto st = TG_TRY(db_->prepare("UPDATE backup_files SET sha256 = ?2 WHERE id = ?1"));
  st.bind(1, id).bind(2, sha256_hex);
  TG_CHECK(st.run());
  if (db_->changes() == 0) return make_error(Errc::not_found, "no backup file with id " + std::to_string(id));
  return {};
}

Result<BackupFile> Catalog::backup_file(std::int64_t id) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kBackupFileCols +
                                " FROM backup_files_state WHERE id = ?1"));
  st.bind(1, id);
  if (!TG_TRY(st.step())) return make_error(Errc::not_found, "no backup file with id " + std::to_string(id));
  return rows::read_backup_file(st);
}

Result<Piece> Catalog::record_piece(const PieceStart& p) {
  auto l = lock();
  auto bf = TG_TRY(backup_file(p.backup_file));
  auto tf = TG_TRY(tape_file(p.tape_file));
  auto where = [&] {
    return bf.path + " (cartridge " + tf.cartridge + ", tape file " + std::to_string(tf.file_number) + ")";
  };
  if (tf.state != TapeFileState::open) return make_error(Errc::invalid_argument, where() + ": tape file is not open");
  if (p.end_block < p.first_block)
    return make_error(Errc::invalid_argument, where() + ": piece ends before its first block");
  if (p.length > bf.size || p.offset > bf.size - p.length)
    return make_error(Errc::invalid_argument, where() + ": piece " + std::to_string(p.offset) + "+" +
                                                  std::to_string(p.length) + " lies outside the file's " +
                                                  std::to_string(bf.size) + " bytes");
  {
    // Pieces are recorded in file order and never overlap, so "every byte
    // is in a committed piece" is a simple sum.
    auto st = TG_TRY(db_->prepare("SELECT COALESCE(MAX(offset + length), 0) FROM pieces WHERE backup_file = ?1"));
    st.bind(1, p.backup_file);
    (void)TG_TRY(st.step());
    if (p.offset != st.u64(0))
      return make_error(Errc::invalid_argument, where() + ": piece starts at byte " + std::to_string(p.offset) +
                                                    " but the file's recorded pieces end at " +
                                                    std::to_string(st.u64(0)));
  }
  auto st = TG_TRY(db_->prepare("INSERT INTO pieces(backup_file, tape_file, offset, length, first_block, end_block, "
                                "header_offset, volume_index, committed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)"));
  st.bind(1, p.backup_file).bind(2, p.tape_file).bind(3, p.offset).bind(4, p.length).bind(5, p.first_block);
  st.bind(6, p.end_block).bind(7, p.header_offset).bind(8, p.volume_index);
  TG_CHECK(st.run());
  return Piece{.id = db_->last_insert_id(), .backup_file = p.backup_file, .tape_file = p.tape_file,
               .offset = p.offset, .length = p.length, .first_block = p.first_block, .end_block = p.end_block,
               .header_offset = p.header_offset, .volume_index = p.volume_index, .committed = false};
}

Result<std::uint64_t> Catalog::commit_pieces_through(std::int64_t tape_file_id, std::uint64_t durable_blocks) {
  auto l = lock();
  auto tf = TG_TRY(tape_file(tape_file_id));
  if (tf.state == TapeFileState::incomplete)
    return make_error(Errc::invalid_argument, "cartridge " + tf.cartridge + ": tape file " +
                                                  std::to_string(tf.file_number) +
                                                  " was left incomplete by a crash; nothing more can be committed");
  auto st = TG_TRY(db_->prepare("UPDATE pieces SET committed = 1 WHERE tape_file = ?1 AND committed = 0 "
                                "AND end_block <= ?2"));
  st.bind(1, tape_file_id).bind(2, durable_blocks);
  TG_CHECK(st.run());
  return static_cast<std::uint64_t>(db_->changes());
}

Result<std::vector<OnTapeFile>> Catalog::files_on_tape(const std::string& repository,
                                                       const std::optional<std::string>& pool_name) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(
      std::string("SELECT b.path, b.size, b.mtime, b.sha256, MIN(b.id) FROM backup_files_state b "
                  "WHERE b.repository = ?1 AND ") +
      kUsableCopy +
      " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM pieces p JOIN tape_files t ON t.id = p.tape_file "
      "JOIN cartridges c ON c.barcode = t.cartridge WHERE p.backup_file = b.id AND c.pool = ?2)) "
      "GROUP BY b.path, b.size, b.mtime, b.sha256 ORDER BY b.path"));
  st.bind(1, repository).bind(2, pool_name);
  std::vector<OnTapeFile> out;
  while (TG_TRY(st.step()))
    out.push_back(OnTapeFile{.path = st.text(0), .size = st.u64(1), .mtime = st.i64(2), .sha256 = st.text(3),
                             .backup_file = st.i64(4)});
  return out;
}

Result<std::optional<BackupFile>> Catalog::find_committed_copy(const std::string& repository, const std::string& path,
                                                               std::uint64_t size, std::int64_t mtime,
                                                               const std::string& sha256) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + prefixed(rows::kBackupFileCols, "b.") +
                                " FROM backup_files_state b WHERE b.repository = ?1 AND b.path = ?2 AND b.size = ?3 "
                                "AND b.mtime = ?4 AND b.sha256 = ?5 AND " + kUsableCopy + " ORDER BY b.id DESC LIMIT 1"));
  st.bind(1, repository).bind(2, path).bind(3, size).bind(4, mtime).bind(5, sha256);
  if (!TG_TRY(st.step())) return std::optional<BackupFile>{};
  return std::optional<BackupFile>(rows::read_backup_file(st));
}

Result<std::vector<PieceLocation>> Catalog::pieces_of(std::int64_t backup_file_id) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(
      std::string("SELECT ") + prefixed(rows::kPieceCols, "p.") +
      ", t.cartridge, COALESCE(c.media_set, ''), c.sequence, t.file_number, t.first_block "
      "FROM pieces p JOIN tape_files t ON t.id = p.tape_file JOIN cartridges c ON c.barcode = t.cartridge "
      "WHERE p.backup_file = ?1 AND p.committed = 1 "
      "ORDER BY c.sequence, t.file_number, p.first_block, p.offset"));
  st.bind(1, backup_file_id);
  std::vector<PieceLocation> out;
  while (TG_TRY(st.step())) {
    out.push_back(PieceLocation{.piece = rows::read_piece(st), .cartridge = st.text(10), .media_set = st.text(11),
                                .sequence = st.u32(12), .file_number = st.u32(13),
                                .tape_file_first_block = st.u64(14)});
  }
  return out;
}

namespace {
Result<std::vector<BackupFile>> query_files(Database& db, const std::string& where_and_order,
                                            const std::vector<std::string>& params) {
  auto st = TG_TRY(db.prepare(std::string("SELECT ") + prefixed(rows::kBackupFileCols, "b.") +
                              " FROM backup_files_state b " + where_and_order));
  for (std::size_t i = 0; i < params.size(); ++i) st.bind(static_cast<int>(i + 1), params[i]);
  std::vector<BackupFile> out;
  while (TG_TRY(st.step())) out.push_back(rows::read_backup_file(st));
  return out;
}
}  // namespace

Result<std::vector<BackupFile>> Catalog::files_of_group(const std::string& repository, const std::string& group) {
  auto l = lock();
  return query_files(*db_, "WHERE b.repository = ?1 AND b.grp = ?2 ORDER BY b.job, b.id", {repository, group});
}

Result<std::vector<BackupFile>> Catalog::files_of_job(std::int64_t job_id) {
  auto l = lock();
  return query_files(*db_, "WHERE b.job = CAST(?1 AS INTEGER) ORDER BY b.id", {std::to_string(job_id)});
}

Result<std::vector<BackupFile>> Catalog::files_of_media_set(const std::string& ms) {
  auto l = lock();
  return query_files(*db_,
                     "WHERE EXISTS (SELECT 1 FROM pieces p JOIN tape_files t ON t.id = p.tape_file "
                     "JOIN cartridges c ON c.barcode = t.cartridge WHERE p.backup_file = b.id AND c.media_set = ?1) "
                     "ORDER BY b.job, b.id",
                     {ms});
}

Result<std::vector<BackupFile>> Catalog::versions_of(const std::string& repository, const std::string& path) {
  auto l = lock();
  return query_files(*db_, "WHERE b.repository = ?1 AND b.path = ?2 ORDER BY b.job DESC, b.id DESC",
                     {repository, path});
}

Result<std::vector<std::pair<std::string, std::string>>> Catalog::paths_named(const std::string& name,
                                                                            std::size_t limit) {
  auto l = lock();
  // substr() rather than LIKE: a name may hold % or _, which LIKE would
  // take as wildcards.
  auto st = TG_TRY(db_->prepare(
      "SELECT DISTINCT repository, path FROM backup_files "
      "WHERE path = ?1 OR substr(path, -length(?1) - 1) = '/' || ?1 ORDER BY repository, path LIMIT ?2"));
  st.bind(1, name);
  st.bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::pair<std::string, std::string>> out;
  while (TG_TRY(st.step())) out.emplace_back(st.text(0), st.text(1));
  return out;
}

Result<std::vector<ListEntry>> Catalog::list(const ListFilter& f) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(
      "SELECT t.cartridge, c.pool, c.media_set, c.sequence, t.file_number, b.job, b.repository, b.path, b.size, "
      "b.mtime, p.offset, p.length, p.volume_index, b.on_tape "
      "FROM pieces p JOIN tape_files t ON t.id = p.tape_file JOIN cartridges c ON c.barcode = t.cartridge "
      "JOIN backup_files_state b ON b.id = p.backup_file "
      "WHERE (?1 IS NULL OR c.pool = ?1) AND (?2 IS NULL OR t.cartridge = ?2) AND (?3 IS NULL OR b.job = ?3) "
      "AND (?4 = 1 OR p.committed = 1) "
      "ORDER BY t.cartridge, t.file_number, p.first_block, p.id"));
  st.bind(1, f.pool).bind(2, f.cartridge).bind(3, f.job).bind(4, f.include_uncommitted);
  std::vector<ListEntry> out;
  while (TG_TRY(st.step())) {
    out.push_back(ListEntry{.cartridge = st.text(0), .pool = st.opt_text(1), .media_set = st.opt_text(2),
                            .sequence = st.u32(3), .file_number = st.u32(4), .job = st.i64(5),
                            .repository = st.text(6), .path = st.text(7), .size = st.u64(8), .mtime = st.i64(9),
                            .offset = st.u64(10), .length = st.u64(11), .volume_index = st.u32(12),
                            .on_tape = st.i64(13) != 0});
  }
  return out;
}

}  // namespace tg::firmware::catalog
