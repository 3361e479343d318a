#include "firmware/restore/restore_plan.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace tg::firmware::restore {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Repositories the catalog knows, from its jobs (newest first).
Result<std::vector<std::string>> known_repositories(catalog::Catalog& cat) {
  auto jobs = TG_TRY(cat.list_jobs(100000));
  std::vector<std::string> out;
  for (auto& j : jobs)
    if (j.kind == catalog::JobKind::backup && !j.repository.empty() &&
        std::find(out.begin(), out.end(), j.repository) == out.end())
      out.push_back(j.repository);
  return out;
}

Result<std::vector<std::string>> repositories_for(catalog::Catalog& cat, const std::optional<std::string>& repo) {
  if (repo) return std::vector<std::string>{*repo};
  return known_repositories(cat);
}

Result<std::optional<catalog::Job>> job_named(catalog::Catalog& cat, const std::string& what) {
  if (all_digits(what)) {
    auto j = cat.job(std::stoll(what));
    if (j) return std::optional<catalog::Job>(*j);
    if (j.error().code != Errc::not_found) return std::move(j).error();
  }
  auto jobs = TG_TRY(cat.list_jobs(100000));   // newest first
  for (auto& j : jobs)
    if (j.kind == catalog::JobKind::backup && (j.name == what || j.uuid == what)) return std::optional<catalog::Job>(j);
  return std::optional<catalog::Job>();
}

// A job named by its name means its newest run; when there are others,
// say which run was taken and how to choose another, so "restore nightly"
// never quietly picks last night's when the operator meant Tuesday's.
Result<std::vector<std::string>> other_runs_note(catalog::Catalog& cat, const std::string& what,
                                                 const catalog::Job& chosen) {
  if (what != chosen.name) return std::vector<std::string>{};
  std::vector<catalog::Job> runs;
  for (auto& j : TG_TRY(cat.list_jobs(100000)))   // newest first
    if (j.kind == catalog::JobKind::backup && j.name == what) runs.push_back(j);
  if (runs.size() < 2) return std::vector<std::string>{};
  constexpr std::size_t kListed = 8;
  std::string others;
  for (std::size_t i = 0; i < runs.size() && i < kListed; ++i)
    if (runs[i].id != chosen.id) others += (others.empty() ? "" : ", ") + std::to_string(runs[i].id);
  if (runs.size() > kListed) others += ", ... ('catalog jobs' lists them all)";
  return std::vector<std::string>{"'" + what + "' names " + std::to_string(runs.size()) + " runs; this is the newest, job " +
                                  std::to_string(chosen.id) + "; name a job id to take another (" + others + ")"};
}

}  // namespace

const char* selection_kind_name(SelectionKind k) {
  switch (k) {
    case SelectionKind::file: return "file";
    case SelectionKind::group: return "group";
    case SelectionKind::job: return "job";
    case SelectionKind::media_set: return "media set";
    case SelectionKind::cartridge: return "cartridge";
  }
  return "?";
}

std::uint64_t RestorePlan::total_bytes() const {
  std::uint64_t n = 0;
  for (auto& f : files) n += f.file.size;
  return n;
}

