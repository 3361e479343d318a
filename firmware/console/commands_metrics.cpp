// metrics: the appliance's Prometheus metrics as text. For a scraper
// through node_exporter's textfile collector today, and the body of the
// web interface's GET /metrics (issue 15).
#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/metrics/appliance_metrics.hpp"

namespace tg::firmware::console {
namespace {

Result<Reply> metrics(CommandContext& c) {
  Reply r;
  r.document = TG_TRY(metrics::render_exposition(metrics::collect_appliance_metrics(c.app)));
  return r;
}

}  // namespace

Status register_metrics_commands(CommandTable& t) {
  return t.add({.name = "metrics", .usage = "metrics",
                .summary = "the appliance's metrics in the Prometheus text format",
                .help = "Library elements and what they hold, drives (loaded, barcode, element exception), cartridges "
                        "per pool and state, bytes per pool, catalog size, jobs (state, bytes, rate, drive stalls) and "
                        "the last successful run of each saved job. tapegate_scrape_ok{part} says which parts could "
                        "be read. Through the control socket while the service runs, the running jobs are included: "
                        "'tapegate --socket PATH metrics > /var/lib/prometheus/node-exporter/tapegate.prom'.",
                .handler = metrics, .role = access::Role::viewer});
}

}  // namespace tg::firmware::console
