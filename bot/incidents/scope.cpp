// Scope resolution over the org tree and its asset columns.
#include "bot/incidents/scope.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

namespace gridbot::incidents {
namespace {

// The nodes a term names (each to be taken with its subtree); *ambiguous when a name is shared.
// Each way of naming is a look-up in the tree (a node id, an asset's key, a name), so the cost
// follows the answer, not the size of the org.
std::vector<const OrgNode*> match(const OrgTree& tree, const std::string& term, bool* ambiguous) {
  *ambiguous = false;
  if (const OrgNode* n = tree.find(term); n && n->level != Level::department) return {n};
  const auto not_department = [](const OrgNode* n) { return n->level == Level::department; };
  std::vector<const OrgNode*> out = tree.with_asset(asset_key(term));
  std::erase_if(out, not_department);
  if (!out.empty()) return out;
  out = tree.named(term);
  std::erase_if(out, not_department);
  if (out.size() > 1) {
    *ambiguous = true;
    return {};
  }
  return out;
}

void collect_buildings(const OrgTree& tree, const OrgNode& n, std::vector<const OrgNode*>* out) {
  if (n.level == Level::building) out->push_back(&n);
  for (const OrgNode* c : tree.children(n)) collect_buildings(tree, *c, out);
}

}  // namespace

size_t ScopeResult::grid_groups() const {
  return static_cast<size_t>(std::count_if(
      targets.begin(), targets.end(), [](const auto& t) { return t.level != Level::building; }));
}

bool is_scope_term(const OrgTree& tree, const std::string& term) {
  bool ambiguous = false;
  return !match(tree, term, &ambiguous).empty() || ambiguous;
}

ScopeResult resolve_scope(const OrgTree& tree, const std::vector<std::string>& terms) {
  ScopeResult r;
  std::vector<const OrgNode*> found;
  for (const auto& term : terms) {
    bool ambiguous = false;
    auto nodes = match(tree, term, &ambiguous);
    if (ambiguous)
      r.ambiguous.push_back(term);
    else if (nodes.empty())
      r.unknown.push_back(term);
    for (const OrgNode* n : nodes) collect_buildings(tree, *n, &found);
  }
  // Tree order, each building once: the same estate named twice (feeder + 台区) is one target.
  // The nodes are one array in tree order, so their addresses sort that way.
  std::sort(found.begin(), found.end(), std::less<const OrgNode*>());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  r.buildings = std::move(found);

  std::vector<const OrgNode*> grids;
  std::unordered_set<const OrgNode*> grid_seen;
  for (const OrgNode* b : r.buildings) {
    r.households += b->households;
    for (const auto& g : b->groups) r.targets.push_back({b->id, Level::building, g, b->households});
    for (const OrgNode* up : tree.ancestors(*b))
      if (up->level == Level::grid) {
        if (grid_seen.insert(up).second) grids.push_back(up);
        break;
      }
  }
  for (const OrgNode* g : grids)
    for (const auto& grp : g->groups) r.targets.push_back({g->id, Level::grid, grp, 0});
  // A group registered on two nodes would be reached twice: keep the first.
  std::set<std::pair<std::string, std::string>> groups;
  std::erase_if(r.targets, [&](const IncidentTarget& t) {
    return !groups.insert({t.group.channel, t.group.chat_id}).second;
  });
  return r;
}

}  // namespace gridbot::incidents
