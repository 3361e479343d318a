#pragma once
// The web pages' files (firmware/web/assets/), compiled into the binary by
// embed_assets.cmake: no CDN, no document root, the pages always match the
// firmware that serves them.
#include <span>
#include <string_view>

namespace tg::firmware::web {

struct Asset {
  std::string_view path;          // "/ui/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
};

std::span<const Asset> assets();  // generated

// The asset served at `path` ("/ui/" is index.html), or nullptr.
const Asset* find_asset(std::string_view path);

}  // namespace tg::firmware::web
