// Cartridges: state, labels, writes, retention, verifications.
#include "firmware/catalog/catalog.hpp"
#include "firmware/catalog/catalog_rows.hpp"

namespace tg::firmware::catalog {

namespace {
bool is_cleaning(const std::string& barcode) { return barcode.rfind("CLN", 0) == 0; }
}  // namespace

Status Catalog::upsert_cartridge(const Cartridge& c) {
  if (!rows::is_valid_barcode(c.barcode))
    return make_error(Errc::invalid_argument, "barcode '" + c.barcode + "' is invalid");
  auto l = lock();
  auto st = TG_TRY(db_->prepare(
      "INSERT INTO cartridges(barcode, state, pool, media_set, sequence, label_time, format_version, block_size, "
      "bytes_written, last_file_number, last_written, last_verified, last_verify_result, worm, note) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
      "ON CONFLICT(barcode) DO UPDATE SET state = excluded.state, pool = excluded.pool, "
      "media_set = excluded.media_set, sequence = excluded.sequence, label_time = excluded.label_time, "
      "format_version = excluded.format_version, block_size = excluded.block_size, "
      "bytes_written = excluded.bytes_written, last_file_number = excluded.last_file_number, "
      "last_written = excluded.last_written, last_verified = excluded.last_verified, "
      "last_verify_result = excluded.last_verify_result, worm = excluded.worm, note = excluded.note"));
  st.bind(1, c.barcode).bind(2, cartridge_state_name(c.state)).bind(3, c.pool).bind(4, c.media_set);
  st.bind(5, c.sequence).bind(6, c.label_time).bind(7, c.format_version).bind(8, c.block_size);
  st.bind(9, c.bytes_written).bind(10, c.last_file_number).bind(11, c.last_written).bind(12, c.last_verified);
  st.bind(13, c.last_verify_result).bind(14, c.worm).bind(15, c.note);
  auto r = st.run();
  if (!r) return std::move(r).error().with_context("cartridge " + c.barcode);
  return {};
}

Result<bool> Catalog::ensure_cartridge(const std::string& barcode) {
  if (!rows::is_valid_barcode(barcode))
    return make_error(Errc::invalid_argument, "barcode '" + barcode + "' is invalid");
  auto l = lock();
  auto st = TG_TRY(db_->prepare("INSERT OR IGNORE INTO cartridges(barcode, state) VALUES (?1, ?2)"));
  st.bind(1, barcode).bind(2, is_cleaning(barcode) ? "cleaning" : "unknown");
  TG_CHECK(st.run());
  return db_->changes() > 0;
}

Result<std::optional<Cartridge>> Catalog::find_cartridge(const std::string& barcode) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kCartridgeCols + " FROM cartridges WHERE barcode = ?1"));
  st.bind(1, barcode);
  if (!TG_TRY(st.step())) return std::optional<Cartridge>{};
  return std::optional<Cartridge>(rows::read_cartridge(st));
}

Result<Cartridge> Catalog::cartridge(const std::string& barcode) {
  auto c = TG_TRY(find_cartridge(barcode));
  if (!c) return make_error(Errc::not_found, "cartridge " + barcode + " is not in the catalog");
  return std::move(*c);
}

Result<std::vector<Cartridge>> Catalog::list_cartridges(const CartridgeFilter& f) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kCartridgeCols +
                                " FROM cartridges WHERE (?1 IS NULL OR pool = ?1) AND (?2 IS NULL OR media_set = ?2)"
                                " AND (?3 IS NULL OR state = ?3) ORDER BY barcode"));
  st.bind(1, f.pool).bind(2, f.media_set);
  if (f.state) st.bind(3, cartridge_state_name(*f.state)); else st.bind_null(3);
  std::vector<Cartridge> out;
  while (TG_TRY(st.step())) out.push_back(rows::read_cartridge(st));
  return out;
}

