#include "base/config/org_csv.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using namespace gridbot::config;

namespace {
const std::string kHeader = std::string(kOrgCsvHeader) + "\n";
}

TEST_CASE("good org rows parse into nodes with groups, heads and assets", "[org]") {
  const std::string text =
      kHeader +
      "s,,street,钟鼓楼街道,,bridge:room-s,,,,,\n"
      "c,s,社区,棉花地社区,,bridge:room-c,社区区长:bridge:wxid_c:刘书记,,,,\n"
      "g,c,grid,第1网格,,bridge:room-g,网格长:bridge:wxid_g;物业长:wecom:zhang:张,,,,\n"
      "b,g,building,5栋,48,bridge:room-b5,楼栋长:bridge:wxid_b:王,10kV沙河线,沙河3号台区;"
      "沙河4号台区,,\n"
      "p,s,department,供电公司,,bridge:room-p,,,,供电,power\n";
  std::vector<OrgNode> nodes;
  std::vector<std::string> errors;
  REQUIRE(parse_org_csv("org.csv", text, &nodes, &errors));
  REQUIRE(nodes.size() == 5);
  CHECK(nodes[1].level == Level::community);
  CHECK(nodes[2].heads.size() == 2);
  CHECK(nodes[2].heads[1].role == Role::property_head);
  CHECK(nodes[2].heads[1].channel == "wecom");
  CHECK(nodes[3].households == 48);
  CHECK(nodes[3].transformers == std::vector<std::string>{"沙河3号台区", "沙河4号台区"});
  CHECK(nodes[4].dept == "供电");
  auto tree = merge_org({}, nodes, &errors);
  REQUIRE(tree);
  const OrgNode* b = tree->by_group("bridge", "room-b5");
  REQUIRE(b);
  CHECK(b->id == "b");
  auto up = tree->ancestors(*b);
  REQUIRE(up.size() == 3);
  CHECK(up[2]->id == "s");

  SECTION("a row survives format → parse unchanged") {
    std::vector<OrgNode> again;
    REQUIRE(parse_org_csv("x", kHeader + format_org_row(nodes[3]) + "\n", &again, &errors));
    CHECK(again[0].heads[0].name == "王");
    CHECK(again[0].feeders == nodes[3].feeders);
  }
}

TEST_CASE("bad rows are each rejected with their line and nothing is returned", "[org]") {
  const std::string text = kHeader +
                           "s,,street,街道,,,,,,,\n"
                           "b1,s,floor,1栋,,,,,,,\n"
                           "b2,s,building,2栋,many,,,,,,\n"
                           "b3,s,building,3栋,,nochat,,,,,\n"
                           "b4,s,building,4栋,,,队长:bridge:u1,,,,\n"
                           "b5,s,building,,,,,,,,\n"
                           "s,,street,重复,,,,,,,\n";
  std::vector<OrgNode> nodes;
  std::vector<std::string> errors;
  CHECK_FALSE(parse_org_csv("org.csv", text, &nodes, &errors));
  CHECK(nodes.empty());
  REQUIRE(errors.size() == 6);
  CHECK(errors[0].rfind("org.csv:3: level \"floor\"", 0) == 0);
  CHECK(errors[1] == "org.csv:4: households \"many\" is not a whole number >= 0");
  CHECK(errors[2] == "org.csv:5: group \"nochat\" is not channel:chat_id");
  CHECK(errors[3] == "org.csv:6: head \"队长:bridge:u1\": unknown role \"队长\"");
  CHECK(errors[4] == "org.csv:7: name is empty");
  CHECK(errors[5] == "org.csv:8: id s already defined on line 2");
}

TEST_CASE("tree rules: parents exist and sit higher, a group belongs to one node", "[org]") {
  const std::string text = kHeader +
                           "s,,street,街道,,,,,,,\n"
                           "g,s,grid,网格,,bridge:room-1,,,,,\n"
                           "b,g,building,1栋,,bridge:room-1,,,,,\n"
                           "x,nowhere,building,2栋,,,,,,,\n"
                           "c,g,community,社区,,,,,,,\n";
  std::vector<OrgNode> nodes;
  std::vector<std::string> errors;
  REQUIRE(parse_org_csv("org.csv", text, &nodes, &errors));
  CHECK_FALSE(merge_org({}, nodes, &errors));
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] == "node b: group bridge:room-1 already belongs to node g");
  CHECK(errors[1] == "node x: parent nowhere does not exist");
  CHECK(errors[2] == "node c: a community cannot sit under a grid (g)");
}

TEST_CASE("an unknown column or a missing required one is refused", "[org]") {
  std::vector<OrgNode> nodes;
  std::vector<std::string> errors;
  CHECK_FALSE(parse_org_csv("o.csv", "id,parent,level,nmae\n", &nodes, &errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].rfind("o.csv:1: unknown column \"nmae\"", 0) == 0);
  CHECK(errors[1] == "o.csv:1: missing column \"name\"");
}

TEST_CASE("the demo org is valid and has the promised shape", "[org]") {
  std::vector<OrgNode> nodes;
  std::vector<std::string> errors;
  REQUIRE(load_org_csv(std::string(GRIDBOT_SOURCE_DIR) + "/config/demo/org.csv", &nodes, &errors));
  auto tree = merge_org({}, nodes, &errors);
  REQUIRE(tree);
  CHECK(tree->count(Level::street) == 1);
  CHECK(tree->count(Level::community) == 1);
  CHECK(tree->count(Level::district) == 3);
  CHECK(tree->count(Level::grid) == 7);
  CHECK(tree->count(Level::building) >= 60);
  for (const auto& n : tree->nodes()) {
    CHECK_FALSE(n.groups.empty());
    CHECK_FALSE(n.heads.empty());
  }
}
