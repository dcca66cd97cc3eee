// Incident scope → groups: a scope names feeders (10kV沙河线), transformer areas (棉花地1号台区)
// and org nodes (ids or names of 小区, 网格, 楼栋) in any mix; through the org tree it becomes
// exactly the affected buildings' groups and the groups of their grids — no more, no fewer.
#pragma once

#include "base/model/incident.hpp"
#include "base/model/org.hpp"

#include <string>
#include <vector>

namespace gridbot::incidents {

struct ScopeResult {
  std::vector<const OrgNode*> buildings;  // affected buildings, in tree order, each once
  std::vector<IncidentTarget> targets;    // the buildings' groups, then their grids' groups
  int households = 0;                     // of the affected buildings
  std::vector<std::string> unknown;       // terms that name nothing
  std::vector<std::string> ambiguous;     // names shared by several nodes (use the id)
  bool ok() const { return unknown.empty() && ambiguous.empty() && !buildings.empty(); }
  size_t grid_groups() const;
};

/// Resolves each term: a node id; a feeder or transformer area served to a node (matching "10kV"
/// and "10千伏" spellings alike, ASCII case-insensitive); a node name that is unique in the tree.
/// Nodes match with their whole subtree; departments never match.
ScopeResult resolve_scope(const OrgTree& tree, const std::vector<std::string>& terms);

/// True when `term` names something resolve_scope knows (used to tell scope from cause).
bool is_scope_term(const OrgTree& tree, const std::string& term);

}  // namespace gridbot::incidents
