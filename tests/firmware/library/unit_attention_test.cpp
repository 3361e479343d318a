// The one unit-attention policy: each caller's stated limit, no more.
#include <catch2/catch.hpp>

#include "firmware/library/unit_attention.hpp"

using namespace tg;
using namespace tg::firmware::library;

namespace {
// A command that reports `pending` unit attentions before it runs.
struct Attentions {
  int pending = 0;
  int calls = 0;
  Status operator()() {
    ++calls;
    if (pending > 0) {
      --pending;
      return make_error(Errc::unit_attention, "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED");
    }
    return {};
  }
};
}  // namespace

TEST_CASE("retry_on_attention retries up to the caller's limit and returns the last result", "[library][attention]") {
  Attentions one{.pending = 1};
  CHECK(retry_on_attention(AttentionLimit::once, [&] { return one(); }).ok());
  CHECK(one.calls == 2);

  Attentions two{.pending = 2};
  auto r = retry_on_attention(AttentionLimit::once, [&] { return two(); });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::unit_attention);
  CHECK(two.calls == 2);

  Attentions three{.pending = 3};
  CHECK(retry_on_attention(AttentionLimit::drive_events, [&] { return three(); }).ok());
  CHECK(three.calls == 4);

  Attentions other{};
  int calls = 0;
  auto nr = retry_on_attention(AttentionLimit::mail_slot_visits, [&]() -> Status {
    ++calls;
    return make_error(Errc::not_ready, "MEDIUM NOT PRESENT");
  });
  CHECK(nr.error().code == Errc::not_ready);
  CHECK(calls == 1);  // only attentions are retried
  (void)other;
}
