#pragma once
// The Prometheus text exposition format (version 0.0.4), written once here
// for every metric Tapegate exports: `# HELP` and `# TYPE` per family, one
// line per sample, label values escaped (\\, \", \n), each family's
// samples together. Names and label names are checked, so a typo is an
// error in a test rather than a scrape that Prometheus rejects.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hal/result.hpp"

namespace tg::firmware::metrics {

enum class MetricType { gauge, counter };

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Labels labels;
  double value = 0;
};

struct Family {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*, "tapegate_" prefixed by convention
  std::string help;
  MetricType type = MetricType::gauge;
  std::vector<Sample> samples;

  Family& add(double value, Labels labels = {}) {
    samples.push_back(Sample{std::move(labels), value});
    return *this;
  }
};

bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

// The text of every family in order; Errc::invalid_argument naming the
// metric or label that is not a valid name, or a family named twice.
Result<std::string> render_exposition(const std::vector<Family>& families);

}  // namespace tg::firmware::metrics
