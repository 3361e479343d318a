// Jobs and tape files.
#include "firmware/catalog/catalog.hpp"
#include "firmware/catalog/catalog_rows.hpp"

namespace tg::firmware::catalog {

Result<Job> Catalog::start_job(const JobStart& j) {
  if (j.name.empty()) return make_error(Errc::invalid_argument, "a job needs a name");
  auto l = lock();
  if (j.pool) (void)TG_TRY(pool(*j.pool));
  if (j.media_set) (void)TG_TRY(media_set(*j.media_set));
  Job out;
  out.uuid = rows::new_uuid();
  out.name = j.name;
  out.kind = j.kind;
  out.repository = j.repository;
  out.pool = j.pool;
  out.media_set = j.media_set;
  out.started = clock_.wall_seconds();
  out.state = JobState::running;
  auto st = TG_TRY(db_->prepare("INSERT INTO jobs(uuid, name, kind, repository, pool, media_set, started, state) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'running')"));
  st.bind(1, out.uuid).bind(2, out.name).bind(3, job_kind_name(out.kind)).bind(4, out.repository);
  st.bind(5, out.pool).bind(6, out.media_set).bind(7, out.started);
  TG_CHECK(st.run());
  out.id = db_->last_insert_id();
  return out;
}

Status Catalog::set_job_media_set(std::int64_t id, const std::string& ms) {
  auto l = lock();
  (void)TG_TRY(media_set(ms));
  auto st = TG_TRY(db_->prepare("UPDATE jobs SET media_set = ?2 WHERE id = ?1"));
  st.bind(1, id).bind(2, ms);
  TG_CHECK(st.run());
  if (db_->changes() == 0) return make_error(Errc::not_found, "no job " + std::to_string(id));
  return {};
}

Status Catalog::update_job_progress(std::int64_t id, std::uint64_t bytes, std::uint64_t files) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare("UPDATE jobs SET bytes = ?2, files = ?3 WHERE id = ?1"));
  st.bind(1, id).bind(2, bytes).bind(3, files);
  TG_CHECK(st.run());
  if (db_->changes() == 0) return make_error(Errc::not_found, "no job " + std::to_string(id));
  return {};
}

Status Catalog::finish_job(std::int64_t id, JobState state, std::uint64_t bytes, std::uint64_t files,
                           const std::string& summary) {
  if (state == JobState::running)
    return make_error(Errc::invalid_argument, "finish_job: 'running' is not a final state");
  auto l = lock();
  auto current = TG_TRY(job(id));
  if (current.state != JobState::running)
    return make_error(Errc::invalid_argument, "job " + std::to_string(id) + " already ended (" +
                                                  job_state_name(current.state) + ")");
  auto st = TG_TRY(db_->prepare("UPDATE jobs SET state = ?2, bytes = ?3, files = ?4, summary = ?5, ended = ?6 "
                                "WHERE id = ?1"));
  st.bind(1, id).bind(2, job_state_name(state)).bind(3, bytes).bind(4, files).bind(5, summary);
  st.bind(6, clock_.wall_seconds());
  return st.run();
}

Result<Job> Catalog::job(std::int64_t id) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kJobCols + " FROM jobs WHERE id = ?1"));
  st.bind(1, id);
  if (!TG_TRY(st.step())) return make_error(Errc::not_found, "no job " + std::to_string(id));
  return rows::read_job(st);
}

Result<std::optional<Job>> Catalog::find_job_by_uuid(const std::string& uuid) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kJobCols + " FROM jobs WHERE uuid = ?1"));
  st.bind(1, uuid);
  if (!TG_TRY(st.step())) return std::optional<Job>{};
  return std::optional<Job>(rows::read_job(st));
}

Result<std::vector<Job>> Catalog::list_jobs(std::size_t limit) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kJobCols + " FROM jobs ORDER BY id DESC LIMIT ?1"));
  st.bind(1, static_cast<std::int64_t>(limit));
  std::vector<Job> out;
  while (TG_TRY(st.step())) out.push_back(rows::read_job(st));
  return out;
}

