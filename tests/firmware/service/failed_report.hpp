#pragma once
// A job body for the tests of failed reports (job manager, dispatch).
#include "firmware/console/reply.hpp"
#include "firmware/job/job_context.hpp"

namespace tg::test {

// A body that runs to its end and reports that the work failed, as a
// restore does when every file failed (report_into sets Reply::failed).
inline Result<firmware::console::Reply> failed_report(firmware::JobContext&) {
  firmware::console::Reply r;
  r.field("files_ok", std::int64_t{0}).field("files_failed", std::int64_t{3});
  r.failed = true;
  r.note("restore of job nightly: 0 files ok (0 bytes), 3 failed");
  return r;
}

}  // namespace tg::test
