#pragma once
// Pool commands over the catalog: `pool create`, `pool list` with a count of
// cartridges per state.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "firmware/catalog/catalog.hpp"

namespace tg::firmware::pools {

struct PoolSummary {
  catalog::Pool pool;
  std::optional<std::string> current_media_set;
  std::map<catalog::CartridgeState, std::uint32_t> cartridges;  // per state
  std::uint64_t bytes_written = 0;
};

Status create_pool(catalog::Catalog& cat, const catalog::PoolSpec& spec);
Result<std::vector<PoolSummary>> list_pools(catalog::Catalog& cat);

}  // namespace tg::firmware::pools
