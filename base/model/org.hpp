// The org tree: street → community → district → grid → building, departments beside it, each node
// with its groups, heads, households and the utility assets that serve it (docs/domain.md).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gridbot {

/// Ordered from the top of the tree down; department sits beside it.
enum class Level { street, community, district, grid, building, department };

enum class Role {
  street_staff,    // 街道干部
  community_head,  // 社区区长
  district_head,   // 片区区长
  grid_head,       // 网格长
  grid_worker,     // 网格员
  building_head,   // 楼栋长
  property_head,   // 物业长
  department,      // 部门人员
  crew,            // 抢修人员
  controller,      // 调度/服务指挥
};

const char* to_string(Level l);
const char* to_string(Role r);
const char* role_label(Role r);  // the Chinese name
std::optional<Level> parse_level(
    std::string_view s);  // English code or 街道/社区/片区/网格/楼栋/部门
std::optional<Role> parse_role(std::string_view s);  // English code or Chinese name

struct GroupRef {
  std::string channel;
  std::string chat_id;
  bool operator==(const GroupRef&) const = default;
};

struct Head {
  Role role = Role::building_head;
  std::string channel;  // the platform the user id belongs to
  std::string user_id;
  std::string name;
};

/// One node as the org CSV describes it: owning, editable. What parsers produce and what the tree
/// is built from.
struct OrgRecord {
  std::string id;
  Level level = Level::building;
  std::string name;
  std::string parent;  // empty only for a street
  int households = 0;
  std::vector<GroupRef> groups;
  std::vector<Head> heads;
  std::vector<std::string> feeders;       // 10kV lines serving it
  std::vector<std::string> transformers;  // 台区
  std::string dept;                       // departments: short name used in commands (供电)
  std::vector<std::string> categories;    // departments: ticket categories they own
  int source_line = 0;                    // the CSV line it was read from, for error messages
};

/// One node inside an OrgTree. Its lists are views into the tree's flat arrays (a city's tree has
/// hundreds of thousands of nodes: one allocation per list per node would cost more than the data),
/// so a node lives exactly as long as its tree.
struct OrgNode {
  std::string id;
  Level level = Level::building;
  std::string name;
  std::string parent;
  int households = 0;
  int source_line = 0;
  std::span<const GroupRef> groups;
  std::span<const Head> heads;
  std::span<const std::string_view> feeders;
  std::span<const std::string_view> transformers;
  std::string dept;
  std::span<const std::string_view> categories;
};

/// The record a node was built from (to edit it and build another tree).
OrgRecord to_record(const OrgNode& node);

/// The key an asset name is looked up by: ASCII letters in lower case, a leading voltage
/// ("10kV", "10千伏") dropped, so "10kV沙河线", "10KV沙河线", "10千伏沙河线" and "沙河线" are one
/// feeder.
std::string asset_key(std::string_view name);

/// The heads of `node` to @-mention on `channel`: its level's own head roles first (a grid's
/// head, else its workers…), every head on that channel when none of those is there.
std::vector<const Head*> heads_to_mention(const OrgNode& node, const std::string& channel);
/// The head of `node` with this (channel, user id), or nullptr.
const Head* head_of(const OrgNode& node, const std::string& channel, const std::string& user_id);

/// An immutable, validated tree with lookups. Build with OrgTree::build or OrgTree::Builder; share
/// as shared_ptr<const OrgTree>. Thread safety: const methods are safe from any thread.
///
/// Layout: nodes in one vector indexed by number; their groups, heads and asset lists in flat
/// arrays; asset and category names interned once; the id and group look-ups are open-addressing
/// tables of node numbers, and children are ranges of one array (no per-node containers).
class OrgTree {
 public:
  /// Adds records one at a time (copying them into the compact layout), so a caller can stream a
  /// file or the store's rows through one reused OrgRecord.
  class Builder {
   public:
    Builder();
    ~Builder();
    Builder(Builder&&) noexcept;
    Builder& operator=(Builder&&) noexcept;
    void reserve(size_t nodes);
    void add(const OrgRecord& record);
    size_t size() const;
    /// Validates and indexes. On failure returns nullopt and appends one line per problem to
    /// *errors ("node b5: parent g9 does not exist").
    std::optional<OrgTree> finish(std::vector<std::string>* errors) &&;

   private:
    struct State;
    std::unique_ptr<State> s_;
  };

  /// As Builder, for records already in memory.
  static std::optional<OrgTree> build(const std::vector<OrgRecord>& records,
                                      std::vector<std::string>* errors);

  OrgTree();
  ~OrgTree();
  OrgTree(OrgTree&&) noexcept;
  OrgTree& operator=(OrgTree&&) noexcept;
  OrgTree(const OrgTree&) = delete;  // nodes point into the tree's own arrays
  OrgTree& operator=(const OrgTree&) = delete;

  const OrgNode* find(std::string_view id) const;
  /// The node whose group is (channel, chat), or nullptr.
  const OrgNode* by_group(std::string_view channel, std::string_view chat_id) const;
  /// Parent chain from the node's parent up to the street.
  std::vector<const OrgNode*> ancestors(const OrgNode& node) const;
  std::vector<const OrgNode*> children(const OrgNode& node) const;
  const std::vector<OrgNode>& nodes() const { return nodes_; }
  /// The nodes with a feeder or transformer whose asset_key is `key`, in tree order.
  std::vector<const OrgNode*> with_asset(std::string_view key) const;
  /// The nodes named exactly `name`, in tree order.
  std::vector<const OrgNode*> named(std::string_view name) const;
  /// Makes the indexes of with_asset and named, which the first of them otherwise makes (about
  /// 0.2 s at a city's size): a server calls it on a thread of its own once a tree is in use.
  void prepare_lookups() const;
  /// The departments (a handful even in a city's tree), in tree order.
  std::vector<const OrgNode*> departments() const;
  /// The nodes without a parent (streets and top-level departments), in tree order.
  std::vector<const OrgNode*> roots() const;
  size_t count(Level l) const;
  /// The records of every node, in order (to edit the tree and build another).
  std::vector<OrgRecord> records() const;

 private:
  struct Storage;
  // The node's number, or npos when it is not one of this tree's nodes.
  size_t index_of(const OrgNode& node) const;

  std::vector<OrgNode> nodes_;
  std::unique_ptr<Storage> storage_;
};

}  // namespace gridbot
