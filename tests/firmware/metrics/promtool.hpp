#pragma once
// Prometheus' own checker on our exposition: promtool (Debian `prometheus`,
// installed by tools/setup) reads it on stdin; its exit status and output
// come back.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

namespace tg::test {

inline std::pair<int, std::string> promtool_check(const std::filesystem::path& dir, const std::string& text) {
  const auto in = dir / "metrics.prom";
  std::ofstream(in, std::ios::binary) << text;
  const std::string cmd = "promtool check metrics < '" + in.string() + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  return {::pclose(p), out};
}

}  // namespace tg::test
