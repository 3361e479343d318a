// Catalog open, crash recovery and explicit transactions.
#include "firmware/catalog/catalog.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "firmware/catalog/catalog_rows.hpp"
#include "firmware/catalog/database.hpp"
#include "firmware/catalog/schema.hpp"

namespace tg::firmware::catalog {

Transaction::Transaction(Transaction&& o) noexcept : catalog_(o.catalog_), lock_(std::move(o.lock_)) {
  o.catalog_ = nullptr;
}

Transaction::~Transaction() { rollback(); }

Status Transaction::commit() {
  if (!catalog_) return make_error(Errc::internal, "catalog: commit of a transaction that is not open");
  Catalog* c = catalog_;
  auto st = c->db().exec("COMMIT");
  if (!st) {
    rollback();
    return st;
  }
  c->in_transaction_ = false;
  catalog_ = nullptr;
  if (lock_.owns_lock()) lock_.unlock();
  return {};
}

void Transaction::rollback() {
  if (!catalog_) return;
  (void)catalog_->db().exec("ROLLBACK");
  catalog_->in_transaction_ = false;
  catalog_ = nullptr;
  if (lock_.owns_lock()) lock_.unlock();
}

Catalog::Catalog(std::filesystem::path file, hal::Clock& clock, std::unique_ptr<Database> db)
    : file_(std::move(file)), clock_(clock), db_(std::move(db)) {}

Catalog::~Catalog() {
  db_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // drops the flock
}

Status Catalog::take_open_lock(bool& exclusive) {
  std::string path = file_.string() + ".lock";
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0)
    return make_error(Errc::io_error, "catalog: cannot open " + path + ": " + std::strerror(errno));
  exclusive = ::flock(lock_fd_, LOCK_EX | LOCK_NB) == 0;
  return {};
}

Result<std::unique_ptr<Catalog>> Catalog::open(const std::filesystem::path& file, hal::Clock& clock) {
  auto db = TG_TRY(Database::open(file));
  // WAL: readers (the console) never block the job that writes. FULL sync:
  // a committed catalog row must survive power loss as the tape data does.
  {
    // Reject a file that is not an SQLite database before migrating it.
    auto st = db->prepare("SELECT count(*) FROM sqlite_master");
    if (!st) return std::move(st).error().with_context("catalog " + file.string());
    auto r = st->step();
    if (!r) return std::move(r).error().with_context("catalog " + file.string());
  }
  {
    auto st = TG_TRY(db->prepare("PRAGMA journal_mode=WAL"));
    bool row = TG_TRY(st.step());
    if (!row || st.text(0) != "wal")
      return make_error(Errc::io_error, "catalog: " + file.string() + ": cannot switch to WAL journal mode");
  }
  TG_CHECK(db->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"));
  auto migrated = migrate(*db, kSchemaVersion);
  if (!migrated) return std::move(migrated).error().with_context(file.string());
  std::unique_ptr<Catalog> cat(new Catalog(file, clock, std::move(db)));
  bool exclusive = false;
  TG_CHECK(cat->take_open_lock(exclusive));
  if (exclusive) {
    TG_CHECK(cat->recover());
  } else {
    cat->recovery_.skipped_in_use = true;
  }
  // Shared from now on: other processes may open the catalog too, but none
  // of them will run recovery while this one lives.
  if (::flock(cat->lock_fd_, LOCK_SH) != 0)
    return make_error(Errc::io_error, "catalog: cannot lock " + file.string() + ".lock: " + std::strerror(errno));
  return cat;
}

Result<int> Catalog::schema_version() {
  auto l = lock();
  return read_schema_version(*db_);
}

Result<Transaction> Catalog::begin() {
  auto l = lock();
  if (in_transaction_) return make_error(Errc::busy, "catalog: a transaction is already open on this connection");
  TG_CHECK(db_->exec("BEGIN IMMEDIATE"));
  in_transaction_ = true;
  return Transaction(this, std::move(l));
}

// After an unclean stop (power loss, crash, kill) the catalog may describe
// work the drive never made durable. Bring it back to what is provably on
// tape: only pieces committed after an acknowledged filemark/flush survive.
Status Catalog::recover() {
  auto l = lock();
  auto sp = TG_TRY(rows::Savepoint::begin(*db_));
  RecoveryReport r;
  {
    auto st = TG_TRY(db_->prepare("DELETE FROM pieces WHERE committed = 0"));
    TG_CHECK(st.run());
    r.dropped_pieces = static_cast<std::uint64_t>(db_->changes());
  }
  {
    auto st = TG_TRY(db_->prepare(
        "SELECT cartridge, file_number FROM tape_files WHERE state = 'open' ORDER BY cartridge, file_number"));
    while (TG_TRY(st.step())) {
      if (!r.incomplete_detail.empty()) r.incomplete_detail += ", ";
      r.incomplete_detail += st.text(0) + " file " + std::to_string(st.i64(1));
      ++r.incomplete_tape_files;
    }
    auto up = TG_TRY(db_->prepare("UPDATE tape_files SET state = 'incomplete' WHERE state = 'open'"));
    TG_CHECK(up.run());
  }
  {
    auto st = TG_TRY(db_->prepare(
        "UPDATE jobs SET state = 'interrupted', ended = ?1, "
        "summary = CASE WHEN summary = '' THEN 'interrupted: the appliance stopped while the job ran' "
        "ELSE summary || '; interrupted' END WHERE state = 'running'"));
    st.bind(1, clock_.wall_seconds());
    TG_CHECK(st.run());
    r.interrupted_jobs = static_cast<std::uint64_t>(db_->changes());
  }
  TG_CHECK(sp.release());
  recovery_ = r;
  return {};
}

}  // namespace tg::firmware::catalog
