#pragma once
// What a console command answers: named fields, tables and notes. One value
// renders as a readable table for operators or as JSON for scripts, so the
// CLI, the prompt, the serial line and the control socket print the same.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "firmware/console/escape.hpp"   // json_quote, terminal_text: the one escaping rule
#include "hal/result.hpp"

namespace tg::firmware::console {

// A measure shown two ways: its human form in text ("8.6 MiB", "126.3 MiB
// in 2.3 s (57.2 MB/s)") and a plain number in JSON (bytes, seconds, MB/s),
// so scripts never parse units. Built by the helpers in quantity.hpp.
struct Quantity {
  std::variant<std::int64_t, double> number;
  std::string text;
  bool operator==(const Quantity&) const = default;
};

// monostate renders as "-" / null.
using Cell = std::variant<std::monostate, std::string, std::int64_t, bool, double, Quantity>;

inline Cell cell(const char* s) { return std::string(s); }
inline Cell cell(std::string s) { return s; }
inline Cell cell_or_none(const std::string& s) { return s.empty() ? Cell{} : Cell{s}; }

struct Table {
  std::string name;                  // JSON key: "slots"
  std::string title;                 // text heading: "Storage slots"
  std::vector<std::string> columns;  // snake_case; shown with spaces
  std::vector<std::vector<Cell>> rows;
};

struct Reply {
  std::vector<std::pair<std::string, Cell>> fields;  // snake_case keys
  std::vector<Table> tables;
  std::vector<std::string> notes;    // sentences for the operator
  // A report whose content says something is wrong (a selftest with a
  // failed check): rendered in full, but the exit status is 1 and the JSON
  // says "ok":false.
  bool failed = false;
  // A document in a format of its own (Prometheus text): printed as it is
  // after everything else, and as "text" in JSON. Its producer escapes it.
  std::string document;

  Reply& field(std::string key, Cell value) {
    fields.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  Table& table(std::string name, std::string title, std::vector<std::string> columns) {
    tables.push_back(Table{std::move(name), std::move(title), std::move(columns), {}});
    return tables.back();
  }
  Reply& note(std::string text) {
    notes.push_back(std::move(text));
    return *this;
  }
};

std::string cell_text(const Cell& c);  // "-" for none, "yes"/"no" for bools; strings by terminal_text()
std::string render_text(const Reply& r);
std::string render_json(const Reply& r);           // {"ok":true,...}
std::string render_error_text(const Error& e);     // "error: ... (element_full)"
std::string render_error_json(const Error& e);     // {"ok":false,"error":{...}}

}  // namespace tg::firmware::console