std::vector<CartridgeWork> order_work(RestorePlan& plan) {
  // Drop files whose pieces do not cover them exactly.
  std::vector<PlannedFile> kept;
  for (auto& f : plan.files) {
    std::uint64_t next = 0;
    bool ok = true;
    for (auto& p : f.pieces) {
      if (p.piece.offset != next) ok = false;
      next = p.piece.offset + p.piece.length;
    }
    if (!ok || next != f.file.size || (f.pieces.empty() && f.file.size > 0)) {
      plan.unavailable.emplace_back(f.file.path, "its pieces in the catalog do not cover the file (a cartridge "
                                                 "was relabelled or the copy is incomplete)");
      continue;
    }
    if (f.pieces.empty()) {
      // Even an empty file has its member on tape; without a piece we
      // cannot read its header, but its content is known: nothing.
      plan.unavailable.emplace_back(f.file.path, "no piece recorded for it");
      continue;
    }
    kept.push_back(std::move(f));
  }
  plan.files = std::move(kept);

  std::map<std::tuple<std::string, std::uint32_t, std::string>, CartridgeWork> by_cart;
  for (std::size_t i = 0; i < plan.files.size(); ++i) {
    auto& f = plan.files[i];
    for (auto& p : f.pieces) {
      auto& w = by_cart[{p.media_set, p.sequence, p.cartridge}];
      w.barcode = p.cartridge;
      w.media_set = p.media_set;
      w.sequence = p.sequence;
      if (auto it = plan.block_sizes.find(p.cartridge); it != plan.block_sizes.end()) w.block_size = it->second;
      w.bytes += p.piece.length;
      w.tasks.push_back(PieceTask{.owner = i,
                                  .path = f.file.path,
                                  .file_number = p.file_number,
                                  .tape_file_first_block = p.tape_file_first_block,
                                  .first_block = p.piece.first_block,
                                  .header_offset = p.piece.header_offset,
                                  .offset = p.piece.offset,
                                  .length = p.piece.length,
                                  .volume_index = p.piece.volume_index});
    }
  }
  std::vector<CartridgeWork> out;
  for (auto& [k, w] : by_cart) {
    sort_for_tape(w.tasks);
    out.push_back(std::move(w));
  }
  return out;
}

Result<RestorePlan> plan_for_files(catalog::Catalog& cat, std::vector<catalog::BackupFile> files,
                                   PlanPurpose purpose) {
  RestorePlan plan;
  // One copy per (repository, path): they would land on the same target
  // name. A selection holds several after a job was killed and rerun (the
  // killed job's uncommitted copy, the rerun's committed one) or when a
  // file was copied again: take the committed copy of the newest job, and
  // call a path unavailable only when no copy of it is on tape.
  std::map<std::pair<std::string, std::string>, std::size_t> best;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto key = std::make_pair(files[i].repository, files[i].path);
    auto [it, fresh] = best.emplace(key, i);
    if (fresh) continue;
    const auto& cur = files[it->second];
    if (std::make_pair(files[i].on_tape, files[i].job) > std::make_pair(cur.on_tape, cur.job)) it->second = i;
  }
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto& f = files[i];
    const std::size_t b = best.at({f.repository, f.path});
    const bool left_out = purpose == PlanPurpose::verify ? !f.on_tape && files[b].on_tape : b != i;
    if (left_out) {
      if (files[b].on_tape) ++plan.superseded;
      continue;
    }
    if (!seen.insert(f.id).second) continue;
    if (!f.on_tape) {
      plan.unavailable.emplace_back(f.path, "no complete copy on tape (job " + std::to_string(f.job) +
                                                " did not commit it)");
      continue;
    }
    auto pieces = TG_TRY(cat.pieces_of(f.id));
    for (auto& p : pieces) {
      if (!plan.block_sizes.count(p.cartridge)) {
        auto c = cat.find_cartridge(p.cartridge);
        plan.block_sizes[p.cartridge] = (c && *c) ? (*c)->block_size : 0;
      }
    }
    plan.files.push_back(PlannedFile{.file = std::move(f), .pieces = std::move(pieces)});
  }
  return plan;
}

Result<Selection> resolve_selection(catalog::Catalog& cat, const std::string& what,
                                    const std::optional<std::string>& repository) {
  if (what.empty()) return make_error(Errc::invalid_argument, "nothing named to restore");
  if (auto j = TG_TRY(job_named(cat, what)); j)
    return Selection{.kind = SelectionKind::job, .value = std::to_string(j->id), .named_as = what};
  if (auto ms = cat.media_set(what); ms) return Selection{.kind = SelectionKind::media_set, .value = what};
  if (auto c = TG_TRY(cat.find_cartridge(what)); c) return Selection{.kind = SelectionKind::cartridge, .value = what};
  for (auto& repo : TG_TRY(repositories_for(cat, repository))) {
    if (!TG_TRY(cat.files_of_group(repo, what)).empty())
      return Selection{.kind = SelectionKind::group, .value = what, .repository = repo};
    if (!TG_TRY(cat.versions_of(repo, what)).empty())
      return Selection{.kind = SelectionKind::file, .value = what, .repository = repo};
  }
  std::string msg = "'" + what + "' is no job, media set, cartridge, group or backed-up file" +
                    (repository ? " of repository " + *repository : std::string());
  // Operators often give a file's base name; the catalog keeps paths
  // relative to the repository, so name the ones that match.
  constexpr std::size_t kHints = 5;
  auto named = TG_TRY(cat.paths_named(what, kHints + 1));
  std::erase_if(named, [&](const auto& rp) { return repository && rp.first != *repository; });
  if (!named.empty()) {
    msg += "; backed-up files with that name:";
    for (std::size_t i = 0; i < named.size() && i < kHints; ++i)
      msg += " '" + named[i].second + "' (repository " + named[i].first + ")" + (i + 1 < named.size() ? "," : "");
    if (named.size() > kHints) msg += " and more ('catalog list' shows them)";
    msg += " - give the path as shown";
  }
  return make_error(Errc::not_found, msg);
}

