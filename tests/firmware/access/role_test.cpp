#include "firmware/access/role.hpp"

#include <catch2/catch.hpp>

using namespace tg;
using namespace tg::firmware::access;

TEST_CASE("roles parse from their names and each allows what the ones below it allow", "[access]") {
  for (Role r : {Role::viewer, Role::operator_, Role::admin}) {
    auto back = parse_role(role_name(r));
    REQUIRE(back);
    CHECK(*back == r);
  }
  auto bad = parse_role("root");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::invalid_argument);
  CHECK(bad.error().message.find("'root'") != std::string::npos);
  CHECK(bad.error().message.find("viewer, operator, admin") != std::string::npos);
  CHECK_FALSE(parse_role("Admin"));
  CHECK_FALSE(parse_role(""));

  CHECK(role_allows(Role::admin, Role::operator_));
  CHECK(role_allows(Role::operator_, Role::operator_));
  CHECK(role_allows(Role::operator_, Role::viewer));
  CHECK_FALSE(role_allows(Role::viewer, Role::operator_));
  CHECK_FALSE(role_allows(Role::operator_, Role::admin));
}
