// What an org import would change, node by node: the preview the console shows before an import
// is applied (docs/console.md "Org import").
#pragma once

#include "bot/knowledge/org_loader.hpp"

#include <string>
#include <vector>

namespace gridbot::knowledge {

/// One column of a changed node: its org CSV cell before and after.
struct OrgFieldChange {
  std::string column;  // a name of config::kOrgColumns
  std::string before, after;
};

/// One node an import adds, changes or removes.
struct OrgNodeChange {
  enum class Kind { added, changed, removed };
  Kind kind = Kind::added;
  std::string id, name, parent;
  Level level = Level::building;
  int line = 0;                        // the source line; 0 for a removed node
  std::vector<OrgFieldChange> fields;  // changed: every column that differs
  // Items of the groups and heads cells (channel:chat_id, role:channel:user_id[:name]) that
  // appear or disappear, for every kind: an added node's are all added.
  std::vector<std::string> groups_added, groups_removed, heads_added, heads_removed;
};

const char* to_string(OrgNodeChange::Kind k);

/// The changes of a plan: added and changed nodes in file order, then removed ones in stored
/// order. An incoming row equal to the stored one is no change.
std::vector<OrgNodeChange> diff_org(const OrgPlan& plan);

}  // namespace gridbot::knowledge
