#include "firmware/metrics/exposition.hpp"

#include <cmath>
#include <cstdio>
#include <set>

#include "firmware/console/escape.hpp"

namespace tg::firmware::metrics {
namespace {

bool name_char(char c, bool first, bool colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

bool valid_name(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, colon)) return false;
  return true;
}

// Names from outside (barcodes, pool and job names) first take the
// console's one escaping rule (control characters and invalid UTF-8 as
// \xNN), so the text is valid UTF-8 and drives no terminal; then the
// format's own escapes: HELP escapes \ and newline, label values also ".
std::string escaped(std::string_view raw, bool quote) {
  const std::string s = console::terminal_text(raw);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Integers (bytes, counts, timestamps) exactly; others to full precision.
  if (v == std::floor(v) && std::fabs(v) < 9.007199254740992e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

bool valid_metric_name(std::string_view name) { return valid_name(name, true); }
bool valid_label_name(std::string_view name) { return valid_name(name, false) && name.rfind("__", 0) != 0; }

Result<std::string> render_exposition(const std::vector<Family>& families) {
  std::string out;
  std::set<std::string> seen;
  for (const auto& f : families) {
    if (!valid_metric_name(f.name)) return Error(Errc::invalid_argument, "metric name '" + f.name + "' is not valid");
    if (!seen.insert(f.name).second) return Error(Errc::invalid_argument, "metric '" + f.name + "' is listed twice");
    out += "# HELP " + f.name + " " + escaped(f.help, false) + "\n";
    out += "# TYPE " + f.name + (f.type == MetricType::counter ? " counter\n" : " gauge\n");
    for (const auto& s : f.samples) {
      out += f.name;
      if (!s.labels.empty()) {
        out += "{";
        std::set<std::string> names;
        for (std::size_t i = 0; i < s.labels.size(); ++i) {
          const auto& [k, v] = s.labels[i];
          if (!valid_label_name(k) || !names.insert(k).second)
            return Error(Errc::invalid_argument, "metric '" + f.name + "': label '" + k + "' is not valid or repeated");
          out += (i ? "," : "") + k + "=\"" + escaped(v, true) + "\"";
        }
        out += "}";
      }
      out += " " + number(s.value) + "\n";
    }
  }
  return out;
}

}  // namespace tg::firmware::metrics
