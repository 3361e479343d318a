#include "firmware/restore/catalog_rebuild.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "firmware/catalog/job_catalog_io.hpp"
#include "firmware/format/pax_keywords.hpp"
#include "firmware/format/sha256_manifest.hpp"
#include "firmware/format/tar_reader.hpp"
#include "firmware/format/volume_label.hpp"
#include "firmware/restore/tape_file_scanner.hpp"

namespace tg::firmware::restore {
namespace {

constexpr std::string_view kCatalogPrefix = "tapegate-catalog/";

// The first member of a block, if any.
class FirstMember final : public format::TarEvents {
 public:
  std::optional<format::TarEntry> entry;
  Status on_entry(const format::TarEntry& e) override {
    if (!entry) entry = e;
    return {};
  }
  Status on_data(std::span<const std::uint8_t>) override { return {}; }
  Status on_entry_end() override { return {}; }
};

std::string keyword(const format::TarEntry& e, std::string_view name) {
  if (auto* v = e.keyword(std::string(name))) return *v;
  // TAPEGATE.<name> is the reserved alternative spelling (tape-format.md).
  std::string alt = "TAPEGATE." + std::string(name.substr(name.rfind('.') + 1));
  if (auto* v = e.keyword(alt)) return *v;
  return "";
}

struct CartridgeInfo {
  format::VolumeLabel label;
  struct DataFile {
    std::uint32_t number = 0;
    std::uint64_t first_block = 0;
  };
  std::vector<DataFile> data_files;
};

// A member found by the scan, with where it is.
struct Found {
  std::string barcode;
  const ScannedTapeFile* tape_file = nullptr;
  const ScannedMember* member = nullptr;
};

// Where pass 1 is on the tape. A drive that cannot report its position
// (tgt answers READ POSITION with zeros) is followed by counting the
// objects read since the rewind; for such a drive a tape file is skipped by
// reading through it, because SPACE over a filemark would lose the count.
class PositionFollower {
 public:
  explicit PositionFollower(TapeReader& tape) : tape_(tape) {}
  Status rewind() {
    TG_CHECK(tape_.rewind());
    count_ = 0;
    return {};
  }
  Status locate(std::uint64_t n) {
    TG_CHECK(tape_.locate(n));
    count_ = n;
    return {};
  }
  Result<drivers::ReadStatus> read(std::span<std::uint8_t> buf) {
    auto r = tape_.read(buf);
    if (!r) count_.reset();   // where a failed READ leaves the tape is the drive's business
    else if (count_ && r->kind != drivers::ReadKind::end_of_data) ++*count_;
    return r;
  }
  Result<std::uint64_t> position() {
    auto p = tape_.position();
    if (p) count_ = *p;
    else if (count_) return *count_;
    return p;
  }
  // Past the next filemark; true when end of data came first.
  Result<bool> skip_tape_file(std::span<std::uint8_t> buf) {
    if (!reads_through_) {
      std::optional<std::uint64_t> before = count_;
      auto sp = TG_TRY(tape_.space(drivers::SpaceCode::filemarks, 1));
      if (auto p = tape_.position(); p) {
        count_ = *p;
        return sp.hit_end_of_data;
      }
      // The drive keeps no position over a SPACE: go back and read through
      // from now on.
      if (!before) return make_error(Errc::position_lost, "the drive reports no position after SPACE");
      reads_through_ = true;
      TG_CHECK(locate(*before));
    }
    for (;;) {
      auto r = TG_TRY(read(buf));
      if (r.kind == drivers::ReadKind::filemark) return false;
      if (r.kind == drivers::ReadKind::end_of_data) return true;
    }
  }
  // After scan_tape_file read a tape file from `first`.
  void scanned(const ScannedTapeFile& t) {
    if (t.error) count_.reset();
    else count_ = t.first_block + t.blocks + (t.end_of_data ? 0 : 1);
  }
  TapeReader& tape() { return tape_; }

