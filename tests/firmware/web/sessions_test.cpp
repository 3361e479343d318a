// Browser sessions: random tokens, idle and absolute limits, ended by a
// changed users file, bounded in number; cookies read exactly.
#include "firmware/web/sessions.hpp"

#include <catch2/catch.hpp>

using namespace tg;
using namespace tg::firmware::web;
using tg::firmware::access::Role;

TEST_CASE("sessions: found by token, idle and lifetime limits, ended by a new users file or logout", "[web]") {
  hal::ManualClock clock;
  SessionStore store(clock);
  auto a = store.create("alice", Role::operator_, "v1");
  REQUIRE(a.has_value());
  CHECK(a->token.size() == 64);
  CHECK(a->csrf.size() == 64);
  CHECK(a->token != a->csrf);
  auto b = store.create("alice", Role::operator_, "v1");
  REQUIRE(b.has_value());
  CHECK(b->token != a->token);  // every login its own

  auto found = store.find(a->token, "v1");
  REQUIRE(found.has_value());
  CHECK(found->user == "alice");
  CHECK(found->role == Role::operator_);
  CHECK(found->csrf == a->csrf);
  CHECK_FALSE(store.find("", "v1").has_value());
  CHECK_FALSE(store.find(a->token + "0", "v1").has_value());

  // Use keeps it alive; idleness ends it.
  clock.advance(kSessionIdle - std::chrono::seconds(1));
  CHECK(store.find(a->token, "v1").has_value());
  clock.advance(kSessionIdle - std::chrono::seconds(1));
  CHECK(store.find(a->token, "v1").has_value());
  CHECK_FALSE(store.find(b->token, "v1").has_value());  // b was idle all that time

  // A changed users file ends it for good.
  CHECK_FALSE(store.find(a->token, "v2").has_value());
  CHECK_FALSE(store.find(a->token, "v1").has_value());

  // Logout; and the absolute lifetime however busy.
  auto c = store.create("bob", Role::viewer, "v1");
  store.remove(c->token);
  CHECK_FALSE(store.find(c->token, "v1").has_value());
  auto d = store.create("bob", Role::viewer, "v1");
  for (int i = 0; i < 12 * 4; ++i) {
    clock.advance(std::chrono::minutes(15));
    if (!store.find(d->token, "v1")) break;
  }
  CHECK_FALSE(store.find(d->token, "v1").has_value());
}

TEST_CASE("sessions: a full table makes room by the session used longest ago", "[web]") {
  hal::ManualClock clock;
  SessionStore store(clock);
  auto first = store.create("u", Role::viewer, "v");
  clock.advance(std::chrono::seconds(1));
  auto second = store.create("u", Role::viewer, "v");
  clock.advance(std::chrono::seconds(1));  // the others are newer than second
  for (std::size_t i = 2; i < kMaxSessions; ++i) REQUIRE(store.create("u", Role::viewer, "v").has_value());
  clock.advance(std::chrono::seconds(1));
  REQUIRE(store.find(first->token, "v").has_value());  // used now: second is the oldest
  REQUIRE(store.create("u", Role::viewer, "v").has_value());
  CHECK(store.find(first->token, "v").has_value());
  CHECK_FALSE(store.find(second->token, "v").has_value());
}

TEST_CASE("cookies: the named value only, tokens compared whole", "[web]") {
  CHECK(cookie_value("tapegate_session=abc", "tapegate_session") == "abc");
  CHECK(cookie_value("a=1; tapegate_session=abc; b=2", "tapegate_session") == "abc");
  CHECK(cookie_value("x_tapegate_session=abc", "tapegate_session").empty());
  CHECK(cookie_value("tapegate_sessionx=abc", "tapegate_session").empty());
  CHECK(cookie_value(";;;; =; tapegate_session", "tapegate_session").empty());
  CHECK(cookie_value("", "tapegate_session").empty());
  CHECK(same_token("abc", "abc"));
  CHECK_FALSE(same_token("abc", "abd"));
  CHECK_FALSE(same_token("abc", "abcd"));
  CHECK_FALSE(same_token("", ""));  // no token never matches no token
}