Status Catalog::set_cartridge_state(const std::string& barcode, CartridgeState s, const std::string& note) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare("UPDATE cartridges SET state = ?2, note = ?3 WHERE barcode = ?1"));
  st.bind(1, barcode).bind(2, cartridge_state_name(s)).bind(3, note);
  TG_CHECK(st.run());
  if (db_->changes() == 0) return make_error(Errc::not_found, "cartridge " + barcode + " is not in the catalog");
  return {};
}

Status Catalog::set_cartridge_worm(const std::string& barcode, bool worm) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare("UPDATE cartridges SET worm = ?2 WHERE barcode = ?1"));
  st.bind(1, barcode).bind(2, worm);
  TG_CHECK(st.run());
  if (db_->changes() == 0) return make_error(Errc::not_found, "cartridge " + barcode + " is not in the catalog");
  return {};
}

Status Catalog::record_label(const LabelRecord& label) {
  if (!rows::is_valid_barcode(label.barcode))
    return make_error(Errc::invalid_argument, "barcode '" + label.barcode + "' is invalid");
  if (label.media_set.empty() != (label.sequence == 0))
    return make_error(Errc::invalid_argument, "cartridge " + label.barcode +
                                                  ": a label names both a media set and a sequence >= 1, or neither");
  auto l = lock();
  (void)TG_TRY(pool(label.pool));
  if (!label.media_set.empty()) {
    auto ms = TG_TRY(media_set(label.media_set));
    if (ms.pool != label.pool)
      return make_error(Errc::invalid_argument, "cartridge " + label.barcode + ": media set " + ms.id +
                                                    " belongs to pool '" + ms.pool + "', not '" + label.pool + "'");
    auto taken = TG_TRY(db_->prepare("SELECT barcode FROM cartridges WHERE media_set = ?1 AND sequence = ?2 "
                                     "AND barcode <> ?3"));
    taken.bind(1, label.media_set).bind(2, label.sequence).bind(3, label.barcode);
    if (TG_TRY(taken.step()))
      return make_error(Errc::invalid_argument, "cartridge " + label.barcode + ": sequence " +
                                                    std::to_string(label.sequence) + " of media set " +
                                                    label.media_set + " is already cartridge " + taken.text(0));
  }
  auto sp = TG_TRY(rows::Savepoint::begin(*db_));
  (void)TG_TRY(ensure_cartridge(label.barcode));
  {
    // The label overwrote block 0: whatever the catalog knew of this
    // cartridge's tape files is gone from the tape (pieces cascade).
    auto del = TG_TRY(db_->prepare("DELETE FROM tape_files WHERE cartridge = ?1"));
    del.bind(1, label.barcode);
    TG_CHECK(del.run());
  }
  auto now = clock_.wall_seconds();
  {
    auto st = TG_TRY(db_->prepare(
        "UPDATE cartridges SET state = 'appendable', pool = ?2, media_set = ?3, sequence = ?4, label_time = ?5, "
        "format_version = ?6, block_size = ?7, bytes_written = 0, last_file_number = 0, last_written = ?8, "
        "last_verified = NULL, last_verify_result = '', note = '' WHERE barcode = ?1"));
    st.bind(1, label.barcode).bind(2, label.pool);
    if (label.media_set.empty()) st.bind_null(3); else st.bind(3, label.media_set);
    st.bind(4, label.sequence).bind(5, label.label_time).bind(6, label.format_version).bind(7, label.block_size);
    st.bind(8, now);
    TG_CHECK(st.run());
  }
  {
    auto st = TG_TRY(db_->prepare("INSERT INTO tape_files(cartridge, file_number, first_block, block_count, kind, "
                                  "state) VALUES (?1, 0, 0, 1, 'label', 'closed')"));
    st.bind(1, label.barcode);
    TG_CHECK(st.run());
  }
  return sp.release();
}

