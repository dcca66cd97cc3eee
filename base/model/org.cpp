// Names of levels and roles, and the validation and indexes of OrgTree.
#include "base/model/org.hpp"

#include "base/common/flat_index.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

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

std::string asset_key(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  for (std::string_view prefix : {"10kv", "10千伏", "10 kv"})
    if (out.rfind(prefix, 0) == 0) return out.substr(prefix.size());
  return out;
}

namespace {

constexpr uint32_t kNone = 0xffffffffu;

uint32_t key_hash(std::string_view s) {
  return static_cast<uint32_t>(std::hash<std::string_view>{}(s));
}

// The numbers of a sorted (hash, node) index whose hash is `h`, for `keep` to confirm.
template <class Keep>
std::vector<uint32_t> range_of(const std::vector<std::pair<uint32_t, uint32_t>>& index, uint32_t h,
                               Keep keep) {
  std::vector<uint32_t> out;
  auto it = std::lower_bound(index.begin(), index.end(), std::pair<uint32_t, uint32_t>{h, 0});
  for (; it != index.end() && it->first == h; ++it)
    if (keep(it->second)) out.push_back(it->second);
  return out;
}

size_t group_hash(std::string_view channel, std::string_view chat) {
  const size_t h = std::hash<std::string_view>{}(channel);
  return h ^ (std::hash<std::string_view>{}(chat) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

}  // namespace

struct OrgTree::Storage {
  std::vector<GroupRef> groups;
  std::vector<Head> heads;
  std::vector<std::string_view> lists;  // feeders, transformers and categories of every node
  std::deque<std::string> interned;     // what `lists` points at: each distinct name once
  std::vector<uint32_t> parent;         // node → its parent's number, kNone at the top
  std::vector<uint32_t> child_begin;    // node → its children in child_list[begin, begin of next)
  std::vector<uint32_t> child_list;
  FlatIndex by_id;                    // node numbers by id
  FlatIndex by_group;                 // group numbers by (channel, chat)
  std::vector<uint32_t> group_owner;  // group number → node number
  // (hash, node number), sorted: the nodes of an asset key, and of a name, are one range of it
  // (looked up by hash, confirmed by the name); node numbers ascend within it, so tree order.
  // Made once, from any thread, by prepare_lookups (called by the first look-up that needs them).
  std::vector<std::pair<uint32_t, uint32_t>> by_asset, by_name;
  std::once_flag lookups_once;
  std::vector<uint32_t> departments, roots;
};

struct OrgTree::Builder::State {
  struct Ranges {
    uint32_t groups, n_groups, heads, n_heads, feeders, n_feeders, transformers, n_transformers,
        categories, n_categories;
  };
  std::vector<OrgNode> nodes;
  std::vector<Ranges> ranges;
  std::unique_ptr<Storage> storage = std::make_unique<Storage>();
  std::unordered_set<std::string_view> names;

  uint32_t intern_list(const std::vector<std::string>& items, uint32_t* count) {
    const auto begin = static_cast<uint32_t>(storage->lists.size());
    for (const auto& item : items) {
      auto it = names.find(item);
      if (it == names.end()) it = names.insert(storage->interned.emplace_back(item)).first;
      storage->lists.push_back(*it);
    }
    *count = static_cast<uint32_t>(items.size());
    return begin;
  }
};

OrgTree::Builder::Builder() : s_(std::make_unique<State>()) {}
OrgTree::Builder::~Builder() = default;
OrgTree::Builder::Builder(Builder&&) noexcept = default;
OrgTree::Builder& OrgTree::Builder::operator=(Builder&&) noexcept = default;

void OrgTree::Builder::reserve(size_t n) {
  s_->nodes.reserve(n);
  s_->ranges.reserve(n);
  s_->storage->groups.reserve(n);
  s_->storage->heads.reserve(n);
}

size_t OrgTree::Builder::size() const { return s_->nodes.size(); }

void OrgTree::Builder::add(const OrgRecord& r) {
  auto& st = *s_->storage;
  OrgNode n;
  n.id = r.id;
  n.level = r.level;
  n.name = r.name;
  n.parent = r.parent;
  n.households = r.households;
  n.source_line = r.source_line;
  n.dept = r.dept;
  State::Ranges g{};
  g.groups = static_cast<uint32_t>(st.groups.size());
  g.n_groups = static_cast<uint32_t>(r.groups.size());
  st.groups.insert(st.groups.end(), r.groups.begin(), r.groups.end());
  g.heads = static_cast<uint32_t>(st.heads.size());
  g.n_heads = static_cast<uint32_t>(r.heads.size());
  st.heads.insert(st.heads.end(), r.heads.begin(), r.heads.end());
  g.feeders = s_->intern_list(r.feeders, &g.n_feeders);
  g.transformers = s_->intern_list(r.transformers, &g.n_transformers);
  g.categories = s_->intern_list(r.categories, &g.n_categories);
  s_->nodes.push_back(std::move(n));
  s_->ranges.push_back(g);
}

std::optional<OrgTree> OrgTree::Builder::finish(std::vector<std::string>* errors) && {
  OrgTree t;
  t.nodes_ = std::move(s_->nodes);
  t.storage_ = std::move(s_->storage);
  auto& st = *t.storage_;
  const auto& ranges = s_->ranges;
  const size_t n = t.nodes_.size();
  // The arrays are complete: the views can be taken now.
  for (size_t i = 0; i < n; ++i) {
    auto& node = t.nodes_[i];
    const auto& g = ranges[i];
    node.groups = {st.groups.data() + g.groups, g.n_groups};
    node.heads = {st.heads.data() + g.heads, g.n_heads};
    node.feeders = {st.lists.data() + g.feeders, g.n_feeders};
    node.transformers = {st.lists.data() + g.transformers, g.n_transformers};
    node.categories = {st.lists.data() + g.categories, g.n_categories};
  }
  s_.reset();
  const size_t before = errors->size();
  auto fail = [&](const OrgNode& node, const std::string& what) {
    errors->push_back("node " + node.id + ": " + what);
  };
  st.by_id.reset(n);
  st.group_owner.assign(st.groups.size(), kNone);
  st.by_group.reset(st.groups.size());
  const std::hash<std::string_view> hash;
  for (size_t i = 0; i < n; ++i) {
    const auto& node = t.nodes_[i];
    const auto same_id = [&](uint32_t j) { return t.nodes_[j].id == node.id; };
    if (st.by_id.put(hash(node.id), static_cast<uint32_t>(i), same_id) != FlatIndex::npos)
      fail(node, "duplicate id");
    for (const auto& grp : node.groups) {
      const auto gi = static_cast<uint32_t>(&grp - st.groups.data());
      st.group_owner[gi] = static_cast<uint32_t>(i);
      const auto same_group = [&](uint32_t j) { return st.groups[j] == grp; };
      if (auto other = st.by_group.put(group_hash(grp.channel, grp.chat_id), gi, same_group);
          other != FlatIndex::npos)
        fail(node, "group " + grp.channel + ":" + grp.chat_id + " already belongs to node " +
                       t.nodes_[st.group_owner[other]].id);
    }
  }
  st.parent.assign(n, kNone);
  std::vector<uint32_t> child_count(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    const auto& node = t.nodes_[i];
    if (node.parent.empty()) {
      if (node.level != Level::street && node.level != Level::department)
        fail(node, std::string("a ") + to_string(node.level) + " needs a parent");
      continue;
    }
    const OrgNode* parent = t.find(node.parent);
    if (parent == nullptr) {
      fail(node, "parent " + node.parent + " does not exist");
      continue;
    }
    // A parent sits strictly higher; levels may be skipped (many estates have no 片区).
    const bool ok = node.level == Level::department
                        ? parent->level != Level::building && parent->level != Level::department
                        : parent->level != Level::department && parent->level < node.level;
    if (!ok)
      fail(node, std::string("a ") + to_string(node.level) + " cannot sit under a " +
                     to_string(parent->level) + " (" + parent->id + ")");
    st.parent[i] = static_cast<uint32_t>(parent - t.nodes_.data());
    ++child_count[st.parent[i]];
  }
  // Cycles are impossible once every parent is strictly higher, except among departments, whose
  // parents are never departments.
  if (errors->size() != before) return std::nullopt;
  st.child_begin.assign(n + 1, 0);
  for (size_t i = 0; i < n; ++i) st.child_begin[i + 1] = st.child_begin[i] + child_count[i];
  st.child_list.resize(st.child_begin[n]);
  std::vector<uint32_t> fill(st.child_begin.begin(), st.child_begin.end() - 1);
  for (size_t i = 0; i < n; ++i)
    if (st.parent[i] != kNone) st.child_list[fill[st.parent[i]]++] = static_cast<uint32_t>(i);
  // The departments and the tops, which would otherwise be found by a walk over every node.
  for (size_t i = 0; i < n; ++i) {
    if (t.nodes_[i].level == Level::department) st.departments.push_back(static_cast<uint32_t>(i));
    if (st.parent[i] == kNone) st.roots.push_back(static_cast<uint32_t>(i));
  }
  return t;
}

// The asset and name indexes, made at the first look-up (or prepare_lookups) rather than with the
// tree: a start or an import builds trees that never resolve an outage, and at a city's size the
// two sorts cost a noticeable part of a start. An asset's key is worked out once per distinct name
// (the lists point at interned names).
void OrgTree::prepare_lookups() const {
  auto& st = *storage_;
  std::call_once(st.lookups_once, [&] {
    std::unordered_map<const char*, uint32_t> asset_hash;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const auto& node = nodes_[i];
      const auto me = static_cast<uint32_t>(i);
      for (const auto& list : {node.feeders, node.transformers})
        for (std::string_view a : list) {
          auto [it, fresh] = asset_hash.try_emplace(a.data(), 0);
          if (fresh) it->second = key_hash(asset_key(a));
          st.by_asset.emplace_back(it->second, me);
        }
      st.by_name.emplace_back(key_hash(node.name), me);
    }
    std::sort(st.by_asset.begin(), st.by_asset.end());
    st.by_asset.erase(std::unique(st.by_asset.begin(), st.by_asset.end()), st.by_asset.end());
    st.by_asset.shrink_to_fit();
    std::sort(st.by_name.begin(), st.by_name.end());
  });
}

std::optional<OrgTree> OrgTree::build(const std::vector<OrgRecord>& records,
                                      std::vector<std::string>* errors) {
  Builder b;
  b.reserve(records.size());
  for (const auto& r : records) b.add(r);
  return std::move(b).finish(errors);
}

OrgTree::OrgTree() : storage_(std::make_unique<Storage>()) {}
OrgTree::~OrgTree() = default;
OrgTree::OrgTree(OrgTree&&) noexcept = default;
OrgTree& OrgTree::operator=(OrgTree&&) noexcept = default;

const OrgNode* OrgTree::find(std::string_view id) const {
  const auto i = storage_->by_id.find(std::hash<std::string_view>{}(id),
                                      [&](uint32_t j) { return nodes_[j].id == id; });
  return i == FlatIndex::npos ? nullptr : &nodes_[i];
}

const OrgNode* OrgTree::by_group(std::string_view channel, std::string_view chat_id) const {
  const auto& st = *storage_;
  const auto g = st.by_group.find(group_hash(channel, chat_id), [&](uint32_t j) {
    return st.groups[j].channel == channel && st.groups[j].chat_id == chat_id;
  });
  return g == FlatIndex::npos ? nullptr : &nodes_[st.group_owner[g]];
}

std::vector<const OrgNode*> OrgTree::with_asset(std::string_view key) const {
  const auto has = [&](uint32_t j) {
    for (const auto& list : {nodes_[j].feeders, nodes_[j].transformers})
      for (std::string_view a : list)
        if (asset_key(a) == key) return true;
    return false;
  };
  prepare_lookups();
  std::vector<const OrgNode*> out;
  for (uint32_t j : range_of(storage_->by_asset, key_hash(key), has)) out.push_back(&nodes_[j]);
  return out;
}

std::vector<const OrgNode*> OrgTree::named(std::string_view name) const {
  prepare_lookups();
  std::vector<const OrgNode*> out;
  for (uint32_t j : range_of(storage_->by_name, key_hash(name),
                             [&](uint32_t k) { return nodes_[k].name == name; }))
    out.push_back(&nodes_[j]);
  return out;
}

std::vector<const OrgNode*> OrgTree::departments() const {
  std::vector<const OrgNode*> out;
  for (uint32_t j : storage_->departments) out.push_back(&nodes_[j]);
  return out;
}

std::vector<const OrgNode*> OrgTree::roots() const {
  std::vector<const OrgNode*> out;
  for (uint32_t j : storage_->roots) out.push_back(&nodes_[j]);
  return out;
}

size_t OrgTree::index_of(const OrgNode& node) const {
  if (!nodes_.empty() && &node >= nodes_.data() && &node < nodes_.data() + nodes_.size())
    return static_cast<size_t>(&node - nodes_.data());
  const OrgNode* mine = find(node.id);
  return mine ? static_cast<size_t>(mine - nodes_.data()) : static_cast<size_t>(-1);
}

std::vector<const OrgNode*> OrgTree::ancestors(const OrgNode& node) const {
  std::vector<const OrgNode*> out;
  const size_t i = index_of(node);
  if (i == static_cast<size_t>(-1)) return out;
  for (uint32_t p = storage_->parent[i]; p != kNone; p = storage_->parent[p])
    out.push_back(&nodes_[p]);
  return out;
}

std::vector<const OrgNode*> OrgTree::children(const OrgNode& node) const {
  std::vector<const OrgNode*> out;
  const size_t i = index_of(node);
  if (i == static_cast<size_t>(-1)) return out;
  const auto& st = *storage_;
  for (uint32_t c = st.child_begin[i]; c < st.child_begin[i + 1]; ++c)
    out.push_back(&nodes_[st.child_list[c]]);
  return out;
}

size_t OrgTree::count(Level l) const {
  size_t c = 0;
  for (const auto& n : nodes_) c += n.level == l ? 1 : 0;
  return c;
}

std::vector<OrgRecord> OrgTree::records() const {
  std::vector<OrgRecord> out;
  out.reserve(nodes_.size());
  for (const auto& n : nodes_) out.push_back(to_record(n));
  return out;
}

OrgRecord to_record(const OrgNode& n) {
  OrgRecord r;
  r.id = n.id;
  r.level = n.level;
  r.name = n.name;
  r.parent = n.parent;
  r.households = n.households;
  r.groups.assign(n.groups.begin(), n.groups.end());
  r.heads.assign(n.heads.begin(), n.heads.end());
  r.feeders.assign(n.feeders.begin(), n.feeders.end());
  r.transformers.assign(n.transformers.begin(), n.transformers.end());
  r.dept = n.dept;
  r.categories.assign(n.categories.begin(), n.categories.end());
  r.source_line = n.source_line;
  return r;
}

}  // namespace gridbot
