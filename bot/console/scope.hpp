// Who is asking and what they may see: an account (or the configured API token) bound to an
// org node sees and acts only within that node's subtree, in the console and in /api/v1
// (docs/console.md "Scope").
#pragma once

#include "base/model/account.hpp"
#include "base/model/incident.hpp"
#include "base/model/org.hpp"
#include "base/model/ticket.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace gridbot::console {

/// The authenticated caller of one request.
struct Principal {
  int64_t account_id = 0;  // 0: the configured api.token
  std::string name;
  std::string display_name;
  std::string node;  // "" : the whole tree (the configured api.token)
  AccountRole role = AccountRole::viewer;
  std::string session_hash;  // console sessions only
  std::string csrf;          // console sessions only
};

/// What each role may change (reading needs no role): 受理 转办 上报 退回 办结 督办 need
/// operator or admin; reviewing incident updates controller or admin; accounts and the org admin.
enum class Permission { ticket_action, incident_review, admin };
bool allowed(const Principal& p, Permission what);

/// A principal's view of one org tree. Thread safety: immutable.
class Scope {
 public:
  Scope(const Principal& p, std::shared_ptr<const OrgTree> tree)
      : root_(p.node), tree_(std::move(tree)) {}

  bool whole_tree() const { return root_.empty(); }
  /// The node the principal is bound to ("" for the whole tree).
  const std::string& root() const { return root_; }
  const OrgTree& tree() const { return *tree_; }
  /// `id` is the root or below it. An unknown id is outside every scope but the whole tree's.
  bool node(std::string_view id) const;
  /// As the store's subtree filter (TicketQuery::node): reported in the subtree, owned by the
  /// root, or handed to it (a department).
  bool ticket(const Ticket& t) const;
  /// A target group in the subtree; for a department, an incident of a category it owns.
  bool incident(const Incident& i) const;
  /// The group belongs to a node in the subtree.
  bool group(std::string_view channel, std::string_view chat_id) const;

 private:
  std::string root_;
  std::shared_ptr<const OrgTree> tree_;
};

}  // namespace gridbot::console