 private:
  TapeReader& tape_;
  std::optional<std::uint64_t> count_;
  bool reads_through_ = false;
};

// Pass 1 on one loaded cartridge.
Status walk_cartridge(catalog::Catalog& cat, TapeReader& reader, const std::string& barcode,
                      std::span<std::uint8_t> buf, JobContext& ctx, RebuildReport& report,
                      std::map<std::string, CartridgeInfo>& infos) {
  PositionFollower tape(reader);
  TG_CHECK(tape.rewind());
  auto r0 = tape.read(buf);
  if (!r0) {
    report.problems.push_back(barcode + ": cannot read the volume label: " + r0.error().message);
    return {};
  }
  bool blank = r0->kind != drivers::ReadKind::data;
  auto cls = format::classify_medium(blank, std::span<const std::uint8_t>(buf.data(), blank ? 0 : r0->length));
  if (cls.content != format::MediumContent::ours || !cls.label) {
    report.foreign.push_back(barcode + ": " + format::medium_content_name(cls.content) +
                             (cls.reason.empty() ? "" : " (" + cls.reason + ")"));
    return {};
  }
  if (cls.label->barcode != barcode) {
    report.problems.push_back(barcode + ": its label names barcode " + cls.label->barcode + "; the label is trusted");
  }
  CartridgeInfo& info = infos[barcode];
  info.label = *cls.label;
  report.cartridges_read.push_back(barcode);
  // Past the rest of the label file.
  if (r0->kind == drivers::ReadKind::data) (void)TG_TRY(tape.skip_tape_file(buf));

  for (std::uint32_t n = 1;; ++n) {
    if (ctx.cancelled()) return make_error(Errc::cancelled, "catalog rebuild cancelled on cartridge " + barcode);
    const std::uint64_t first = TG_TRY(tape.position());
    auto r = tape.read(buf);
    if (!r) {
      report.problems.push_back(barcode + " tape file " + std::to_string(n) + " block " + std::to_string(first) +
                                ": " + r.error().message);
      // Try the next tape file; an unreadable first block hides this one.
      auto sp = tape.skip_tape_file(buf);
      if (!sp || *sp) break;
      info.data_files.push_back({n, first});
      continue;
    }
    if (r->kind == drivers::ReadKind::end_of_data) break;
    if (r->kind == drivers::ReadKind::filemark) continue;   // an empty tape file
    FirstMember fm;
    format::TarReader reader;
    (void)reader.feed(std::span<const std::uint8_t>(buf.data(), r->length), fm);
    const bool is_copy = fm.entry && fm.entry->path.rfind(kCatalogPrefix, 0) == 0;
    if (!is_copy) {
      info.data_files.push_back({n, first});
      if (TG_TRY(tape.skip_tape_file(buf))) break;   // the last tape file lost its filemark
      continue;
    }
    // The job's catalog copy: read it whole from its start.
    TG_CHECK(tape.locate(first));
    auto scan = TG_TRY(scan_tape_file(tape.tape(), buf, n, first,
                                      ScanOptions{.capture_prefix = std::string(kCatalogPrefix)}, &ctx));
    tape.scanned(scan);
    const std::string where = barcode + " tape file " + std::to_string(n);
    if (scan.error || scan.members.empty() || !scan.members.front().complete) {
      ++report.catalog_copies_damaged;
      report.problems.push_back(where + ": catalog copy unreadable" +
                                (scan.error ? ": " + scan.error->message : std::string()));
      if (scan.end_of_data) break;
      continue;
    }
    const ScannedMember& m = scan.members.front();
    const std::string want = keyword(m.entry, format::pax::kSha256);
    if (!want.empty() && want != m.data_sha256) {
      ++report.catalog_copies_damaged;
      report.problems.push_back(where + ": catalog copy fails its SHA-256 (damaged)");
    } else if (auto imp = catalog::import_job_catalog(cat, m.captured); !imp) {
      ++report.catalog_copies_damaged;
      report.problems.push_back(where + ": catalog copy not imported: " + imp.error().message);
    } else if (imp->already_present) {
      ++report.catalog_copies_present;
    } else {
      ++report.catalog_copies_imported;
      ctx.log(LogLevel::info, where + ": imported job catalog (" + std::to_string(imp->files) + " files)");
    }
    if (scan.end_of_data) break;
  }
  return {};
}

// Pass 2: builds one job document per job uuid from scanned members.
struct JobBuild {
  catalog::JobCatalogDoc doc;
  std::map<std::pair<std::string, std::uint32_t>, std::int64_t> tape_file_ids;   // (barcode, number) -> id
  std::set<std::string> cartridges;
  // path -> pieces found (original member and continuations)
  std::map<std::string, std::vector<Found>> pieces;
  // path -> SHA-256 values the job's manifests list for it (TAPEGATE-2)
  std::map<std::string, std::vector<std::string>> manifest;
};

void add_scan_to_jobs(const std::string& barcode, const CartridgeInfo& info, const ScannedTapeFile& tf,
                      std::map<std::string, JobBuild>& jobs, RebuildReport& report) {
  for (const ScannedMember& m : tf.members) {
    const std::string job = keyword(m.entry, format::pax::kJob);
    if (job.empty() || m.entry.path.rfind(kCatalogPrefix, 0) == 0 || !m.entry.is_regular()) continue;
    if (keyword(m.entry, format::pax::kKind) == format::pax::kManifestKind) {
      const std::string where = barcode + " tape file " + std::to_string(tf.file_number);
      if (!m.complete || m.entry.continuation) {
        report.problems.push_back(where + ": checksum manifest '" + m.entry.path + "' is incomplete here");
        continue;
      }
      auto entries = format::parse_manifest(m.captured);
      if (!entries) {
        report.problems.push_back(where + ": checksum manifest '" + m.entry.path + "': " + entries.error().message);
        continue;
      }
      JobBuild& jb = jobs[job];
      for (auto& e : *entries) jb.manifest[e.path].push_back(e.sha256);
      continue;
    }
    JobBuild& jb = jobs[job];
    if (jb.doc.job.uuid.empty()) {
      jb.doc.job.uuid = job;
      jb.doc.job.name = "rebuilt-" + job.substr(0, 8);
      jb.doc.job.kind = catalog::JobKind::backup;
      jb.doc.job.repository = keyword(m.entry, format::pax::kRepository);
      jb.doc.job.pool = info.label.pool;
      jb.doc.job.media_set = info.label.media_set;
      jb.doc.job.started = info.label.label_time;
      jb.doc.job.state = catalog::JobState::done;
      jb.doc.job.summary = "rebuilt by scanning tape headers (no catalog copy)";
      jb.doc.pool = catalog::Pool{.name = info.label.pool, .retention_days = 30, .created = info.label.label_time};
      jb.doc.media_set = catalog::MediaSet{.id = info.label.media_set, .pool = info.label.pool, .created = info.label.label_time};
    }
    auto key = std::make_pair(barcode, tf.file_number);
    if (!jb.tape_file_ids.count(key)) {
      catalog::TapeFile t;
      t.id = static_cast<std::int64_t>(jb.doc.tape_files.size() + 1);
      t.cartridge = barcode;
      t.file_number = tf.file_number;
      t.first_block = tf.first_block;
      t.block_count = tf.blocks;
      t.kind = catalog::TapeFileKind::data;
      t.state = tf.end_of_data ? catalog::TapeFileState::incomplete : catalog::TapeFileState::closed;
      jb.tape_file_ids[key] = t.id;
      jb.doc.tape_files.push_back(t);
    }
    if (jb.cartridges.insert(barcode).second) {
      jb.doc.cartridges.push_back(catalog::JobCatalogCartridge{.barcode = barcode,
                                                                .sequence = info.label.sequence,
                                                                .format_version = info.label.format,
                                                                .block_size = info.label.block_size,
                                                                .label_time = info.label.label_time});
    }
    jb.pieces[m.entry.original_path()].push_back(Found{barcode, &tf, &m});
  }
  (void)report;
}

// Where a job's first member is on tape: (label time, media set, sequence,
// tape file, byte). Within a media set, the order jobs were written in.
using TapePosition = std::tuple<std::int64_t, std::string, std::uint32_t, std::uint32_t, std::uint64_t>;

std::optional<TapePosition> first_position(const JobBuild& jb, std::map<std::string, CartridgeInfo>& infos) {
  std::optional<TapePosition> first;
  for (const auto& [path, found] : jb.pieces)
    for (const Found& f : found) {
      const auto& l = infos[f.barcode].label;
      TapePosition at{l.label_time, l.media_set, l.sequence, f.tape_file->file_number, f.member->header_offset};
      if (!first || at < *first) first = at;
    }
  return first;
}

// Turns the pieces of each path into files: a whole member whose data
// matches its header hash, or a spanned chain original + continuations
// that covers the file.
void finish_job(JobBuild& jb, std::map<std::string, CartridgeInfo>& infos, RebuildReport& report) {
  std::int64_t next_id = 1;
  for (auto& [path, found] : jb.pieces) {
    // Candidates: each original member (volume 0) starts a copy.
    for (const Found& f : found) {
      const ScannedMember& m = *f.member;
      if (m.entry.continuation) continue;
      std::string sha = keyword(m.entry, format::pax::kSha256);
      // TAPEGATE-2: the hash is in a manifest. A whole member is a valid
      // copy when its data hashes to a value listed for its path (a copy
      // that changed while it was copied is listed by a placeholder only).
      const auto listed = jb.manifest.find(path);
      if (sha.empty() && listed != jb.manifest.end()) {
        const auto& hashes = listed->second;
        if (m.complete && std::find(hashes.begin(), hashes.end(), m.data_sha256) != hashes.end())
          sha = m.data_sha256;
        else if (!m.complete)
          sha = hashes.back();  // a spanned file: checked when it is restored
      }
      std::vector<const Found*> chain{&f};
      std::uint64_t covered = m.length;
      if (!m.complete) {
        // Continuations in sequence order, each starting where the last ended.
        std::vector<const Found*> conts;
        for (const Found& c : found)
          if (c.member->entry.continuation) conts.push_back(&c);
        std::sort(conts.begin(), conts.end(), [&](const Found* a, const Found* b) {
          return infos[a->barcode].label.sequence < infos[b->barcode].label.sequence;
        });
        for (const Found* c : conts) {
          if (c->member->file_offset != covered) continue;
          chain.push_back(c);
          covered += c->member->length;
          if (c->member->complete) break;
        }
      }
      const std::string where = f.barcode + " tape file " + std::to_string(f.tape_file->file_number);
      if (covered != m.entry.size) {
        ++report.members_rejected;
        report.problems.push_back(where + ": '" + path + "' is incomplete on the cartridges read (" +
                                  std::to_string(covered) + " of " + std::to_string(m.entry.size) + " bytes)");
        continue;
      }
      if (sha.empty()) {
        ++report.members_rejected;
        if (listed == jb.manifest.end())
          report.problems.push_back(where + ": '" + path + "' has no checksum on the cartridges read (its manifest is missing)");
        continue;  // listed, but not with this copy's hash: changed while it was copied
      }
      if (chain.size() == 1 && m.data_sha256 != sha) {
        ++report.members_rejected;   // changed while it was copied: not a valid copy
        continue;
      }
      catalog::BackupFile bf;
      bf.id = next_id++;
      bf.repository = keyword(m.entry, format::pax::kRepository);
      bf.path = path;
      bf.group = keyword(m.entry, format::pax::kGroup);
      auto kind = catalog::parse_backup_kind(keyword(m.entry, format::pax::kKind));
      bf.kind = kind ? *kind : catalog::BackupKind::full;
      bf.size = m.entry.size;
      bf.mtime = m.entry.mtime;
      bf.sha256 = sha;
      jb.doc.files.push_back(bf);
      std::uint32_t vol = 0;
      for (const Found* c : chain) {
        catalog::Piece p;
        p.backup_file = bf.id;
        p.tape_file = jb.tape_file_ids.at({c->barcode, c->tape_file->file_number});
        p.offset = c->member->file_offset;
        p.length = c->member->length;
        p.first_block = c->member->first_block;
        p.end_block = c->member->end_block;
        p.header_offset = c->member->header_offset;
        p.volume_index = vol++;
        p.committed = true;
        jb.doc.pieces.push_back(p);
      }
      ++report.files_from_scan;
      break;   // one copy of a path per job
    }
  }
  jb.doc.job.files = jb.doc.files.size();
  for (auto& f : jb.doc.files) jb.doc.job.bytes += f.size;
}

}  // namespace

std::string RebuildReport::summary() const {
  std::string s = std::to_string(cartridges_read.size()) + " cartridges read, " +
                  std::to_string(catalog_copies_imported) + " job catalogs imported (" +
                  std::to_string(catalog_copies_present) + " already present, " +
                  std::to_string(catalog_copies_damaged) + " damaged), " + std::to_string(tape_files_scanned) +
                  " tape files scanned -> " + std::to_string(jobs_from_scan) + " jobs, " +
                  std::to_string(files_from_scan) + " files";
  if (!problems.empty()) s += "; " + std::to_string(problems.size()) + " problems, first: " + problems.front();
  return s;
}

Result<RebuildReport> rebuild_catalog(catalog::Catalog& cat, CartridgeSource& source, JobContext& ctx,
                                      const RebuildOptions& options) {
  RebuildReport report;
  std::vector<std::uint8_t> buffer(options.max_block_bytes);   // the one allocation for tape blocks
  std::vector<std::string> barcodes = options.only;
  if (barcodes.empty()) barcodes = TG_TRY(source.barcodes_in_library());
  std::sort(barcodes.begin(), barcodes.end());
  barcodes.erase(std::remove_if(barcodes.begin(), barcodes.end(),
                                [](const std::string& b) { return b.rfind("CLN", 0) == 0; }),
                 barcodes.end());
  std::map<std::string, CartridgeInfo> infos;

  ProgressSnapshot p;
  p.phase.set("reading catalogs");
  p.files_total = barcodes.size();
  auto pass1 = [&](const std::string& b) -> Status {
    p.cartridge.set(b);
    ctx.progress(p);
    auto tape = source.mount(b, "catalog rebuild", ctx);
    if (!tape) {
      if (tape.error().code == Errc::cancelled) return std::move(tape).error();
      report.problems.push_back(b + ": " + tape.error().message);
      return {};
    }
    TG_CHECK(walk_cartridge(cat, **tape, b, buffer, ctx, report, infos));
    ++p.files_done;
    ++p.cartridges_used;
    return {};
  };
  for (auto& b : barcodes) TG_CHECK(pass1(b));

  if (options.ask_for_missing) {
    // Cartridges the imported copies place in the sets we saw, not in the library.
    std::set<std::string> sets;
    for (auto& [b, info] : infos) sets.insert(info.label.media_set);
    for (auto& set : sets) {
      for (auto& c : TG_TRY(cat.list_cartridges(catalog::CartridgeFilter{.media_set = set}))) {
        if (infos.count(c.barcode) || std::find(barcodes.begin(), barcodes.end(), c.barcode) != barcodes.end()) continue;
        barcodes.push_back(c.barcode);
        TG_CHECK(pass1(c.barcode));
      }
    }
  }

  // Pass 2: data tape files no catalog copy described, read whole through
  // the read-ahead ring (pass 1 reads one block per tape file: reading
  // ahead there would only read what SPACE then skips). Its slots hold the
  // largest label block size; every block of a tape file has its label's
  // size (tape-format.md), and a longer one is reported as restore does.
  p.phase.set("scanning headers");
  std::map<std::string, std::vector<ScannedTapeFile>> scans;   // kept until the jobs are built
  std::size_t slot = 0;
  for (auto& [barcode, info] : infos) slot = std::max<std::size_t>(slot, info.label.block_size);
  if (slot == 0 || slot > buffer.size()) slot = buffer.size();
  std::unique_ptr<ReadAheadReader> ahead;
  if (options.read_ahead_bytes) {
    auto created = TG_TRY(ReadAheadReader::create(slot, options.read_ahead_bytes));
    ahead = std::move(created);
  }
  const std::span<std::uint8_t> scan_buffer = ahead ? std::span<std::uint8_t>(buffer).first(slot) : buffer;
  for (auto& [barcode, info] : infos) {
    std::set<std::uint32_t> known;
    for (auto& tf : TG_TRY(cat.tape_files_of_cartridge(barcode))) known.insert(tf.file_number);
    std::vector<CartridgeInfo::DataFile> todo;
    for (auto& df : info.data_files)
      if (!known.count(df.number)) todo.push_back(df);
    if (todo.empty()) continue;
    p.cartridge.set(barcode);
    ctx.progress(p);
    if (ahead) ahead->detach();   // no READ in flight while the changer works
    auto mounted = source.mount(barcode, "catalog rebuild (header scan)", ctx);
    if (!mounted) {
      if (mounted.error().code == Errc::cancelled) return std::move(mounted).error();
      report.problems.push_back(barcode + ": " + mounted.error().message);
      continue;
    }
    TapeReader* tape = *mounted;
    if (ahead) {
      ahead->attach(tape);
      tape = ahead.get();
    }
    auto& list = scans[barcode];
    list.reserve(todo.size());   // Found keeps pointers into these
    for (auto& df : todo) {
      TG_CHECK(tape->locate(df.first_block));
      // TAPEGATE-2 keeps each file's SHA-256 in the manifests: read them.
      auto scan = TG_TRY(scan_tape_file(*tape, scan_buffer, df.number, df.first_block,
                                        ScanOptions{.capture_prefix = std::string(format::kManifestDir) + "/",
                                                    .capture_limit = format::kMaxManifestBytes},
                                        &ctx));
      ++report.tape_files_scanned;
      if (scan.error) {
        report.problems.push_back(barcode + " tape file " + std::to_string(df.number) + ": " + scan.error->message +
                                  " (members before it are kept)");
      }
      list.push_back(std::move(scan));
    }
  }
  ahead.reset();
  TG_CHECK(source.release());

  std::map<std::string, JobBuild> jobs;
  for (auto& [barcode, list] : scans)
    for (auto& tf : list) add_scan_to_jobs(barcode, infos[barcode], tf, jobs, report);
  // Import in the order the jobs were written, not by uuid: the catalog's
  // job ids stand for that order (a group's newest full and the
  // incrementals after it, a path's newest copy: restore_plan.cpp), and a
  // scanned job has no time of its own (its start is its label's).
  std::vector<std::pair<TapePosition, JobBuild*>> order;
  for (auto& [uuid, jb] : jobs)
    if (auto at = first_position(jb, infos)) order.emplace_back(*at, &jb);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [at, jbp] : order) {
    JobBuild& jb = *jbp;
    const std::string& uuid = jb.doc.job.uuid;
    finish_job(jb, infos, report);
    if (jb.doc.files.empty()) continue;
    auto imp = catalog::import_job_catalog(cat, catalog::encode_job_catalog(jb.doc), catalog::ImportSource::header_scan);
    if (!imp) {
      report.problems.push_back("job " + uuid + " from the header scan not imported: " + imp.error().message);
      continue;
    }
    if (!imp->already_present) ++report.jobs_from_scan;
  }
  ctx.log(LogLevel::notice, "catalog rebuild: " + report.summary());
  return report;
}

}  // namespace tg::firmware::restore
