#include "firmware/web/assets.hpp"

namespace tg::firmware::web {

const Asset* find_asset(std::string_view path) {
  if (path == "/ui/" || path == "/ui") path = "/ui/index.html";
  for (const auto& a : assets())
    if (a.path == path) return &a;
  return nullptr;
}

}  // namespace tg::firmware::web
