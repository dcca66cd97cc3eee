// Names of levels and roles, and the validation and indexes of OrgTree.
#include "base/model/org.hpp"

#include <array>
#include <set>

namespace gridbot {
namespace {

struct LevelName {
  Level level;
  const char* code;
  const char* zh;
};
constexpr std::array<LevelName, 6> kLevels{{
    {Level::street, "street", "街道"},
    {Level::community, "community", "社区"},
    {Level::district, "district", "片区"},
    {Level::grid, "grid", "网格"},
    {Level::building, "building", "楼栋"},
    {Level::department, "department", "部门"},
}};

struct RoleName {
  Role role;
  const char* code;
  const char* zh;
};
constexpr std::array<RoleName, 10> kRoles{{
    {Role::street_staff, "street_staff", "街道干部"},
    {Role::community_head, "community_head", "社区区长"},
    {Role::district_head, "district_head", "片区区长"},
    {Role::grid_head, "grid_head", "网格长"},
    {Role::grid_worker, "grid_worker", "网格员"},
    {Role::building_head, "building_head", "楼栋长"},
    {Role::property_head, "property_head", "物业长"},
    {Role::department, "department", "部门人员"},
    {Role::crew, "crew", "抢修人员"},
    {Role::controller, "controller", "调度员"},
}};

std::string group_key(std::string_view channel, std::string_view chat) {
  std::string k(channel);
  k.push_back('\x1f');
  k.append(chat);
  return k;
}

}  // namespace

const char* to_string(Level l) {
  for (const auto& n : kLevels)
    if (n.level == l) return n.code;
  return "?";
}
const char* to_string(Role r) {
  for (const auto& n : kRoles)
    if (n.role == r) return n.code;
  return "?";
}
const char* role_label(Role r) {
  for (const auto& n : kRoles)
    if (n.role == r) return n.zh;
  return "?";
}
std::optional<Level> parse_level(std::string_view s) {
  for (const auto& n : kLevels)
    if (s == n.code || s == n.zh) return n.level;
  return std::nullopt;
}
std::optional<Role> parse_role(std::string_view s) {
  for (const auto& n : kRoles)
    if (s == n.code || s == n.zh) return n.role;
  return std::nullopt;
}

std::vector<const Head*> heads_to_mention(const OrgNode& node, const std::string& channel) {
  std::vector<Role> preferred;
  switch (node.level) {
    case Level::building:
      preferred = {Role::building_head};
      break;
    case Level::grid:
      preferred = {Role::grid_head, Role::grid_worker};
      break;
    case Level::district:
      preferred = {Role::district_head};
      break;
    case Level::community:
      preferred = {Role::community_head};
      break;
    case Level::street:
      preferred = {Role::street_staff};
      break;
    case Level::department:
      preferred = {Role::controller, Role::department};
      break;
  }
  std::vector<const Head*> out;
  for (Role r : preferred) {
    for (const auto& h : node.heads)
      if (h.role == r && h.channel == channel) out.push_back(&h);
    if (!out.empty()) return out;
  }
  for (const auto& h : node.heads)
    if (h.channel == channel) out.push_back(&h);
  return out;
}

const Head* head_of(const OrgNode& node, const std::string& channel, const std::string& user_id) {
  for (const auto& h : node.heads)
    if (h.channel == channel && h.user_id == user_id) return &h;
  return nullptr;
}

std::optional<OrgTree> OrgTree::build(std::vector<OrgNode> nodes,
                                      std::vector<std::string>* errors) {
  OrgTree t;
  t.nodes_ = std::move(nodes);
  const size_t before = errors->size();
  auto fail = [&](const OrgNode& n, const std::string& what) {
    errors->push_back("node " + n.id + ": " + what);
  };
  for (size_t i = 0; i < t.nodes_.size(); ++i) {
    const auto& n = t.nodes_[i];
    if (!t.by_id_.emplace(n.id, i).second) fail(n, "duplicate id");
    for (const auto& g : n.groups) {
      auto [it, fresh] = t.by_group_.emplace(group_key(g.channel, g.chat_id), i);
      if (!fresh)
        fail(n, "group " + g.channel + ":" + g.chat_id + " already belongs to node " +
                    t.nodes_[it->second].id);
    }
  }
  for (size_t i = 0; i < t.nodes_.size(); ++i) {
    const auto& n = t.nodes_[i];
    if (n.parent.empty()) {
      if (n.level != Level::street && n.level != Level::department)
        fail(n, std::string("a ") + to_string(n.level) + " needs a parent");
      continue;
    }
    auto p = t.by_id_.find(n.parent);
    if (p == t.by_id_.end()) {
      fail(n, "parent " + n.parent + " does not exist");
      continue;
    }
    const auto& parent = t.nodes_[p->second];
    // A parent sits strictly higher; levels may be skipped (many estates have no 片区).
    const bool ok = n.level == Level::department
                        ? parent.level != Level::building && parent.level != Level::department
                        : parent.level != Level::department && parent.level < n.level;
    if (!ok)
      fail(n, std::string("a ") + to_string(n.level) + " cannot sit under a " +
                  to_string(parent.level) + " (" + parent.id + ")");
    t.children_[n.parent].push_back(i);
  }
  // Cycles are impossible once every parent is strictly higher, except among departments, whose
  // parents are never departments.
  if (errors->size() != before) return std::nullopt;
  return t;
}

const OrgNode* OrgTree::find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &nodes_[it->second];
}

const OrgNode* OrgTree::by_group(std::string_view channel, std::string_view chat_id) const {
  auto it = by_group_.find(group_key(channel, chat_id));
  return it == by_group_.end() ? nullptr : &nodes_[it->second];
}

std::vector<const OrgNode*> OrgTree::ancestors(const OrgNode& node) const {
  std::vector<const OrgNode*> out;
  for (const OrgNode* p = find(node.parent); p != nullptr; p = find(p->parent)) out.push_back(p);
  return out;
}

std::vector<const OrgNode*> OrgTree::children(const OrgNode& node) const {
  std::vector<const OrgNode*> out;
  auto it = children_.find(node.id);
  if (it != children_.end())
    for (size_t i : it->second) out.push_back(&nodes_[i]);
  return out;
}

size_t OrgTree::count(Level l) const {
  size_t c = 0;
  for (const auto& n : nodes_) c += n.level == l ? 1 : 0;
  return c;
}

}  // namespace gridbot
