#include "firmware/pools/media_pools.hpp"

namespace tg::firmware::pools {

Status create_pool(catalog::Catalog& cat, const catalog::PoolSpec& spec) { return cat.create_pool(spec); }

Result<std::vector<PoolSummary>> list_pools(catalog::Catalog& cat) {
  std::vector<PoolSummary> out;
  for (auto& p : TG_TRY(cat.list_pools())) {
    PoolSummary s;
    auto current = TG_TRY(cat.current_media_set(p.name));
    if (current) s.current_media_set = current->id;
    for (const auto& c : TG_TRY(cat.list_cartridges(catalog::CartridgeFilter{.pool = p.name}))) {
      ++s.cartridges[c.state];
      s.bytes_written += c.bytes_written;
    }
    s.pool = std::move(p);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace tg::firmware::pools
