#include "bot/knowledge/org_diff.hpp"

#include "base/config/org_csv.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace gridbot::knowledge {
namespace {

constexpr size_t kGroups = 5;  // indexes into config::kOrgColumns
constexpr size_t kHeads = 6;

std::vector<std::string> items(const std::string& cell) {
  std::vector<std::string> out;
  size_t at = 0;
  while (!cell.empty() && at <= cell.size()) {
    const auto semi = std::min(cell.find(';', at), cell.size());
    out.push_back(cell.substr(at, semi - at));
    at = semi + 1;
  }
  return out;
}

// Items of `after` missing from `before`.
std::vector<std::string> missing(const std::string& after, const std::string& before) {
  const auto old = items(before);
  const std::set<std::string> had(old.begin(), old.end());
  std::vector<std::string> out;
  for (auto& i : items(after))
    if (!had.count(i)) out.push_back(std::move(i));
  return out;
}

OrgNodeChange change_of(OrgNodeChange::Kind kind, const OrgRecord& n) {
  OrgNodeChange c;
  c.kind = kind;
  c.id = n.id;
  c.name = n.name;
  c.parent = n.parent;
  c.level = n.level;
  return c;
}

void item_changes(OrgNodeChange& c, const std::string& groups_before,
                  const std::string& groups_after, const std::string& heads_before,
                  const std::string& heads_after) {
  c.groups_added = missing(groups_after, groups_before);
  c.groups_removed = missing(groups_before, groups_after);
  c.heads_added = missing(heads_after, heads_before);
  c.heads_removed = missing(heads_before, heads_after);
}

}  // namespace

const char* to_string(OrgNodeChange::Kind k) {
  switch (k) {
    case OrgNodeChange::Kind::added:
      return "added";
    case OrgNodeChange::Kind::changed:
      return "changed";
    case OrgNodeChange::Kind::removed:
      return "removed";
  }
  return "changed";
}

std::vector<OrgNodeChange> diff_org(const OrgPlan& plan) {
  std::unordered_map<std::string_view, const OrgRecord*> before;
  for (const auto& n : plan.before) before[n.id] = &n;
  std::vector<OrgNodeChange> out;
  for (const auto& n : plan.incoming) {
    const auto after = config::org_cells(n);
    auto it = before.find(n.id);
    if (it == before.end()) {
      auto c = change_of(OrgNodeChange::Kind::added, n);
      c.line = n.source_line;
      item_changes(c, "", after[kGroups], "", after[kHeads]);
      out.push_back(std::move(c));
      continue;
    }
    const auto old = config::org_cells(*it->second);
    auto c = change_of(OrgNodeChange::Kind::changed, n);
    c.line = n.source_line;
    for (size_t i = 0; i < old.size(); ++i)
      if (old[i] != after[i]) c.fields.push_back({config::kOrgColumns[i], old[i], after[i]});
    if (c.fields.empty()) continue;
    item_changes(c, old[kGroups], after[kGroups], old[kHeads], after[kHeads]);
    out.push_back(std::move(c));
  }
  const std::set<std::string_view> removed(plan.removals.begin(), plan.removals.end());
  for (const auto& n : plan.before) {
    if (!removed.count(n.id)) continue;
    const auto old = config::org_cells(n);
    auto c = change_of(OrgNodeChange::Kind::removed, n);
    item_changes(c, old[kGroups], "", old[kHeads], "");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace gridbot::knowledge
