#include "bot/console/scope.hpp"

#include "bot/console/secrets.hpp"
#include "bot/console/throttle.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using namespace gridbot::console;

namespace {

OrgRecord node(std::string id, Level l, std::string parent) {
  OrgRecord n;
  n.id = std::move(id);
  n.level = l;
  n.name = n.id;
  n.parent = std::move(parent);
  return n;
}

std::shared_ptr<const OrgTree> small_tree() {
  std::vector<OrgRecord> nodes{
      node("st", Level::street, ""),     node("cm", Level::community, "st"),
      node("g1", Level::grid, "cm"),     node("g2", Level::grid, "cm"),
      node("b1", Level::building, "g1"), node("b2", Level::building, "g2")};
  auto dep = node("dep", Level::department, "st");
  dep.categories = {"power"};
  nodes.push_back(dep);
  std::vector<std::string> errors;
  auto t = OrgTree::build(nodes, &errors);
  REQUIRE(t);
  return std::make_shared<const OrgTree>(std::move(*t));
}

Principal bound(std::string node, AccountRole role = AccountRole::viewer) {
  Principal p;
  p.node = std::move(node);
  p.role = role;
  return p;
}

Ticket from_b1() {
  Ticket t;
  t.origin_node = "b1";
  t.origin_path = "/st/cm/g1/b1/";
  t.owner_node = "g1";
  return t;
}

}  // namespace

TEST_CASE("a scope is its node and everything below it", "[scope]") {
  const auto tree = small_tree();
  Scope g1(bound("g1"), tree);
  CHECK(g1.node("g1"));
  CHECK(g1.node("b1"));
  CHECK_FALSE(g1.node("b2"));
  CHECK_FALSE(g1.node("cm"));
  CHECK_FALSE(g1.node("nope"));
  Scope all(bound(""), tree);
  CHECK(all.whole_tree());
  CHECK(all.node("b2"));
}

TEST_CASE("a ticket is in scope by origin, owner or department", "[scope]") {
  const auto tree = small_tree();
  auto t = from_b1();
  CHECK(Scope(bound("g1"), tree).ticket(t));
  CHECK(Scope(bound("cm"), tree).ticket(t));
  CHECK_FALSE(Scope(bound("g2"), tree).ticket(t));
  CHECK_FALSE(Scope(bound("dep"), tree).ticket(t));
  t.department = "dep";
  CHECK(Scope(bound("dep"), tree).ticket(t));
  // "g1" must match a whole path segment, not a prefix of "g10".
  t.origin_path = "/st/cm/g10/b9/";
  t.owner_node = "g10";
  t.department.clear();
  CHECK_FALSE(Scope(bound("g1"), tree).ticket(t));
}

TEST_CASE("an incident is in scope by a target below, or a department's category", "[scope]") {
  const auto tree = small_tree();
  Incident i;
  i.kind = "power";
  IncidentTarget b1;
  b1.node = "b1";
  i.targets.push_back(b1);
  CHECK(Scope(bound("g1"), tree).incident(i));
  CHECK_FALSE(Scope(bound("g2"), tree).incident(i));
  CHECK(Scope(bound("dep"), tree).incident(i));
  i.kind = "water";
  CHECK_FALSE(Scope(bound("dep"), tree).incident(i));
  // Another street's outage is not this department's.
  i.kind = "power";
  i.targets[0].node = "elsewhere";
  CHECK_FALSE(Scope(bound("dep"), tree).incident(i));
}

TEST_CASE("what each role may change", "[scope]") {
  CHECK_FALSE(allowed(bound("g1", AccountRole::viewer), Permission::ticket_action));
  CHECK(allowed(bound("g1", AccountRole::operator_), Permission::ticket_action));
  CHECK_FALSE(allowed(bound("g1", AccountRole::operator_), Permission::incident_review));
  CHECK(allowed(bound("g1", AccountRole::controller), Permission::incident_review));
  CHECK_FALSE(allowed(bound("g1", AccountRole::controller), Permission::ticket_action));
  CHECK(allowed(bound("g1", AccountRole::admin), Permission::ticket_action));
  CHECK(allowed(bound("g1", AccountRole::admin), Permission::incident_review));
  CHECK(allowed(bound("g1", AccountRole::admin), Permission::admin));
  CHECK_FALSE(allowed(bound("g1", AccountRole::operator_), Permission::admin));
}

TEST_CASE("passwords are argon2id hashes that verify only the right password", "[secrets]") {
  const auto h = hash_password("correct horse battery");
  CHECK(h.rfind("$argon2id$", 0) == 0);
  CHECK(h.find("correct") == std::string::npos);
  CHECK(verify_password("correct horse battery", h));
  CHECK_FALSE(verify_password("correct horse batterY", h));
  CHECK_FALSE(verify_password("anything", ""));
  CHECK(hash_password("correct horse battery") != h);  // salted
  CHECK(random_hex(32).size() == 64);
  CHECK(random_hex(32) != random_hex(32));
  CHECK(token_hash("a") == token_hash("a"));
  CHECK(token_hash("a") != token_hash("b"));
}

TEST_CASE("the throttle refuses a key past its failures until they leave the window",
          "[throttle]") {
  LoginThrottle t(3, 1000);
  CHECK(t.wait_ms("k", 0) == 0);
  t.failed("k", 0);
  t.failed("k", 100);
  CHECK(t.wait_ms("k", 200) == 0);
  t.failed("k", 200);
  CHECK(t.wait_ms("k", 300) == 700);
  CHECK(t.wait_ms("other", 300) == 0);
  CHECK(t.wait_ms("k", 999) == 1);
  CHECK(t.wait_ms("k", 1000) == 0);  // the first failure has left the window: two remain
  t.failed("k", 1001);
  t.succeeded("k");
  CHECK(t.wait_ms("k", 1002) == 0);
}
