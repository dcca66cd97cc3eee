#include "bot/console/scope.hpp"

#include "bot/incidents/service.hpp"

#include <algorithm>

namespace gridbot::console {

bool allowed(const Principal& p, Permission what) {
  switch (what) {
    case Permission::ticket_action:
      return p.role == AccountRole::operator_ || p.role == AccountRole::admin;
    case Permission::incident_review:
      return p.role == AccountRole::controller || p.role == AccountRole::admin;
    case Permission::admin:
      return p.role == AccountRole::admin;
  }
  return false;
}

namespace {

bool at_or_below(const OrgTree& tree, std::string_view root, std::string_view id) {
  if (id == root) return true;
  const OrgNode* n = tree.find(id);
  if (n == nullptr) return false;
  for (const OrgNode* up : tree.ancestors(*n))
    if (up->id == root) return true;
  return false;
}

}  // namespace

bool Scope::node(std::string_view id) const {
  return whole_tree() || at_or_below(*tree_, root_, id);
}

bool Scope::ticket(const Ticket& t) const {
  if (whole_tree()) return true;
  return t.origin_path.find("/" + root_ + "/") != std::string::npos || t.owner_node == root_ ||
         t.department == root_;
}

bool Scope::incident(const Incident& i) const {
  if (whole_tree()) return true;
  for (const auto& t : i.targets)
    if (node(t.node)) return true;
  const OrgNode* me = tree_->find(root_);
  if (me != nullptr && me->level == Level::department) {
    // A utility's department sees the outages of its categories in the part of the tree it hangs
    // under (its street or community), not the whole city's.
    const std::string category = incidents::category_of(i.kind);
    if (std::find(me->categories.begin(), me->categories.end(), category) != me->categories.end())
      for (const auto& t : i.targets)
        if (at_or_below(*tree_, me->parent, t.node)) return true;
    // The group it was opened from (a crew's) is the department's own.
    for (const auto& g : me->groups)
      if (g.channel == i.origin_channel && g.chat_id == i.origin_chat) return true;
  }
  return false;
}

bool Scope::group(std::string_view channel, std::string_view chat_id) const {
  if (whole_tree()) return true;
  const OrgNode* n = tree_->by_group(channel, chat_id);
  return n != nullptr && node(n->id);
}

}  // namespace gridbot::console
