#pragma once
// A thin RAII wrapper over one SQLite connection and its prepared
// statements. Internal to the catalog: errors become tg::Error with the
// statement and SQLite's message, never exceptions.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hal/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tg::firmware::catalog {

class Statement {
 public:
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders are 1-based like SQLite's; chainable.
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, std::uint64_t v);   // stored as int64 (values < 2^63)
  Statement& bind(int i, std::uint32_t v) { return bind(i, std::int64_t{v}); }
  Statement& bind(int i, int v) { return bind(i, std::int64_t{v}); }
  Statement& bind(int i, bool v) { return bind(i, std::int64_t{v ? 1 : 0}); }
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind_null(int i);
  template <class T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // true: a row is available; false: done.
  Result<bool> step();
  // Runs to completion (for statements that return no rows).
  Status run();

  bool is_null(int col) const;
  std::int64_t i64(int col) const;
  std::uint64_t u64(int col) const { return static_cast<std::uint64_t>(i64(col)); }
  std::uint32_t u32(int col) const { return static_cast<std::uint32_t>(i64(col)); }
  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<std::int64_t> opt_i64(int col) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  Error error(std::string_view what) const;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Result<Statement> prepare(std::string_view sql);
  // One or more statements without parameters.
  Status exec(const std::string& sql);
  std::int64_t last_insert_id() const;
  int changes() const;
  // A transaction (BEGIN or an outer SAVEPOINT) is open on this connection.
  bool in_transaction() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace tg::firmware::catalog
