#pragma once
// What the appliance exports to Prometheus, read at the moment of the
// scrape: the library (slots, mail slots, drives and what they hold), the
// catalog (cartridges by pool and state, its size), jobs and saved jobs.
// The numbers come from the same places the console's commands read them.
#include <vector>

#include "firmware/console/appliance.hpp"
#include "firmware/metrics/exposition.hpp"

namespace tg::firmware::metrics {

// Parts that cannot be read (no board open, a catalog that is busy) leave
// their families out and set tapegate_scrape_ok{part=...} to 0, so an
// alert can tell "nothing to report" from "could not look".
std::vector<Family> collect_appliance_metrics(console::Appliance& app);

}  // namespace tg::firmware::metrics
