#pragma once
// A fresh catalog in a private temporary directory, on virtual time.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "firmware/catalog/catalog.hpp"
#include "hal/clock.hpp"

namespace tg::firmware::catalog::testing {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tg-catalog-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    REQUIRE(p != nullptr);
    path = p;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct CatalogFixture {
  TempDir dir;
  hal::ManualClock clock{1'767'225'600};  // 2026-01-01
  std::unique_ptr<Catalog> cat;

  CatalogFixture() { reopen(); }
  std::filesystem::path file() const { return dir.path / "catalog.sqlite"; }
  void reopen() {
    cat.reset();
    auto c = Catalog::open(file(), clock);
    if (!c) FAIL(c.error().message);
    cat = std::move(c).value();
  }
  void advance_days(int days) { clock.advance(std::chrono::hours(24 * days)); }
};

// REQUIRE a Result is ok, printing its error otherwise; yields the value.
#define TG_REQUIRE_OK(expr)                                         \
  ({                                                                \
    auto&& tg_req_ = (expr);                                        \
    if (!tg_req_.ok()) FAIL(#expr << ": " << tg_req_.error().message); \
    std::move(tg_req_).value();                                     \
  })
#define TG_REQUIRE_STATUS(expr)                                     \
  do {                                                              \
    auto&& tg_req_ = (expr);                                        \
    if (!tg_req_.ok()) FAIL(#expr << ": " << tg_req_.error().message); \
  } while (0)

inline std::string hex64(char c) { return std::string(64, c); }

}  // namespace tg::firmware::catalog::testing
