#include "firmware/catalog/database.hpp"

#include <sqlite3.h>

namespace tg::firmware::catalog {

namespace {
Errc errc_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Errc::busy;
    case SQLITE_CONSTRAINT: return Errc::invalid_argument;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Errc::parse_error;
    default: return Errc::io_error;
  }
}
}  // namespace

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Error Statement::error(std::string_view what) const {
  int rc = sqlite3_extended_errcode(db_);
  std::string sql = stmt_ ? sqlite3_sql(stmt_) : "";
  if (sql.size() > 80) sql = sql.substr(0, 77) + "...";
  return Error(errc_for(rc), "catalog: " + std::string(what) + ": " + sqlite3_errmsg(db_) + " (in \"" + sql + "\")");
}

Statement& Statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::bind(int i, std::uint64_t v) {
  sqlite3_bind_int64(stmt_, i, static_cast<sqlite3_int64>(v));
  return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error("step failed");
}

Status Statement::run() {
  for (;;) {
    bool row = TG_TRY(step());
    if (!row) return {};
  }
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::int64_t Statement::i64(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string Statement::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}
std::optional<std::string> Statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
std::optional<std::int64_t> Statement::opt_i64(int col) const {
  if (is_null(col)) return std::nullopt;
  return i64(col);
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (db) sqlite3_close(db);
    return make_error(Errc::io_error, "catalog: cannot open " + file.string() + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  // Another connection (a second job, a console command) may hold the
  // write lock for one transaction; those are short, but a catalog rebuild
  // or an import writes many rows at once.
  sqlite3_busy_timeout(db, 30000);
  return std::unique_ptr<Database>(new Database(db));
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr);
  if (rc != SQLITE_OK) {
    return make_error(errc_for(rc), "catalog: cannot prepare \"" + std::string(sql.substr(0, 80)) +
                                        "\": " + sqlite3_errmsg(db_));
  }
  return Statement(db_, s);
}

Status Database::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    std::string head = sql.substr(0, 60);
    return make_error(errc_for(rc), "catalog: " + msg + " (in \"" + head + "\")");
  }
  return {};
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace tg::firmware::catalog
