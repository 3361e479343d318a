#include "firmware/metrics/appliance_metrics.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "firmware/catalog/catalog.hpp"
#include "firmware/console/library_ops.hpp"
#include "firmware/console/tape_job.hpp"
#include "firmware/library/drive_cleaning.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "firmware/pools/media_pools.hpp"
#include "firmware/service/job_manager.hpp"
#include "firmware/service/saved_jobs.hpp"
#include "firmware/version.hpp"

namespace tg::firmware::metrics {
namespace {

using drivers::ElementType;

// Each drive as the appliance last read it (TapeDrive::last_readings: at
// the end of each mount and around each backup). A scrape sends no drive a
// command: a drive in use takes commands from its job only, and reading
// TapeAlert clears the flags for whoever reads next.
void collect_drives(console::Appliance& app, std::vector<Family>& out) {
  Family in_use{"tapegate_drive_in_use", "1 while a job or command holds the drive", MetricType::gauge, {}};
  Family written{"tapegate_drive_written_bytes_total",
                 "Bytes the drive received to write since its power-on (LOG SENSE 0x0C), as last read", MetricType::counter, {}};
  Family read{"tapegate_drive_read_bytes_total",
              "Bytes the drive sent from its tapes since its power-on (LOG SENSE 0x0C), as last read", MetricType::counter, {}};
  Family stalls{"tapegate_drive_stalls_total", "Buffer underruns speed matching could not absorb, as last read",
                MetricType::counter, {}};
  Family backhitches{"tapegate_drive_backhitches_total", "Times the tape stopped and repositioned, as last read",
                     MetricType::counter, {}};
  Family cleaning{"tapegate_drive_cleaning_requested", "1 when the drive's last TapeAlert flags ask for cleaning",
                  MetricType::gauge, {}};
  Family alerts{"tapegate_drive_tapealert", "1 for each TapeAlert flag set at the drive's last read", MetricType::gauge, {}};
  for (const auto& d : app.library->drives) {
    if (d.drive == nullptr) continue;
    const std::string name = d.drive->name();
    if (app.drives) in_use.add(app.drives->owner_of(name) ? 1 : 0, {{"drive", name}});
    const auto r = d.drive->last_readings();
    if (r.data && r.data->bytes_from_host) written.add(static_cast<double>(*r.data->bytes_from_host), {{"drive", name}});
    if (r.data && r.data->bytes_to_host) read.add(static_cast<double>(*r.data->bytes_to_host), {{"drive", name}});
    if (r.counters) {
      stalls.add(static_cast<double>(r.counters->stalls), {{"drive", name}});
      backhitches.add(static_cast<double>(r.counters->backhitches), {{"drive", name}});
    }
    if (r.tape_alerts) {
      cleaning.add(library::cleaning_requested(*r.tape_alerts) ? 1 : 0, {{"drive", name}});
      for (const auto& a : *r.tape_alerts)
        alerts.add(1, {{"drive", name}, {"flag", std::to_string(a.flag)}, {"name", a.name}, {"severity", a.severity}});
    }
  }
  for (auto* f : {&in_use, &written, &read, &stalls, &backhitches, &cleaning, &alerts}) out.push_back(std::move(*f));
}

// Library: every element type counted, full ones counted, drives with their cartridge.
bool collect_library(console::Appliance& app, std::vector<Family>& out) {
  if (app.library == nullptr) return false;
  auto inv = console::read_inventory(app, *app.library);
  if (!inv) return false;
  Family elements{"tapegate_library_elements", "Elements of the library by type", MetricType::gauge, {}};
  Family full{"tapegate_library_elements_full", "Elements holding a cartridge, by type", MetricType::gauge, {}};
  const std::pair<ElementType, const char*> types[] = {{ElementType::storage, "slot"},
                                                       {ElementType::import_export, "mailslot"},
                                                       {ElementType::data_transfer, "drive"}};
  for (const auto& [type, name] : types) {
    std::size_t n = 0, f = 0;
    for (const auto* e : inv->of_type(type)) {
      ++n;
      if (e->full) ++f;
    }
    elements.add(static_cast<double>(n), {{"type", name}});
    full.add(static_cast<double>(f), {{"type", name}});
  }
  Family loaded{"tapegate_drive_loaded", "1 when the drive holds a cartridge (barcode label), else 0", MetricType::gauge, {}};
  Family exception{"tapegate_drive_element_exception", "1 when the changer reports an exception on the drive element",
                   MetricType::gauge, {}};
  for (const auto* e : inv->of_type(ElementType::data_transfer)) {
    const auto* d = app.library->drive_by_element(e->address);
    const std::string name = d && d->drive ? d->drive->name() : "element " + std::to_string(e->address);
    loaded.add(e->full ? 1 : 0, {{"drive", name}, {"barcode", e->full ? e->barcode : ""}});
    exception.add(e->except ? 1 : 0, {{"drive", name}});
  }
  out.push_back(std::move(elements));
  out.push_back(std::move(full));
  out.push_back(std::move(loaded));
  out.push_back(std::move(exception));
  collect_drives(app, out);
  return true;
}

bool collect_catalog(console::Appliance& app, std::vector<Family>& out) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(app.paths.catalog(), ec);
  if (ec) return false;
  std::uint64_t total = size;
  for (const char* side : {"-wal", "-shm"}) {
    const auto s = std::filesystem::file_size(app.paths.catalog().string() + side, ec);
    if (!ec) total += s;
  }
  out.push_back(Family{"tapegate_catalog_size_bytes", "Size of the catalog database with its write-ahead log",
                       MetricType::gauge, {}}.add(static_cast<double>(total)));
  auto cat = console::open_catalog(app);
  if (!cat) return false;
  auto pools = pools::list_pools(**cat);
  if (!pools) return false;
  Family carts{"tapegate_pool_cartridges", "Cartridges of a pool by state", MetricType::gauge, {}};
  Family written{"tapegate_pool_written_bytes", "Bytes the catalog records on a pool's cartridges", MetricType::gauge, {}};
  for (const auto& p : *pools) {
    for (const auto& [state, n] : p.cartridges)
      carts.add(n, {{"pool", p.pool.name}, {"state", catalog::cartridge_state_name(state)}});
    written.add(static_cast<double>(p.bytes_written), {{"pool", p.pool.name}});
  }
  out.push_back(std::move(carts));
  out.push_back(std::move(written));
  // The newest successful run of each saved job, from the catalog's records.
  if (app.saved != nullptr) {
    auto saved = app.saved->load_all();
    auto jobs = (*cat)->list_jobs(10000);
    if (!jobs) return false;
    Family last{"tapegate_saved_job_last_success_timestamp_seconds",
                "When the newest successful run of a saved job ended (UNIX seconds); absent before the first",
                MetricType::gauge, {}};
    for (const auto& s : saved) {
      for (const auto& j : *jobs)
        if (j.name == s.name && j.state == catalog::JobState::done && j.ended) {
          last.add(static_cast<double>(*j.ended), {{"job", s.name}});
          break;
        }
    }
    out.push_back(std::move(last));
  }
  return true;
}

void collect_jobs(console::Appliance& app, std::vector<Family>& out) {
  Family info{"tapegate_job_info", "1 for each job the appliance runs or ran recently, with its state", MetricType::gauge, {}};
  Family bytes{"tapegate_job_bytes", "Bytes a job has moved so far", MetricType::gauge, {}};
  Family rate{"tapegate_job_rate_bytes_per_second", "A running job's recent rate", MetricType::gauge, {}};
  Family stalls{"tapegate_job_drive_stalls", "Times the drive waited for a job's data", MetricType::gauge, {}};
  for (const auto& j : app.jobs->list()) {
    const std::string id = std::to_string(j.id);
    info.add(1, {{"job", id}, {"name", j.name}, {"kind", j.kind}, {"state", service::job_state_name(j.state)}});
    if (!j.has_progress) continue;
    const Labels l{{"job", id}, {"name", j.name}, {"kind", j.kind}};
    bytes.add(static_cast<double>(j.progress.bytes_done), l);
    if (!service::job_finished(j.state)) rate.add(j.progress.rate_bytes_per_s, l);
    stalls.add(static_cast<double>(j.progress.stalls), l);
  }
  out.push_back(std::move(info));
  out.push_back(std::move(bytes));
  out.push_back(std::move(rate));
  out.push_back(std::move(stalls));
}

}  // namespace

std::vector<Family> collect_appliance_metrics(console::Appliance& app) {
  std::vector<Family> out;
  out.push_back(Family{"tapegate_build_info", "Firmware version and the tape format it writes", MetricType::gauge, {}}.add(
      1, {{"version", version()}, {"tape_format", tape_format_name()}}));
  Family ok{"tapegate_scrape_ok", "1 when the part could be read for this scrape, 0 when it could not", MetricType::gauge, {}};
  ok.add(collect_library(app, out) ? 1 : 0, {{"part", "library"}});
  ok.add(collect_catalog(app, out) ? 1 : 0, {{"part", "catalog"}});
  // Jobs live in the service; a one-shot command has none to report.
  if (app.jobs != nullptr) {
    collect_jobs(app, out);
    ok.add(1, {{"part", "jobs"}});
  }
  out.push_back(std::move(ok));
  return out;
}

}  // namespace tg::firmware::metrics
