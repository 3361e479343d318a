#include "firmware/service/saved_jobs.hpp"

#include "hal/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tg::firmware::service {
namespace {

constexpr std::size_t kMaxJobFileBytes = 64 * 1024;

bool safe_value(const std::string& v) {
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

Result<SavedJob> parse_job(const std::string& name, const std::string& text) {
  SavedJob j;
  j.name = name;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0)
      return Error(Errc::parse_error, "saved job '" + name + "' line " + std::to_string(lineno) + ": expected key=value");
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "name") {
      if (v != name) return Error(Errc::parse_error, "saved job file '" + name + ".job' names job '" + v + "'");
    } else if (k == "kind") j.kind = v;
    else if (k == "source") j.source = v;
    else if (k == "pool") j.pool = v;
    else if (k == "schedule") {
      if (!v.empty()) {
        auto s = parse_schedule(v);
        if (!s) return Error(Errc::parse_error, "saved job '" + name + "' line " + std::to_string(lineno) + ": " + s.error().message);
        j.schedule = *s;
      }
    } else if (k == "last_run") {
      if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
        return Error(Errc::parse_error, "saved job '" + name + "' line " + std::to_string(lineno) + ": bad last_run");
      j.last_run = std::stoll(v);
    } else if (k == "last_result") j.last_result = v;
    else j.extra[k] = v;
  }
  return j;
}

std::string serialize(const SavedJob& j) {
  std::string s = "# tapegate saved job\nname=" + j.name + "\nkind=" + j.kind + "\nsource=" + j.source + "\npool=" + j.pool +
                  "\nschedule=" + (j.schedule ? j.schedule->text() : "") + "\n";
  for (const auto& [k, v] : j.extra) s += k + "=" + v + "\n";
  s += "last_run=" + std::to_string(j.last_run) + "\nlast_result=" + j.last_result + "\n";
  return s;
}

}  // namespace

Status check_job_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.' ||
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos)
    return Error(Errc::invalid_argument,
                 "job name '" + name + "' is not valid: use 1-64 letters, digits, '.', '_' or '-', not starting with '.'");
  return {};
}

bool SavedJobStore::exists(const std::string& name) const {
  std::error_code ec;
  return check_job_name(name).ok() && std::filesystem::exists(path_for(name), ec);
}

Result<SavedJob> SavedJobStore::load(const std::string& name) const {
  TG_CHECK(check_job_name(name));
  std::ifstream in(path_for(name), std::ios::binary);
  if (!in) return Error(Errc::not_found, "no saved job '" + name + "'; 'job saved' lists them");
  std::string text(kMaxJobFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxJobFileBytes) return Error(Errc::parse_error, "saved job file '" + name + ".job' is too large");
  return parse_job(name, text);
}

std::vector<SavedJob> SavedJobStore::load_all(std::vector<std::string>* problems) const {
  std::vector<SavedJob> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    if (e.path().extension() != ".job") continue;
    auto name = e.path().stem().string();
    auto j = load(name);
    if (j) out.push_back(std::move(*j));
    else if (problems) problems->push_back(j.error().message);
  }
  std::sort(out.begin(), out.end(), [](const SavedJob& a, const SavedJob& b) { return a.name < b.name; });
  return out;
}

Status SavedJobStore::save(const SavedJob& job) const {
  TG_CHECK(check_job_name(job.name));
  for (const auto* v : {&job.kind, &job.source, &job.pool, &job.last_result})
    if (!safe_value(*v)) return Error(Errc::invalid_argument, "saved job '" + job.name + "': values must be one line of text");
  for (const auto& [k, v] : job.extra)
    if (!safe_value(k) || !safe_value(v) || k.find('=') != std::string::npos)
      return Error(Errc::invalid_argument, "saved job '" + job.name + "': bad option '" + k + "'");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Error(Errc::io_error, "cannot create " + dir_.string() + ": " + ec.message());
  auto saved = hal::write_file_atomic(path_for(job.name), serialize(job));
  if (!saved) return Error(Errc::io_error, "cannot save job '" + job.name + "': " + saved.error().message);
  return {};
}

Status SavedJobStore::remove(const std::string& name) const {
  TG_CHECK(check_job_name(name));
  std::error_code ec;
  if (!std::filesystem::remove(path_for(name), ec)) return Error(Errc::not_found, "no saved job '" + name + "'");
  return {};
}

}  // namespace tg::firmware::service
