// The pages compiled into the binary: found by path, typed, whole.
#include "firmware/web/assets.hpp"

#include <catch2/catch.hpp>

using namespace tg::firmware::web;

TEST_CASE("web assets: the pages by path, with their content types", "[web]") {
  const Asset* index = find_asset("/ui/");
  REQUIRE(index != nullptr);
  CHECK(index == find_asset("/ui/index.html"));
  CHECK(index == find_asset("/ui"));
  CHECK(index->content_type == "text/html; charset=utf-8");
  CHECK(index->body.find("<script src=\"/ui/app.js\"") != std::string_view::npos);
  const Asset* js = find_asset("/ui/app.js");
  REQUIRE(js != nullptr);
  CHECK(js->content_type == "text/javascript; charset=utf-8");
  CHECK(js->body.find("'use strict';") != std::string_view::npos);
  CHECK(js->body.substr(js->body.size() - 9) == "start();\n");  // whole, not cut at a raw-string limit
  REQUIRE(find_asset("/ui/app.css") != nullptr);
  CHECK(find_asset("/ui/app.css")->content_type == "text/css; charset=utf-8");
  CHECK(find_asset("/ui/../users") == nullptr);
  CHECK(find_asset("/ui/missing.js") == nullptr);
  CHECK(find_asset("/app.js") == nullptr);
  CHECK(assets().size() == 3);
}