Result<RestorePlan> plan_restore(catalog::Catalog& cat, const Selection& sel, PlanPurpose purpose) {
  std::vector<catalog::BackupFile> files;
  std::vector<std::string> notes;
  std::string desc = std::string(selection_kind_name(sel.kind)) + " " + sel.value;
  switch (sel.kind) {
    case SelectionKind::job: {
      auto j = TG_TRY(job_named(cat, sel.value));
      if (!j) return make_error(Errc::not_found, "no backup job '" + sel.value + "' in the catalog");
      files = TG_TRY(cat.files_of_job(j->id));
      desc = "job " + std::to_string(j->id) + " (" + j->name + ")";
      notes = TG_TRY(other_runs_note(cat, sel.named_as.empty() ? sel.value : sel.named_as, *j));
      break;
    }
    case SelectionKind::media_set: files = TG_TRY(cat.files_of_media_set(sel.value)); break;
    case SelectionKind::cartridge: {
      std::set<std::int64_t> jobs;
      for (auto& tf : TG_TRY(cat.tape_files_of_cartridge(sel.value)))
        if (tf.job) jobs.insert(*tf.job);
      for (auto job : jobs)
        for (auto& f : TG_TRY(cat.files_of_job(job)))
          for (auto& p : TG_TRY(cat.pieces_of(f.id)))
            if (p.cartridge == sel.value) {
              files.push_back(f);
              break;
            }
      break;
    }
    case SelectionKind::group: {
      for (auto& repo : TG_TRY(repositories_for(cat, sel.repository))) {
        auto all = TG_TRY(cat.files_of_group(repo, sel.value));
        if (all.empty()) continue;
        // The chain: the newest full backup's job and every job after it.
        std::optional<std::int64_t> full_job;
        for (auto& f : all)
          if (f.kind == catalog::BackupKind::full && f.on_tape && (!full_job || f.job > *full_job)) full_job = f.job;
        if (!full_job) {
          return make_error(Errc::not_found, "group '" + sel.value + "' of repository " + repo +
                                                 " has no complete full backup on tape");
        }
        std::map<std::string, catalog::BackupFile> newest;
        for (auto& f : all) {
          if (f.job < *full_job || !f.on_tape) continue;
          auto it = newest.find(f.path);
          if (it == newest.end() || f.job > it->second.job) newest[f.path] = f;
        }
        for (auto& [p, f] : newest) files.push_back(f);
        desc = "group " + sel.value + " of " + repo + " (full from job " + std::to_string(*full_job) + ")";
        break;
      }
      if (files.empty()) return make_error(Errc::not_found, "no group '" + sel.value + "' in the catalog");
      break;
    }
    case SelectionKind::file: {
      for (auto& repo : TG_TRY(repositories_for(cat, sel.repository))) {
        for (auto& f : TG_TRY(cat.versions_of(repo, sel.value))) {   // newest job first
          if (f.on_tape) {
            files.push_back(f);
            break;
          }
        }
        if (!files.empty()) break;
      }
      if (files.empty()) return make_error(Errc::not_found, "no complete copy of '" + sel.value + "' on tape");
      break;
    }
  }
  auto plan = TG_TRY(plan_for_files(cat, std::move(files), purpose));
  plan.description = desc;
  plan.notes = std::move(notes);
  return plan;
}

}  // namespace tg::firmware::restore
