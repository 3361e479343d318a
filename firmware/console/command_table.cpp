#include "firmware/console/command_table.hpp"

#include <algorithm>

namespace tg::firmware::console {
namespace {

bool valid_name(const std::string& n) {
  if (n.empty() || n.front() == ' ' || n.back() == ' ' || n.find("  ") != std::string::npos) return false;
  return std::count(n.begin(), n.end(), ' ') <= 1 &&
         n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789- ") == std::string::npos;
}

Error usage_error(const CommandSpec& spec, const std::string& what) {
  return Error(Errc::invalid_argument, what + "; usage: " + spec.usage);
}

}  // namespace

Status CommandTable::add(CommandSpec spec) {
  if (!valid_name(spec.name)) return Error(Errc::invalid_argument, "bad command name '" + spec.name + "'");
  if (commands_.count(spec.name)) return Error(Errc::invalid_argument, "command '" + spec.name + "' registered twice");
  if (!spec.handler) return Error(Errc::invalid_argument, "command '" + spec.name + "' has no handler");
  if (spec.usage.empty()) spec.usage = spec.name;
  std::string name = spec.name;
  commands_.emplace(std::move(name), std::move(spec));
  return {};
}

const CommandSpec* CommandTable::find(const std::string& name) const {
  auto it = commands_.find(name);
  return it == commands_.end() ? nullptr : &it->second;
}

std::vector<const CommandSpec*> CommandTable::all() const {
  std::vector<const CommandSpec*> out;
  for (const auto& [n, s] : commands_) out.push_back(&s);
  return out;
}

std::vector<std::string> CommandTable::groups_matching(const std::string& first) const {
  std::vector<std::string> subs;
  for (const auto& [n, s] : commands_)
    if (n.size() > first.size() && n.compare(0, first.size(), first) == 0 && n[first.size()] == ' ')
      subs.push_back(n.substr(first.size() + 1));
  return subs;
}

Result<Request> CommandTable::parse(const std::vector<std::string>& words_in) const {
  std::vector<std::string> words;
  Request req;
  // --json and --force are line-wide: accepted anywhere so scripts can
  // append them without knowing the command's own options.
  bool wants_help = false;
  for (const auto& w : words_in) {
    if (w == "--json") req.json = true;
    else if (w == "--force") req.force = true;
    else if (w == "--help" || w == "-h") wants_help = true;
    else words.push_back(w);
  }
  if (words.empty() && !wants_help) return Error(Errc::invalid_argument, "empty command; type 'help' for the list of commands");

  const CommandSpec* spec = nullptr;
  std::size_t used = 0;
  if (words.size() >= 2) {
    spec = find(words[0] + " " + words[1]);
    used = 2;
  }
  if (!spec && !words.empty()) {
    spec = find(words[0]);
    used = 1;
  }
  if (wants_help || (spec && spec->name == "help")) {
    const CommandSpec* h = find("help");
    if (!h) return Error(Errc::invalid_argument, "no help available");
    req.spec = h;
    std::size_t skip = (spec && spec->name == "help") ? 1 : 0;
    for (std::size_t i = skip; i < words.size(); ++i) req.args.positional.push_back(words[i]);
    return req;
  }
  if (!spec) {
    auto subs = groups_matching(words[0]);
    if (!subs.empty()) {
      std::string list;
      for (const auto& s : subs) list += (list.empty() ? "" : ", ") + s;
      if (words.size() == 1) return Error(Errc::invalid_argument, "'" + words[0] + "' needs a subcommand: " + list);
      return Error(Errc::invalid_argument, "unknown subcommand '" + words[1] + "' of '" + words[0] + "'; known: " + list);
    }
    return Error(Errc::invalid_argument, "unknown command '" + words[0] + "'; type 'help' for the list of commands");
  }
  req.spec = spec;
  for (std::size_t i = used; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() > 2 && w.compare(0, 2, "--") == 0) {
      std::string name = w.substr(2), value;
      bool inline_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inline_value = true;
      }
      auto opt = std::find_if(spec->options.begin(), spec->options.end(), [&](const OptionSpec& o) { return o.name == name; });
      if (opt == spec->options.end()) return usage_error(*spec, "unknown option --" + name + " for '" + spec->name + "'");
      if (opt->takes_value && !inline_value) {
        if (i + 1 == words.size()) return usage_error(*spec, "option --" + name + " needs a value");
        value = words[++i];
      } else if (!opt->takes_value && inline_value) {
        return usage_error(*spec, "option --" + name + " takes no value");
      }
      req.args.options[name] = value;
    } else {
      req.args.positional.push_back(w);
    }
  }
  auto n = req.args.positional.size();
  if (n < spec->min_args) return usage_error(*spec, "missing argument for '" + spec->name + "'");
  if (n > spec->max_args)
    return usage_error(*spec, "unexpected argument '" + req.args.positional[spec->max_args] + "' for '" + spec->name + "'");
  return req;
}

Reply CommandTable::help_overview(bool simulated) const {
  Reply r;
  auto& t = r.table("commands", "Commands", {"command", "description"});
  for (const auto* s : all())
    if (simulated || !s->simulated_only) t.rows.push_back({s->usage, s->summary + (s->destructive ? " [destructive]" : "")});
  r.note("Type 'help <command>' for details. Add --json for machine-readable output.");
  return r;
}

Result<Reply> CommandTable::help_for(const std::vector<std::string>& topic, bool simulated) const {
  if (topic.empty()) return help_overview(simulated);
  const CommandSpec* spec = nullptr;
  if (topic.size() >= 2) spec = find(topic[0] + " " + topic[1]);
  if (!spec) spec = find(topic[0]);
  if (!spec) {
    auto subs = groups_matching(topic[0]);
    if (subs.empty()) return Error(Errc::not_found, "no command '" + topic[0] + "'; type 'help' for the list of commands");
    Reply r;
    auto& t = r.table("commands", "'" + topic[0] + "' commands", {"command", "description"});
    for (const auto& s : subs) {
      const CommandSpec* c = find(topic[0] + " " + s);
      t.rows.push_back({c->usage, c->summary + (c->destructive ? " [destructive]" : "")});
    }
    return r;
  }
  Reply r;
  r.field("command", spec->name).field("usage", spec->usage).field("destructive", spec->destructive);
  r.note(spec->summary);
  if (!spec->help.empty()) r.note(spec->help);
  if (spec->destructive) r.note("Destructive: asks for confirmation at the prompt; needs --force elsewhere.");
  return r;
}

}  // namespace tg::firmware::console
