#pragma once
// REQUIRE that a Result/Status succeeded, naming the error code and message
// if not (the driver tests' one spelling of it).
#include <catch2/catch.hpp>

#include <string>

#include "hal/result.hpp"

namespace tg::test {

inline std::string describe_error(const Error& e) { return std::string(errc_name(e.code)) + ": " + e.message; }

}  // namespace tg::test

#define TG_REQUIRE_OK(expr)                                                               \
  do {                                                                                    \
    auto&& tg_r_ = (expr);                                                                \
    if (!tg_r_.ok()) FAIL(#expr << " failed: " << ::tg::test::describe_error(tg_r_.error())); \
  } while (0)