Result<TapeFile> Catalog::open_tape_file(const TapeFileStart& t) {
  auto l = lock();
  auto cart = TG_TRY(cartridge(t.cartridge));
  if (t.job) (void)TG_TRY(job(*t.job));
  {
    auto st = TG_TRY(db_->prepare("SELECT file_number, state FROM tape_files WHERE cartridge = ?1 "
                                  "AND state IN ('open', 'incomplete')"));
    st.bind(1, t.cartridge);
    if (TG_TRY(st.step()))
      return make_error(Errc::busy, "cartridge " + t.cartridge + ": tape file " + std::to_string(st.i64(0)) +
                                        " is still " + st.text(1) + "; close it before opening another");
  }
  {
    auto st = TG_TRY(db_->prepare("SELECT MAX(file_number), MAX(first_block + block_count) FROM tape_files "
                                  "WHERE cartridge = ?1"));
    st.bind(1, t.cartridge);
    (void)TG_TRY(st.step());
    if (!st.is_null(0) && t.file_number <= st.u32(0))
      return make_error(Errc::invalid_argument, "cartridge " + t.cartridge + ": tape file " +
                                                    std::to_string(t.file_number) + " is not after file " +
                                                    std::to_string(st.i64(0)) + " already recorded");
    if (!st.is_null(1) && t.first_block < st.u64(1))
      return make_error(Errc::invalid_argument, "cartridge " + t.cartridge + ": tape file " +
                                                    std::to_string(t.file_number) + " would start at block " +
                                                    std::to_string(t.first_block) + ", inside earlier tape files");
  }
  (void)cart;
  TapeFile out{.cartridge = t.cartridge, .file_number = t.file_number, .first_block = t.first_block,
               .block_count = 0, .kind = t.kind, .job = t.job, .state = TapeFileState::open};
  auto st = TG_TRY(db_->prepare("INSERT INTO tape_files(cartridge, file_number, first_block, kind, job, state) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, 'open')"));
  st.bind(1, t.cartridge).bind(2, t.file_number).bind(3, t.first_block).bind(4, tape_file_kind_name(t.kind));
  st.bind(5, t.job);
  TG_CHECK(st.run());
  out.id = db_->last_insert_id();
  return out;
}

Status Catalog::close_tape_file(std::int64_t id, std::uint64_t block_count) {
  auto l = lock();
  auto tf = TG_TRY(tape_file(id));
  if (tf.state == TapeFileState::closed)
    return make_error(Errc::invalid_argument, "cartridge " + tf.cartridge + ": tape file " +
                                                  std::to_string(tf.file_number) + " is already closed");
  auto st = TG_TRY(db_->prepare("UPDATE tape_files SET state = 'closed', block_count = ?2 WHERE id = ?1"));
  st.bind(1, id).bind(2, block_count);
  return st.run();
}

Result<TapeFile> Catalog::tape_file(std::int64_t id) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kTapeFileCols + " FROM tape_files WHERE id = ?1"));
  st.bind(1, id);
  if (!TG_TRY(st.step())) return make_error(Errc::not_found, "no tape file with id " + std::to_string(id));
  return rows::read_tape_file(st);
}

Result<std::vector<TapeFile>> Catalog::tape_files_of_cartridge(const std::string& barcode) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kTapeFileCols +
                                " FROM tape_files WHERE cartridge = ?1 ORDER BY file_number"));
  st.bind(1, barcode);
  std::vector<TapeFile> out;
  while (TG_TRY(st.step())) out.push_back(rows::read_tape_file(st));
  return out;
}

Result<std::vector<TapeFile>> Catalog::tape_files_of_job(std::int64_t job_id) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(
      "SELECT t.id, t.cartridge, t.file_number, t.first_block, t.block_count, t.kind, t.job, t.state "
      "FROM tape_files t LEFT JOIN cartridges c ON c.barcode = t.cartridge WHERE t.job = ?1 "
      "ORDER BY c.media_set, c.sequence, t.cartridge, t.file_number"));
  st.bind(1, job_id);
  std::vector<TapeFile> out;
  while (TG_TRY(st.step())) out.push_back(rows::read_tape_file(st));
  return out;
}

}  // namespace tg::firmware::catalog
