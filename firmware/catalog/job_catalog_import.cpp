// Collecting one job's records for the catalog copy on tape, and importing
// such a copy into a catalog (`catalog rebuild`).
#include <map>
#include <set>

#include "firmware/catalog/catalog_rows.hpp"
#include "firmware/catalog/database.hpp"
#include "firmware/catalog/job_catalog_io.hpp"

namespace tg::firmware::catalog {

Result<JobCatalogDoc> collect_job_catalog(Catalog& cat, std::int64_t job_id) {
  // One consistent snapshot of the job; a caller already inside a
  // transaction has one anyway.
  auto tx_or = cat.begin();
  if (!tx_or && tx_or.error().code != Errc::busy) return std::move(tx_or).error();
  JobCatalogDoc d;
  d.job = TG_TRY(cat.job(job_id));
  if (d.job.pool) d.pool = TG_TRY(cat.pool(*d.job.pool));
  if (d.job.media_set) d.media_set = TG_TRY(cat.media_set(*d.job.media_set));
  if (d.media_set && !d.pool) d.pool = TG_TRY(cat.pool(d.media_set->pool));
  d.tape_files = TG_TRY(cat.tape_files_of_job(job_id));
  std::set<std::string> seen;
  for (const auto& t : d.tape_files) {
    if (!seen.insert(t.cartridge).second) continue;
    auto c = TG_TRY(cat.cartridge(t.cartridge));
    d.cartridges.push_back(JobCatalogCartridge{.barcode = c.barcode, .sequence = c.sequence,
                                               .format_version = c.format_version, .block_size = c.block_size,
                                               .label_time = c.label_time.value_or(0)});
  }
  std::map<std::int64_t, bool> in_doc;
  for (const auto& t : d.tape_files) in_doc[t.id] = true;
  for (auto& f : TG_TRY(cat.files_of_job(job_id))) {
    auto pieces = TG_TRY(cat.pieces_of(f.id));  // committed only
    if (pieces.empty()) continue;               // nothing of it is durably on tape
    for (const auto& loc : pieces) {
      if (!in_doc.count(loc.piece.tape_file))
        return make_error(Errc::internal, "job " + std::to_string(job_id) + ": a piece of " + f.path +
                                              " lies in a tape file of another job");
      d.pieces.push_back(loc.piece);
    }
    d.files.push_back(std::move(f));
  }
  if (tx_or) tx_or->rollback();  // read only
  return d;
}

Result<std::string> export_job_catalog(Catalog& cat, std::int64_t job_id) {
  auto d = TG_TRY(collect_job_catalog(cat, job_id));
  return encode_job_catalog(d);
}

namespace {

Status import_doc(Catalog& cat, const JobCatalogDoc& d, ImportSource source, ImportResult& r) {
  Database& db = cat.db();
  auto conflict = [](const std::string& why) {
    return make_error(Errc::invalid_argument, "catalog import refused: " + why);
  };
  if (d.pool) {
    auto have = cat.pool(d.pool->name);
    if (!have) {
      if (have.error().code != Errc::not_found) return std::move(have).error();
      auto st = TG_TRY(db.prepare("INSERT INTO pools(name, retention_days, policy, created) VALUES (?1,?2,?3,?4)"));
      st.bind(1, d.pool->name).bind(2, d.pool->retention_days).bind(3, allocation_policy_name(d.pool->policy));
      st.bind(4, d.pool->created);
      TG_CHECK(st.run());
    }
  }
  if (d.media_set) {
    auto have = cat.media_set(d.media_set->id);
    if (have) {
      if (have->pool != d.media_set->pool)
        return conflict("media set " + d.media_set->id + " belongs to pool '" + have->pool + "' here, '" +
                        d.media_set->pool + "' on tape");
    } else {
      if (have.error().code != Errc::not_found) return std::move(have).error();
      auto st = TG_TRY(db.prepare("INSERT INTO media_sets(id, pool, created, closed) VALUES (?1,?2,?3,?4)"));
      st.bind(1, d.media_set->id).bind(2, d.media_set->pool).bind(3, d.media_set->created);
      st.bind(4, d.media_set->closed);
      TG_CHECK(st.run());
    }
  }
  bool set_closed = d.media_set && d.media_set->closed;
  for (const auto& c : d.cartridges) {
    auto have = TG_TRY(cat.find_cartridge(c.barcode));
    bool labelled_here = have && have->media_set.has_value();
    if (labelled_here) {
      if (!d.media_set || *have->media_set != d.media_set->id || have->sequence != c.sequence)
        return conflict("cartridge " + c.barcode + " is in media set " + *have->media_set + " (sequence " +
                        std::to_string(have->sequence) + ") here, but the copy on tape puts it elsewhere: "
                        "it was relabelled since this job wrote it");
      continue;
    }
    (void)TG_TRY(cat.ensure_cartridge(c.barcode));
    auto st = TG_TRY(db.prepare(
        "UPDATE cartridges SET state = ?2, pool = ?3, media_set = ?4, sequence = ?5, label_time = ?6, "
        "format_version = ?7, block_size = ?8 WHERE barcode = ?1"));
    st.bind(1, c.barcode).bind(2, set_closed ? "full" : "appendable");
    if (d.media_set) st.bind(3, d.media_set->pool).bind(4, d.media_set->id);
    else st.bind(3, d.job.pool).bind_null(4);
    st.bind(5, d.media_set ? c.sequence : 0u).bind(6, c.label_time).bind(7, c.format_version);
    st.bind(8, c.block_size);
    TG_CHECK(st.run());
  }

  // The copy is written before the job records its end, so "running" there
  // means the job reached its last tape file.
  Job j = d.job;
  if (j.state == JobState::running) j.state = JobState::done;
  std::string summary = j.summary;
  if (source == ImportSource::catalog_copy)
    summary = summary.empty() ? "rebuilt from the catalog copy on tape" : summary + " (rebuilt from the catalog copy on tape)";
  {
    auto st = TG_TRY(db.prepare("INSERT INTO jobs(uuid, name, kind, repository, pool, media_set, started, ended, "
                                "state, bytes, files, summary) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"));
    st.bind(1, j.uuid).bind(2, j.name).bind(3, job_kind_name(j.kind)).bind(4, j.repository).bind(5, j.pool);
    st.bind(6, j.media_set).bind(7, j.started).bind(8, j.ended ? j.ended : std::optional<std::int64_t>(j.started));
    st.bind(9, job_state_name(j.state)).bind(10, j.bytes).bind(11, j.files).bind(12, summary);
    TG_CHECK(st.run());
    r.job = db.last_insert_id();
  }

  std::map<std::int64_t, std::int64_t> tf_ids;
  for (const auto& t : d.tape_files) {
    auto find = TG_TRY(db.prepare("SELECT id, kind, first_block FROM tape_files WHERE cartridge = ?1 AND "
                                  "file_number = ?2"));
    find.bind(1, t.cartridge).bind(2, t.file_number);
    if (TG_TRY(find.step())) {
      if (find.text(1) != tape_file_kind_name(t.kind) || find.u64(2) != t.first_block)
        return conflict("cartridge " + t.cartridge + " file " + std::to_string(t.file_number) +
                        " is recorded differently here");
      tf_ids[t.id] = find.i64(0);
      continue;
    }
    // Nobody is writing it any more: an "open" file on tape is incomplete.
    auto state = t.state == TapeFileState::closed ? TapeFileState::closed : TapeFileState::incomplete;
    auto st = TG_TRY(db.prepare("INSERT INTO tape_files(cartridge, file_number, first_block, block_count, kind, job, "
                                "state) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    st.bind(1, t.cartridge).bind(2, t.file_number).bind(3, t.first_block).bind(4, t.block_count);
    st.bind(5, tape_file_kind_name(t.kind)).bind(6, r.job).bind(7, tape_file_state_name(state));
    TG_CHECK(st.run());
    tf_ids[t.id] = db.last_insert_id();
    auto up = TG_TRY(db.prepare("UPDATE cartridges SET last_file_number = MAX(COALESCE(last_file_number, 0), ?2) "
                                "WHERE barcode = ?1"));
    up.bind(1, t.cartridge).bind(2, t.file_number);
    TG_CHECK(up.run());
  }

  std::map<std::int64_t, std::int64_t> file_ids;
  for (const auto& f : d.files) {
    auto st = TG_TRY(db.prepare("INSERT INTO backup_files(job, repository, path, grp, kind, size, mtime, sha256) "
                                "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
    st.bind(1, r.job).bind(2, f.repository).bind(3, f.path).bind(4, f.group).bind(5, backup_kind_name(f.kind));
    st.bind(6, f.size).bind(7, f.mtime).bind(8, f.sha256);
    TG_CHECK(st.run());
    file_ids[f.id] = db.last_insert_id();
    ++r.files;
  }
  for (const auto& p : d.pieces) {
    auto st = TG_TRY(db.prepare("INSERT INTO pieces(backup_file, tape_file, offset, length, first_block, end_block, "
                                "header_offset, volume_index, committed) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,1)"));
    st.bind(1, file_ids.at(p.backup_file)).bind(2, tf_ids.at(p.tape_file)).bind(3, p.offset).bind(4, p.length);
    st.bind(5, p.first_block).bind(6, p.end_block).bind(7, p.header_offset).bind(8, p.volume_index);
    TG_CHECK(st.run());
    ++r.pieces;
  }
  // A job moves to the next cartridge of its media set only when one is
  // full, so every cartridge below the highest sequence known now is full
  // (else a job after the rebuild would append behind the set's end). What
  // is written on each follows from its tape files.
  if (d.media_set) {
    auto st = TG_TRY(db.prepare(
        "UPDATE cartridges SET state = 'full' WHERE media_set = ?1 AND state = 'appendable' AND "
        "sequence < (SELECT MAX(sequence) FROM cartridges WHERE media_set = ?1)"));
    st.bind(1, d.media_set->id);
    TG_CHECK(st.run());
  }
  for (const auto& c : d.cartridges) {
    auto st = TG_TRY(db.prepare(
        "UPDATE cartridges SET bytes_written = MAX(bytes_written, (SELECT COALESCE(SUM(block_count), 0) "
        "FROM tape_files WHERE cartridge = ?1) * block_size) WHERE barcode = ?1"));
    st.bind(1, c.barcode);
    TG_CHECK(st.run());
  }
  return {};
}

}  // namespace

Result<ImportResult> import_job_catalog(Catalog& cat, std::string_view bytes, ImportSource source) {
  auto d = TG_TRY(decode_job_catalog(bytes));
  auto tx = TG_TRY(cat.begin());
  ImportResult r;
  if (auto have = TG_TRY(cat.find_job_by_uuid(d.job.uuid))) {
    r.job = have->id;
    r.already_present = true;
    tx.rollback();
    return r;
  }
  TG_CHECK(import_doc(cat, d, source, r));  // an error rolls the transaction back
  TG_CHECK(tx.commit());
  return r;
}

Result<ImportResult> import_job_catalog_doc(Catalog& cat, const JobCatalogDoc& doc) {
  return import_job_catalog(cat, encode_job_catalog(doc));
}

}  // namespace tg::firmware::catalog
