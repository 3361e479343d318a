// Pools and media sets.
#include "firmware/catalog/catalog.hpp"
#include "firmware/catalog/catalog_rows.hpp"

namespace tg::firmware::catalog {

Status Catalog::create_pool(const PoolSpec& spec) {
  if (!rows::is_valid_name(spec.name))
    return make_error(Errc::invalid_argument,
                      "pool name '" + spec.name + "' is invalid: use 1-64 letters, digits, '_', '.', '-'");
  auto l = lock();
  auto existing = TG_TRY(db_->prepare("SELECT 1 FROM pools WHERE name = ?1"));
  existing.bind(1, spec.name);
  if (TG_TRY(existing.step())) return make_error(Errc::invalid_argument, "pool '" + spec.name + "' already exists");
  auto st = TG_TRY(db_->prepare("INSERT INTO pools(name, retention_days, policy, created) VALUES (?1, ?2, ?3, ?4)"));
  st.bind(1, spec.name).bind(2, spec.retention_days).bind(3, allocation_policy_name(spec.policy));
  st.bind(4, clock_.wall_seconds());
  return st.run();
}

Result<std::vector<Pool>> Catalog::list_pools() {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kPoolCols + " FROM pools ORDER BY name"));
  std::vector<Pool> out;
  while (TG_TRY(st.step())) out.push_back(rows::read_pool(st));
  return out;
}

Result<Pool> Catalog::pool(const std::string& name) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kPoolCols + " FROM pools WHERE name = ?1"));
  st.bind(1, name);
  if (!TG_TRY(st.step())) return make_error(Errc::not_found, "no pool named '" + name + "'");
  return rows::read_pool(st);
}

Result<MediaSet> Catalog::start_media_set(const std::string& pool_name) {
  auto l = lock();
  (void)TG_TRY(pool(pool_name));
  auto sp = TG_TRY(rows::Savepoint::begin(*db_));
  auto now = clock_.wall_seconds();
  {
    // Closing the old set freezes its cartridges: a set is a unit that
    // expires together, so nothing may be appended to it afterwards.
    auto open_sets = TG_TRY(db_->prepare("SELECT id FROM media_sets WHERE pool = ?1 AND closed IS NULL"));
    open_sets.bind(1, pool_name);
    std::vector<std::string> ids;
    while (TG_TRY(open_sets.step())) ids.push_back(open_sets.text(0));
    for (const auto& id : ids) TG_CHECK(close_media_set(id));
  }
  MediaSet ms{.id = rows::new_uuid(), .pool = pool_name, .created = now, .closed = std::nullopt};
  auto st = TG_TRY(db_->prepare("INSERT INTO media_sets(id, pool, created) VALUES (?1, ?2, ?3)"));
  st.bind(1, ms.id).bind(2, ms.pool).bind(3, ms.created);
  TG_CHECK(st.run());
  TG_CHECK(sp.release());
  return ms;
}

Result<std::optional<MediaSet>> Catalog::current_media_set(const std::string& pool_name) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kMediaSetCols +
                                " FROM media_sets WHERE pool = ?1 AND closed IS NULL "
                                "ORDER BY created DESC, rowid DESC LIMIT 1"));
  st.bind(1, pool_name);
  if (!TG_TRY(st.step())) return std::optional<MediaSet>{};
  return std::optional<MediaSet>(rows::read_media_set(st));
}

Result<MediaSet> Catalog::media_set(const std::string& id) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kMediaSetCols + " FROM media_sets WHERE id = ?1"));
  st.bind(1, id);
  if (!TG_TRY(st.step())) return make_error(Errc::not_found, "no media set '" + id + "'");
  return rows::read_media_set(st);
}

Result<std::vector<MediaSet>> Catalog::list_media_sets(const std::optional<std::string>& pool_name) {
  auto l = lock();
  auto st = TG_TRY(db_->prepare(std::string("SELECT ") + rows::kMediaSetCols +
                                " FROM media_sets WHERE ?1 IS NULL OR pool = ?1 ORDER BY created, rowid"));
  st.bind(1, pool_name);
  std::vector<MediaSet> out;
  while (TG_TRY(st.step())) out.push_back(rows::read_media_set(st));
  return out;
}

Status Catalog::close_media_set(const std::string& id) {
  auto l = lock();
  auto ms = TG_TRY(media_set(id));
  if (ms.closed) return {};
  auto sp = TG_TRY(rows::Savepoint::begin(*db_));
  auto st = TG_TRY(db_->prepare("UPDATE media_sets SET closed = ?2 WHERE id = ?1"));
  st.bind(1, id).bind(2, clock_.wall_seconds());
  TG_CHECK(st.run());
  auto carts = TG_TRY(db_->prepare("UPDATE cartridges SET state = 'full' WHERE media_set = ?1 AND state = 'appendable'"));
  carts.bind(1, id);
  TG_CHECK(carts.run());
  return sp.release();
}

Status Catalog::adopt_media_set(const MediaSet& ms) {
  if (ms.id.empty()) return make_error(Errc::invalid_argument, "media set without id");
  auto l = lock();
  (void)TG_TRY(pool(ms.pool));
  auto st = TG_TRY(db_->prepare("SELECT pool FROM media_sets WHERE id = ?1"));
  st.bind(1, ms.id);
  if (TG_TRY(st.step())) {
    if (st.text(0) != ms.pool)
      return make_error(Errc::invalid_argument, "media set " + ms.id + " belongs to pool '" + st.text(0) +
                                                    "', not '" + ms.pool + "'");
    return {};
  }
  auto ins = TG_TRY(db_->prepare("INSERT INTO media_sets(id, pool, created, closed) VALUES (?1, ?2, ?3, ?4)"));
  ins.bind(1, ms.id).bind(2, ms.pool).bind(3, ms.created).bind(4, ms.closed);
  return ins.run();
}

Result<std::uint32_t> Catalog::next_sequence(const std::string& id) {
  auto l = lock();
  (void)TG_TRY(media_set(id));
  auto st = TG_TRY(db_->prepare("SELECT COALESCE(MAX(sequence), 0) FROM cartridges WHERE media_set = ?1"));
  st.bind(1, id);
  (void)TG_TRY(st.step());
  return static_cast<std::uint32_t>(st.i64(0) + 1);
}

}  // namespace tg::firmware::catalog
