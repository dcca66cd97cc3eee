// The look-ups an incident and a report make in a city's org (413,041 nodes, the shape of
// bench/org_city_bench.sh): an outage's scope by feeder, by 台区 and by an estate's name, the test
// that a word names nothing, and the department of a category. Each beside its baseline in the
// same run: the same answer found by a walk over every node (how they were found before).
//
//   org_lookup_bench [RUNS=200]
#include "bot/incidents/scope.hpp"
#include "bot/tickets/workflows.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace gridbot;
using Steady = std::chrono::steady_clock;

namespace {

OrgTree city_tree() {
  OrgTree::Builder b;
  b.reserve(413'041);
  OrgRecord r;
  auto add = [&](std::string id, Level level, std::string name, std::string parent) {
    r = OrgRecord{};
    r.id = std::move(id), r.level = level, r.name = std::move(name), r.parent = std::move(parent);
    r.groups = {{"bridge", "r-" + r.id}};
  };
  for (int s = 0; s < 40; ++s) {
    const std::string sid = "s" + std::to_string(s);
    add(sid, Level::street, "第" + std::to_string(s) + "街道", "");
    b.add(r);
    for (int c = 0; c < 25; ++c) {
      const std::string cid = sid + "c" + std::to_string(c);
      add(cid, Level::community, "第" + std::to_string(c) + "社区" + sid, sid);
      b.add(r);
      for (int d = 0; d < 4; ++d) {
        const std::string did = cid + "d" + std::to_string(d);
        add(did, Level::district, "第" + std::to_string(d) + "片区", cid);
        b.add(r);
        for (int g = 0; g < 3; ++g) {
          const std::string gid = did + "g" + std::to_string(g);
          add(gid, Level::grid, "第" + std::to_string(g) + "网格", did);
          b.add(r);
          for (int k = 0; k < 33; ++k) {
            add(gid + "b" + std::to_string(k), Level::building, std::to_string(k + 1) + "栋", gid);
            r.households = 40;
            r.feeders = {"10kV线" + did};
            r.transformers = {"台区" + gid};
            b.add(r);
          }
        }
      }
    }
  }
  // The department last, as a file that lists the estates first has it.
  add("dep-power", Level::department, "供电公司", "");
  r.dept = "供电", r.categories = {"power"};
  b.add(r);
  std::vector<std::string> errors;
  auto tree = std::move(b).finish(&errors);
  if (!tree) {
    std::fprintf(stderr, "org: %s\n", errors.empty() ? "?" : errors[0].c_str());
    std::exit(1);
  }
  return std::move(*tree);
}

// The baseline: the nodes a term names, found by walking every node (ids aside).
std::vector<const OrgNode*> walk_match(const OrgTree& tree, const std::string& term) {
  std::vector<const OrgNode*> out;
  const std::string key = asset_key(term);
  for (const auto& n : tree.nodes()) {
    if (n.level == Level::department) continue;
    bool has = false;
    for (const auto& list : {n.feeders, n.transformers})
      for (std::string_view a : list) has = has || asset_key(a) == key;
    if (has) out.push_back(&n);
  }
  if (!out.empty()) return out;
  for (const auto& n : tree.nodes())
    if (n.level != Level::department && n.name == term) out.push_back(&n);
  return out;
}

size_t walk_buildings(const OrgTree& tree, const std::string& term) {
  size_t buildings = 0;
  std::function<void(const OrgNode&)> count = [&](const OrgNode& n) {
    buildings += n.level == Level::building ? 1 : 0;
    for (const OrgNode* c : tree.children(n)) count(*c);
  };
  for (const OrgNode* n : walk_match(tree, term)) count(*n);
  return buildings;
}

const OrgNode* walk_department(const OrgTree& tree, const std::string& category) {
  for (const auto& n : tree.nodes())
    if (n.level == Level::department &&
        std::find(n.categories.begin(), n.categories.end(), category) != n.categories.end())
      return &n;
  return nullptr;
}

double p50_us(int runs, const std::function<size_t()>& f, size_t* answer) {
  std::vector<double> us;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Steady::now();
    *answer = f();
    us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
  const auto t0 = Steady::now();
  const OrgTree tree = city_tree();
  std::printf("org of %zu nodes built in %.2f s (its look-ups included)\n", tree.nodes().size(),
              std::chrono::duration<double>(Steady::now() - t0).count());
  struct Case {
    const char* label;
    std::function<size_t()> lookup, walk;
  };
  const std::vector<Case> cases = {
      {"outage scope: one feeder",
       [&] { return incidents::resolve_scope(tree, {"10kV线s17c9d2"}).buildings.size(); },
       [&] { return walk_buildings(tree, "10kV线s17c9d2"); }},
      {"outage scope: one 台区",
       [&] { return incidents::resolve_scope(tree, {"台区s17c9d2g1"}).buildings.size(); },
       [&] { return walk_buildings(tree, "台区s17c9d2g1"); }},
      {"outage scope: a community by name",
       [&] { return incidents::resolve_scope(tree, {"第9社区s17"}).buildings.size(); },
       [&] { return walk_buildings(tree, "第9社区s17"); }},
      {"a word that names nothing (is_scope_term)",
       [&] { return static_cast<size_t>(incidents::is_scope_term(tree, "开关柜故障")); },
       [&] { return walk_match(tree, "开关柜故障").size(); }},
      {"the department of a category",
       [&] { return static_cast<size_t>(tickets::department_for(tree, "power") != nullptr); },
       [&] { return static_cast<size_t>(walk_department(tree, "power") != nullptr); }},
  };
  std::printf("%-44s | %12s | %12s | %9s | %s\n", "(p50 microseconds)", "look-up", "walk",
              "walk/look", "answer");
  int bad = 0;
  for (const auto& c : cases) {
    size_t a = 0, w = 0;
    const double lu = p50_us(runs, c.lookup, &a);
    const double wu = p50_us(std::max(1, runs / 20), c.walk, &w);
    std::printf("%-44s | %12.2f | %12.2f | %8.0f | %zu%s\n", c.label, lu, wu, wu / lu, a,
                a == w ? "" : " (differs from the walk!)");
    bad += a == w ? 0 : 1;
  }
  return bad == 0 ? 0 : 1;
}
