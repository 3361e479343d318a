// Password guessing is slowed per client address; a verified password is
// remembered briefly, only as a keyed hash, and only for the same users file.
#include "firmware/web/login_guard.hpp"

#include <catch2/catch.hpp>

#include "hal/clock.hpp"

using namespace tg;
using namespace tg::firmware::web;
using tg::firmware::access::Role;

TEST_CASE("failed logins lock an address out for a time that doubles, and a success clears it", "[web]") {
  hal::ManualClock clock;
  LoginGuard g(clock);
  for (int i = 0; i < kFreeFailures - 1; ++i) {
    g.failed("10.0.0.1");
    CHECK_FALSE(g.locked_out("10.0.0.1").has_value());
  }
  g.failed("10.0.0.1");  // the fifth: 1 s
  REQUIRE(g.locked_out("10.0.0.1").has_value());
  CHECK(*g.locked_out("10.0.0.1") == std::chrono::seconds(1));
  CHECK_FALSE(g.locked_out("10.0.0.2").has_value());  // another address is not affected
  clock.advance(std::chrono::seconds(1));
  CHECK_FALSE(g.locked_out("10.0.0.1").has_value());
  g.failed("10.0.0.1");  // the sixth: 2 s
  CHECK(*g.locked_out("10.0.0.1") == std::chrono::seconds(2));
  for (int i = 0; i < 20; ++i) g.failed("10.0.0.1");
  CHECK(*g.locked_out("10.0.0.1") == kMaxLockout);  // capped
  g.succeeded("10.0.0.1");
  CHECK_FALSE(g.locked_out("10.0.0.1").has_value());

  // Failures long ago are forgotten.
  for (int i = 0; i < kFreeFailures - 1; ++i) g.failed("10.0.0.3");
  clock.advance(kFailureWindow + std::chrono::seconds(1));
  g.failed("10.0.0.3");
  CHECK_FALSE(g.locked_out("10.0.0.3").has_value());
}

TEST_CASE("a verified password is remembered for a while, for the same password and users file only", "[web]") {
  hal::ManualClock clock;
  LoginGuard g(clock);
  CHECK_FALSE(g.remembered("alice", "secret-1", "v1").has_value());
  g.remember("alice", "secret-1", Role::operator_, "v1");
  CHECK(g.remembered("alice", "secret-1", "v1") == Role::operator_);
  CHECK_FALSE(g.remembered("alice", "secret-2", "v1").has_value());  // another password
  CHECK_FALSE(g.remembered("bob", "secret-1", "v1").has_value());    // another user
  CHECK_FALSE(g.remembered("alice", "secret-1", "v2").has_value());  // the users file changed
  clock.advance(kRememberFor);
  CHECK_FALSE(g.remembered("alice", "secret-1", "v1").has_value());  // expired
}
