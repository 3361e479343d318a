#include "firmware/catalog/schema.hpp"

#include <string>
#include <vector>

namespace tg::firmware::catalog {

namespace {

// Migration 1: the first schema. Enum columns are CHECKed against the names
// in catalog_names.cpp so a stray value cannot enter from any path.
const char* const kV1 = R"SQL(
CREATE TABLE pools (
  name TEXT PRIMARY KEY,
  retention_days INTEGER NOT NULL CHECK (retention_days >= 0),
  policy TEXT NOT NULL CHECK (policy IN ('continue', 'always')),
  created INTEGER NOT NULL
);
CREATE TABLE media_sets (
  id TEXT PRIMARY KEY,
  pool TEXT NOT NULL REFERENCES pools(name),
  created INTEGER NOT NULL,
  closed INTEGER
);
CREATE INDEX media_sets_pool ON media_sets(pool, created);
CREATE TABLE cartridges (
  barcode TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('unknown','blank','appendable','full','expired','bad','foreign','cleaning')),
  pool TEXT REFERENCES pools(name),
  media_set TEXT REFERENCES media_sets(id),
  sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
  label_time INTEGER,
  format_version TEXT NOT NULL DEFAULT '',
  block_size INTEGER NOT NULL DEFAULT 0,
  bytes_written INTEGER NOT NULL DEFAULT 0,
  last_file_number INTEGER,
  last_written INTEGER,
  last_verified INTEGER,
  last_verify_result TEXT NOT NULL DEFAULT '',
  worm INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT ''
);
-- Two cartridges can never claim the same place in a media set.
CREATE UNIQUE INDEX cartridges_set_sequence ON cartridges(media_set, sequence) WHERE media_set IS NOT NULL;
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('backup','restore','verify','rebuild')),
  repository TEXT NOT NULL DEFAULT '',
  pool TEXT REFERENCES pools(name),
  media_set TEXT REFERENCES media_sets(id),
  started INTEGER NOT NULL,
  ended INTEGER,
  state TEXT NOT NULL CHECK (state IN ('running','done','failed','cancelled','interrupted')),
  bytes INTEGER NOT NULL DEFAULT 0,
  files INTEGER NOT NULL DEFAULT 0,
  summary TEXT NOT NULL DEFAULT ''
);
CREATE TABLE tape_files (
  id INTEGER PRIMARY KEY,
  cartridge TEXT NOT NULL REFERENCES cartridges(barcode) ON DELETE CASCADE,
  file_number INTEGER NOT NULL CHECK (file_number >= 0),
  first_block INTEGER NOT NULL CHECK (first_block >= 0),
  block_count INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL CHECK (kind IN ('label','data','catalog-copy')),
  job INTEGER REFERENCES jobs(id),
  state TEXT NOT NULL CHECK (state IN ('open','closed','incomplete')),
  UNIQUE (cartridge, file_number)
);
CREATE INDEX tape_files_job ON tape_files(job);
CREATE TABLE backup_files (
  id INTEGER PRIMARY KEY,
  job INTEGER NOT NULL REFERENCES jobs(id),
  repository TEXT NOT NULL,
  path TEXT NOT NULL,
  grp TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('full','incremental')),
  size INTEGER NOT NULL CHECK (size >= 0),
  mtime INTEGER NOT NULL,
  sha256 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX backup_files_path ON backup_files(repository, path);
CREATE INDEX backup_files_group ON backup_files(repository, grp);
CREATE INDEX backup_files_job ON backup_files(job);
CREATE TABLE pieces (
  id INTEGER PRIMARY KEY,
  backup_file INTEGER NOT NULL REFERENCES backup_files(id) ON DELETE CASCADE,
  tape_file INTEGER NOT NULL REFERENCES tape_files(id) ON DELETE CASCADE,
  offset INTEGER NOT NULL CHECK (offset >= 0),
  length INTEGER NOT NULL CHECK (length >= 0),
  first_block INTEGER NOT NULL,
  end_block INTEGER NOT NULL CHECK (end_block >= first_block),
  header_offset INTEGER NOT NULL,
  volume_index INTEGER NOT NULL DEFAULT 0,
  committed INTEGER NOT NULL DEFAULT 0 CHECK (committed IN (0, 1))
);
CREATE INDEX pieces_file ON pieces(backup_file, offset);
CREATE INDEX pieces_tape_file ON pieces(tape_file, committed);
CREATE TABLE verifications (
  id INTEGER PRIMARY KEY,
  cartridge TEXT NOT NULL REFERENCES cartridges(barcode) ON DELETE CASCADE,
  job INTEGER REFERENCES jobs(id),
  time INTEGER NOT NULL,
  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
  files_checked INTEGER NOT NULL DEFAULT 0,
  bytes_checked INTEGER NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT ''
);
-- A copy is on tape when every byte is in committed pieces and its hash is known.
CREATE VIEW backup_files_state AS
  SELECT b.*, (b.sha256 <> '' AND
               COALESCE((SELECT SUM(p.length) FROM pieces p WHERE p.backup_file = b.id AND p.committed = 1), -1)
                 = b.size) AS on_tape
  FROM backup_files b;
)SQL";

const std::vector<const char*>& migrations() {
  static const std::vector<const char*> m{kV1};
  return m;
}

}  // namespace

Result<int> read_schema_version(Database& db) {
  TG_CHECK(db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  auto st = TG_TRY(db.prepare("SELECT version FROM schema_version"));
  bool row = TG_TRY(st.step());
  if (!row) return 0;
  return static_cast<int>(st.i64(0));
}

Status migrate(Database& db, int target) {
  TG_CHECK(db.exec("BEGIN IMMEDIATE"));
  auto v = read_schema_version(db);
  if (!v) {
    (void)db.exec("ROLLBACK");
    return std::move(v).error();
  }
  int version = *v;
  if (version > target) {
    (void)db.exec("ROLLBACK");
    return make_error(Errc::unsupported, "catalog: schema version " + std::to_string(version) +
                                             " is newer than this firmware understands (" +
                                             std::to_string(target) + "); upgrade the firmware");
  }
  for (int next = version + 1; next <= target; ++next) {
    auto applied = db.exec(migrations().at(static_cast<std::size_t>(next - 1)));
    if (applied) {
      applied = next == 1 ? db.exec("INSERT INTO schema_version(version) VALUES (1)")
                          : db.exec("UPDATE schema_version SET version = " + std::to_string(next));
    }
    if (!applied) {
      (void)db.exec("ROLLBACK");
      return std::move(applied).error().with_context("catalog migration to version " + std::to_string(next));
    }
  }
  return db.exec("COMMIT");
}

}  // namespace tg::firmware::catalog
