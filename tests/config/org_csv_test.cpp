#include "base/config/org_csv.hpp"

#include <catch2/catch.hpp>

#include <random>

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
  std::vector<OrgRecord> nodes;
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
    std::vector<OrgRecord> again;
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
  std::vector<OrgRecord> nodes;
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
  std::vector<OrgRecord> nodes;
  std::vector<std::string> errors;
  REQUIRE(parse_org_csv("org.csv", text, &nodes, &errors));
  CHECK_FALSE(merge_org({}, nodes, &errors));
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] == "node b: group bridge:room-1 already belongs to node g");
  CHECK(errors[1] == "node x: parent nowhere does not exist");
  CHECK(errors[2] == "node c: a community cannot sit under a grid (g)");
}

TEST_CASE("an unknown column or a missing required one is refused", "[org]") {
  std::vector<OrgRecord> nodes;
  std::vector<std::string> errors;
  CHECK_FALSE(parse_org_csv("o.csv", "id,parent,level,nmae\n", &nodes, &errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].rfind("o.csv:1: unknown column \"nmae\"", 0) == 0);
  CHECK(errors[1] == "o.csv:1: missing column \"name\"");
}

TEST_CASE("the demo org is valid and has the promised shape", "[org]") {
  std::vector<OrgRecord> nodes;
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

TEST_CASE("a stored row reads back the same with or without quoted cells", "[org]") {
  OrgRecord r;
  r.id = "b1";
  r.parent = "g1";
  r.level = Level::building;
  r.name = "1栋, \"东\"";  // a comma and quotes: the row quotes this cell
  r.households = 12;
  r.groups = {{"bridge", "r-b1"}, {"wecom", "wr-1"}};
  r.heads = {{Role::building_head, "bridge", "u1", "王阿姨"},
             {Role::property_head, "wecom", "p", ""}};
  r.feeders = {"10kV沙河线"};
  r.transformers = {"台区1", "台区2"};
  const std::string quoted = format_org_row(r);
  CHECK(quoted.find('"') != std::string::npos);
  OrgRecord back;
  std::string why;
  REQUIRE(parse_org_row(quoted, &back, &why));
  CHECK(format_org_row(back) == quoted);
  CHECK(back.name == r.name);
  CHECK(back.heads[1].name.empty());

  r.name = "1栋";
  const std::string plain = format_org_row(r);
  CHECK(plain.find('"') == std::string::npos);
  REQUIRE(parse_org_row(plain, &back, &why));  // the same record, reused
  CHECK(format_org_row(back) == plain);
  CHECK(back.groups.size() == 2);

  CHECK_FALSE(parse_org_row("b1,g1,floor,1栋,,,,,,,", &back, &why));
  CHECK(why.find("level") != std::string::npos);
  CHECK_FALSE(parse_org_row("b1,g1,building,1栋,,,,,,,,,", &back, &why));
  CHECK_FALSE(parse_org_row("b1,g1,building,\"1栋\n2,,,,,,,", &back, &why));
}

TEST_CASE("the tree finds nodes by id and group, walks up and down, and gives its records back",
          "[org]") {
  const std::string text = kHeader +
                           "s,,street,街道,,bridge:r-s,,,,,\n"
                           "c,s,community,社区,,bridge:r-c,,,,,\n"
                           "g2,c,grid,二网格,,bridge:r-g2,,,,,\n"
                           "g1,c,grid,一网格,,bridge:r-g1;wecom:w-g1,,,,,\n"
                           "b1,g1,building,1栋,10,bridge:r-b1,,线1,台区1,,\n"
                           "b2,g1,building,2栋,20,bridge:r-b2,,线1,台区2,,\n"
                           "p,s,department,供电,,bridge:r-p,,,,供电,power;water\n";
  std::vector<OrgRecord> records;
  std::vector<std::string> errors;
  REQUIRE(parse_org_csv("o.csv", text, &records, &errors));
  auto tree = OrgTree::build(records, &errors);
  REQUIRE(tree);
  CHECK(tree->find("nope") == nullptr);
  CHECK(tree->by_group("wecom", "r-g1") == nullptr);
  REQUIRE(tree->by_group("wecom", "w-g1"));
  CHECK(tree->by_group("wecom", "w-g1")->id == "g1");
  const OrgNode* c = tree->find("c");
  REQUIRE(c);
  auto kids = tree->children(*c);
  REQUIRE(kids.size() == 2);
  CHECK(kids[0]->id == "g2");  // in the file's order
  CHECK(kids[1]->id == "g1");
  const OrgNode* b2 = tree->find("b2");
  REQUIRE(b2);
  auto up = tree->ancestors(*b2);
  REQUIRE(up.size() == 3);
  CHECK(up[0]->id == "g1");
  CHECK(up[2]->id == "s");
  CHECK(tree->find("b1")->feeders[0] == "线1");
  CHECK(tree->find("p")->categories.size() == 2);
  CHECK(tree->children(*b2).empty());
  // A node copied out of the tree is still found by its id.
  const OrgNode copy = *c;
  CHECK(tree->children(copy).size() == 2);
  // Moving the tree keeps every view valid.
  OrgTree moved = std::move(*tree);
  CHECK(moved.find("b1")->groups[0].chat_id == "r-b1");
  const auto back = moved.records();
  REQUIRE(back.size() == records.size());
  for (size_t i = 0; i < back.size(); ++i)
    CHECK(format_org_row(back[i]) == format_org_row(records[i]));
}

TEST_CASE("a tree with a duplicate id or a group claimed twice is refused naming both", "[org]") {
  std::vector<OrgRecord> records(3);
  records[0].id = "s";
  records[0].level = Level::street;
  records[0].groups = {{"bridge", "r1"}};
  records[1] = records[0];
  records[1].id = "t";
  records[2] = records[0];
  records[2].groups.clear();
  std::vector<std::string> errors;
  CHECK_FALSE(OrgTree::build(records, &errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "node t: group bridge:r1 already belongs to node s");
  CHECK(errors[1] == "node s: duplicate id");
}

// The tree's look-ups (by asset key, by name, the departments, the tops) give what a walk over
// every node gives, in the same order, on a random tree with shared names and assets.
TEST_CASE("the tree's asset, name, department and top look-ups equal a walk over every node",
          "[org]") {
  std::mt19937 rng(7);
  std::vector<OrgRecord> records;
  const std::vector<std::string> feeders = {"10kV沙河线", "10KV沙河线", "沙河线", "10千伏东风线",
                                            "东风线",     "Ab线",       "aB线"};
  const std::vector<std::string> names = {"1栋", "2栋", "3栋", "幸福里", "东区"};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto node = [](std::string id, Level level, std::string name, std::string parent) {
    OrgRecord r;
    r.id = std::move(id), r.level = level, r.name = std::move(name), r.parent = std::move(parent);
    return r;
  };
  for (int s = 0; s < 3; ++s) {
    records.push_back(node("s" + std::to_string(s), Level::street, pick(names), ""));
    for (int g = 0; g < 4; ++g) {
      const std::string grid = "s" + std::to_string(s) + "g" + std::to_string(g);
      records.push_back(node(grid, Level::grid, pick(names), "s" + std::to_string(s)));
      for (int b = 0; b < 6; ++b) {
        OrgRecord r = node(grid + "b" + std::to_string(b), Level::building, pick(names), grid);
        for (auto k = rng() % 3; k > 0; --k) r.feeders.push_back(pick(feeders));
        if (rng() % 2) r.transformers.push_back(pick(feeders) + "台区");
        if (rng() % 3 == 0) r.transformers.push_back(pick(feeders));
        records.push_back(r);
      }
    }
  }
  records.push_back(node("dep-power", Level::department, "供电公司", ""));
  records.push_back(node("dep-water", Level::department, "幸福里", "s1"));
  records.back().feeders = {"沙河线"};
  std::vector<std::string> errors;
  const auto tree = OrgTree::build(records, &errors);
  REQUIRE(tree);
  REQUIRE(errors.empty());

  std::vector<std::string> keys;
  for (const auto& f : feeders) keys.push_back(asset_key(f)), keys.push_back(f);
  keys.push_back(asset_key("沙河线台区"));
  keys.push_back("没有这条线");
  size_t found = 0;
  for (const auto& key : keys) {
    INFO(key);
    std::vector<const OrgNode*> want;
    for (const auto& n : tree->nodes()) {
      bool has = false;
      for (const auto& list : {n.feeders, n.transformers})
        for (std::string_view a : list) has = has || asset_key(a) == key;
      if (has) want.push_back(&n);
    }
    CHECK(tree->with_asset(key) == want);
    found += want.size();
  }
  CHECK(found > 30);
  CHECK(asset_key("10kV沙河线") == "沙河线");
  CHECK(asset_key("10千伏沙河线") == "沙河线");
  CHECK(asset_key("Ab线") == asset_key("aB线"));
  for (const auto& name : {"1栋", "幸福里", "供电公司", "无此名"}) {
    INFO(name);
    std::vector<const OrgNode*> want;
    for (const auto& n : tree->nodes())
      if (n.name == name) want.push_back(&n);
    CHECK(tree->named(name) == want);
  }
  std::vector<const OrgNode*> departments, roots;
  for (const auto& n : tree->nodes()) {
    if (n.level == Level::department) departments.push_back(&n);
    if (n.parent.empty()) roots.push_back(&n);
  }
  CHECK(tree->departments() == departments);
  CHECK(departments.size() == 2);
  CHECK(tree->roots() == roots);
  CHECK(roots.size() == 4);  // three streets and the top-level department
}
