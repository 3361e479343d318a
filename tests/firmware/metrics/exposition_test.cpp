#include "firmware/metrics/exposition.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace tg;
using namespace tg::firmware::metrics;

TEST_CASE("families render as Prometheus text: HELP, TYPE, one line per sample", "[metrics]") {
  std::vector<Family> f;
  f.push_back(Family{"tapegate_drive_loaded", "1 when loaded", MetricType::gauge, {}}
                  .add(1, {{"drive", "drive0"}, {"barcode", "TG0001L9"}})
                  .add(0, {{"drive", "drive1"}, {"barcode", ""}}));
  f.push_back(Family{"tapegate_things_total", "counted", MetricType::counter, {}}.add(12345678901234));
  auto text = render_exposition(f);
  REQUIRE(text);
  CHECK(*text ==
        "# HELP tapegate_drive_loaded 1 when loaded\n"
        "# TYPE tapegate_drive_loaded gauge\n"
        "tapegate_drive_loaded{drive=\"drive0\",barcode=\"TG0001L9\"} 1\n"
        "tapegate_drive_loaded{drive=\"drive1\",barcode=\"\"} 0\n"
        "# HELP tapegate_things_total counted\n"
        "# TYPE tapegate_things_total counter\n"
        "tapegate_things_total 12345678901234\n");
}

TEST_CASE("numbers: integers exactly, fractions in full, NaN and infinities by name", "[metrics]") {
  auto one = [](double v) {
    auto t = render_exposition({Family{"m", "h", MetricType::gauge, {}}.add(v)});
    REQUIRE(t);
    return t->substr(t->rfind('\n', t->size() - 2) + 3, std::string::npos);
  };
  CHECK(one(0) == "0\n");
  CHECK(one(-3) == "-3\n");
  CHECK(one(1733400000) == "1733400000\n");
  CHECK(one(0.5) == "0.5\n");
  CHECK(one(std::nan("")) == "NaN\n");
  CHECK(one(INFINITY) == "+Inf\n");
  CHECK(one(-INFINITY) == "-Inf\n");
}

TEST_CASE("label values from outside cannot break a line or drive a terminal", "[metrics]") {
  auto t = render_exposition({Family{"m", "help with \\ and\nnewline", MetricType::gauge, {}}.add(
      1, {{"barcode", "A\"B\\C\nD\x1b[2JE\xff"}})});
  REQUIRE(t);
  CHECK(t->find("# HELP m help with \\\\ and\\\\x0anewline\n") != std::string::npos);
  CHECK(t->find("m{barcode=\"A\\\"B\\\\C\\\\x0aD\\\\x1b[2JE\\\\xff\"} 1\n") != std::string::npos);
  CHECK(t->find('\x1b') == std::string::npos);
  CHECK(t->find('\xff') == std::string::npos);
}

TEST_CASE("bad metric or label names and a family listed twice are errors naming them", "[metrics]") {
  CHECK(render_exposition({Family{"9lives", "h", MetricType::gauge, {}}}).error().message.find("'9lives'") !=
        std::string::npos);
  CHECK_FALSE(render_exposition({Family{"a-b", "h", MetricType::gauge, {}}}));
  CHECK_FALSE(render_exposition({Family{"", "h", MetricType::gauge, {}}}));
  CHECK(render_exposition({Family{"ns:metric_1", "h", MetricType::gauge, {}}}));
  CHECK(render_exposition({Family{"m", "h", MetricType::gauge, {}}.add(1, {{"drive:x", "v"}})})
            .error().message.find("label 'drive:x'") != std::string::npos);
  CHECK_FALSE(render_exposition({Family{"m", "h", MetricType::gauge, {}}.add(1, {{"__name", "v"}})}));
  CHECK_FALSE(render_exposition({Family{"m", "h", MetricType::gauge, {}}.add(1, {{"a", "1"}, {"a", "2"}})}));
  CHECK(render_exposition({Family{"m", "h", MetricType::gauge, {}}, Family{"m", "h", MetricType::gauge, {}}})
            .error().message.find("listed twice") != std::string::npos);
}