Status Catalog::forget_content(const std::string& barcode, CartridgeState state, const std::string& note) {
  auto l = lock();
  (void)TG_TRY(cartridge(barcode));
  auto sp = TG_TRY(rows::Savepoint::begin(*db_));
  auto del = TG_TRY(db_->prepare("DELETE FROM tape_files WHERE cartridge = ?1"));
  del.bind(1, barcode);
  TG_CHECK(del.run());
  auto st = TG_TRY(db_->prepare(
      "UPDATE cartridges SET state = ?2, note = ?3, pool = NULL, media_set = NULL, sequence = 0, label_time = NULL, "
      "format_version = '', block_size = 0, bytes_written = 0, last_file_number = NULL WHERE barcode = ?1"));
  st.bind(1, barcode).bind(2, cartridge_state_name(state)).bind(3, note);
  TG_CHECK(st.run());
  return sp.release();
}

Status Catalog::note_written(const std::string& barcode, std::uint32_t file_number, std::uint64_t bytes_added) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(
      "UPDATE cartridges SET bytes_written = bytes_written + ?2, "
      "last_file_number = MAX(COALESCE(last_file_number, 0), ?3), last_written = ?4 WHERE barcode = ?1"));
  st.bind(1, barcode).bind(2, bytes_added).bind(3, file_number).bind(4, clock_.wall_seconds());
  TG_CHECK(st.run());
  if (db_->changes() == 0) return make_error(Errc::not_found, "cartridge " + barcode + " is not in the catalog");
  return {};
}

Result<std::uint64_t> Catalog::apply_retention() {
  auto l = lock();
  // A media set is kept as a whole: its cartridges become reusable together
  // once the set is closed and the pool's retention has run since then.
  auto st = TG_TRY(db_->prepare(
      "UPDATE cartridges SET state = 'expired' WHERE state IN ('appendable', 'full') AND media_set IN ("
      " SELECT m.id FROM media_sets m JOIN pools p ON p.name = m.pool"
      " WHERE m.closed IS NOT NULL AND m.closed + p.retention_days * 86400 <= ?1)"));
  st.bind(1, clock_.wall_seconds());
  TG_CHECK(st.run());
  return static_cast<std::uint64_t>(db_->changes());
}

Result<Verification> Catalog::record_verification(const Verification& v) {
  auto l = lock();
  (void)TG_TRY(cartridge(v.cartridge));
  auto sp = TG_TRY(rows::Savepoint::begin(*db_));
  Verification out = v;
  if (out.time == 0) out.time = clock_.wall_seconds();
  auto st = TG_TRY(db_->prepare("INSERT INTO verifications(cartridge, job, time, ok, files_checked, bytes_checked, "
                                "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  st.bind(1, v.cartridge).bind(2, v.job).bind(3, out.time).bind(4, v.ok).bind(5, v.files_checked);
  st.bind(6, v.bytes_checked).bind(7, v.detail);
  TG_CHECK(st.run());
  out.id = db_->last_insert_id();
  auto up = TG_TRY(db_->prepare("UPDATE cartridges SET last_verified = ?2, last_verify_result = ?3 WHERE barcode = ?1"));
  up.bind(1, v.cartridge).bind(2, out.time).bind(3, v.ok ? std::string("ok") : "failed: " + v.detail);
  TG_CHECK(up.run());
  TG_CHECK(sp.release());
  return out;
}

Result<std::vector<Verification>> Catalog::verifications(const std::string& barcode) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare("SELECT id, cartridge, job, time, ok, files_checked, bytes_checked, detail "
                                "FROM verifications WHERE cartridge = ?1 ORDER BY time, id"));
  st.bind(1, barcode);
  std::vector<Verification> out;
  while (TG_TRY(st.step())) {
    out.push_back(Verification{.id = st.i64(0), .cartridge = st.text(1), .job = st.opt_i64(2), .time = st.i64(3),
                               .ok = st.i64(4) != 0, .files_checked = st.u64(5), .bytes_checked = st.u64(6),
                               .detail = st.text(7)});
  }
  return out;
}

}  // namespace tg::firmware::catalog
