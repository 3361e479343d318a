#include "firmware/console/reply.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace tg::firmware::console {
namespace {

std::string label(const std::string& key) {
  std::string s = key;
  for (auto& c : s)
    if (c == '_') c = ' ';
  return s;
}

std::string json_number(double d) {
  if (!std::isfinite(d)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", d);
  return buf;
}

std::string json_cell(const Cell& c) {
  switch (c.index()) {
    case 0: return "null";
    case 1: return json_quote(std::get<std::string>(c));
    case 2: return std::to_string(std::get<std::int64_t>(c));
    case 3: return std::get<bool>(c) ? "true" : "false";
    case 4: return json_number(std::get<double>(c));
    default: {
      const auto& n = std::get<Quantity>(c).number;
      if (const auto* i = std::get_if<std::int64_t>(&n)) return std::to_string(*i);
      return json_number(std::get<double>(n));
    }
  }
}

}  // namespace

std::string cell_text(const Cell& c) {
  switch (c.index()) {
    case 0: return "-";
    case 1: return std::get<std::string>(c).empty() ? "-" : terminal_text(std::get<std::string>(c));
    case 2: return std::to_string(std::get<std::int64_t>(c));
    case 3: return std::get<bool>(c) ? "yes" : "no";
    case 4: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1f", std::get<double>(c));
      return buf;
    }
    default: return terminal_text(std::get<Quantity>(c).text);
  }
}

std::string render_text(const Reply& r) {
  std::string out;
  std::size_t w = 0;
  for (const auto& [k, v] : r.fields) w = std::max(w, k.size());
  for (const auto& [k, v] : r.fields) {
    std::string l = label(k) + ":";
    out += l + std::string(w + 2 - l.size() + 1, ' ') + cell_text(v) + "\n";
  }
  for (const auto& t : r.tables) {
    if (!out.empty()) out += "\n";
    if (!t.title.empty()) out += t.title + "\n";
    if (t.rows.empty()) {
      out += "  (none)\n";
      continue;
    }
    std::vector<std::size_t> widths;
    for (const auto& c : t.columns) widths.push_back(label(c).size());
    std::vector<std::vector<std::string>> text;
    for (const auto& row : t.rows) {
      std::vector<std::string> line;
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        line.push_back(i < row.size() ? cell_text(row[i]) : "-");
        widths[i] = std::max(widths[i], line.back().size());
      }
      text.push_back(std::move(line));
    }
    auto emit = [&](const std::vector<std::string>& cells) {
      std::string line = " ";
      for (std::size_t i = 0; i < cells.size(); ++i) {
        line += " " + cells[i];
        if (i + 1 < cells.size()) line += std::string(widths[i] - cells[i].size() + 1, ' ');
      }
      out += line + "\n";
    };
    std::vector<std::string> head;
    for (const auto& c : t.columns) head.push_back(label(c));
    emit(head);
    for (const auto& line : text) emit(line);
  }
  if (!r.notes.empty() && !out.empty()) out += "\n";
  for (const auto& n : r.notes) out += terminal_text(n) + "\n";
  out += r.document;
  return out;
}

std::string render_json(const Reply& r) {
  std::string out = r.failed ? "{\"ok\":false" : "{\"ok\":true";
  for (const auto& [k, v] : r.fields) out += "," + json_quote(k) + ":" + json_cell(v);
  for (const auto& t : r.tables) {
    out += "," + json_quote(t.name) + ":[";
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      out += i ? ",{" : "{";
      for (std::size_t c = 0; c < t.columns.size(); ++c) {
        if (c) out += ",";
        out += json_quote(t.columns[c]) + ":" + (c < t.rows[i].size() ? json_cell(t.rows[i][c]) : "null");
      }
      out += "}";
    }
    out += "]";
  }
  if (!r.notes.empty()) {
    out += ",\"notes\":[";
    for (std::size_t i = 0; i < r.notes.size(); ++i) out += (i ? "," : "") + json_quote(r.notes[i]);
    out += "]";
  }
  if (!r.document.empty()) out += ",\"text\":" + json_quote(r.document);
  return out + "}\n";
}

std::string render_error_text(const Error& e) {
  // Error messages may be several lines by design (a backup's list of
  // failed paths): each line is escaped, the line breaks kept.
  std::string text;
  for (std::size_t at = 0;;) {
    std::size_t nl = e.message.find('\n', at);
    text += terminal_text(std::string_view(e.message).substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    text += '\n';
    at = nl + 1;
  }
  return "error: " + text + " (" + errc_name(e.code) + ")\n";
}

std::string render_error_json(const Error& e) {
  // Machine-readable code: the Errc name in snake case ("element_full").
  std::string code = errc_name(e.code);
  for (auto& c : code) c = (c == ' ') ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string out = "{\"ok\":false,\"error\":{\"code\":" + json_quote(code) +
                    ",\"message\":" + json_quote(e.message);
  if (e.sense_key || e.asc || e.ascq)
    out += ",\"sense\":{\"key\":" + std::to_string(e.sense_key) + ",\"asc\":" + std::to_string(e.asc) +
           ",\"ascq\":" + std::to_string(e.ascq) + "}";
  return out + "}}\n";
}

}  // namespace tg::firmware::console
