// TicketService: dispatch of one message, the tree helpers, and posting through the outbox.
#include "bot/core/ticket_service.hpp"

#include "bot/core/outbox.hpp"
#include "bot/core/ticket_context.hpp"

#include <algorithm>

namespace gridbot::core {

TicketService::TicketService(const ChannelTable& channels,
                             std::shared_ptr<const Knowledge> knowledge, const Clock& clock,
                             TicketConfig config)
    : channels_(channels), clock_(clock), config_(config), knowledge_(std::move(knowledge)) {}

void TicketService::swap(std::shared_ptr<const Knowledge> knowledge) {
  std::lock_guard lk(mu_);
  knowledge_ = std::move(knowledge);
}

std::shared_ptr<const Knowledge> TicketService::knowledge() const {
  std::lock_guard lk(mu_);
  return knowledge_;
}

std::string TicketService::process(const InboundMessage& m, int64_t row_id, store::WriteTx& tx) {
  Context c{m, row_id, tx, knowledge(), nullptr, clock_.now_ms()};
  c.node = c.k->tree->by_group(m.channel, m.chat_id);
  if (c.node == nullptr) {
    // A group nobody registered: say so when spoken to, otherwise stay silent.
    if (!m.mentions_bot) return "ignored";
    post(c, {m.channel, m.chat_id}, c.render("unknown_group", {{"mentions", c.sender_mention()}}),
         {m.sender_id}, priority::kRoutine,
         "unknown:" + m.channel + ":" + m.chat_id + ":" + m.msg_id);
    return "ignored";
  }
  if (auto cmd = c.k->grammar->parse(m.text)) return on_command(c, *cmd);
  // Reports come from residents' building groups; heads' groups speak in commands.
  if (c.node->level != Level::building) return "ignored";
  const bool prefixed = c.k->grammar->has_report_prefix(m.text);
  return on_report(c, prefixed ? Ask::prefixed : m.mentions_bot ? Ask::mentioned : Ask::silent);
}

void TicketService::post(Context& c, const GroupRef& group, std::string text,
                         std::vector<std::string> mentions, int prio, std::string key) {
  OutboxItem o;
  o.channel = group.channel;
  o.chat_id = group.chat_id;
  o.text = std::move(text);
  o.mentions = std::move(mentions);
  o.priority = prio;
  o.idempotency_key = std::move(key);
  o.created_ms = c.now;
  // A reply in the group the message came from may use the platform's per-message handle.
  const bool reply = group.channel == c.m.channel && group.chat_id == c.m.chat_id;
  if (reply) o.reply_token = c.m.reply_token;
  // Some bots can only answer (a WeCom AI bot on a webhook): a group of theirs hears a relay or
  // a notice through the group's other channels, never through a row that can only fail.
  const Channel* ch = channels_.find(group.channel);
  if (ch != nullptr && !(reply && !o.reply_token.empty()) && !ch->adapter->can_post_unprompted())
    return;
  queue_message(c.tx, channels_, o);
}

std::string TicketService::owner_name(const Knowledge& k, const Ticket& t) const {
  const OrgNode* owner = k.tree->find(t.owner_node);
  std::string name = owner ? owner->name : t.owner_node;
  // Handed to a person (转办 物业): name them, e.g. 第1网格物业负责人曾师傅.
  if (!t.assignee.empty() && owner != nullptr) {
    std::vector<const OrgNode*> chain{owner};
    for (const OrgNode* n : k.tree->ancestors(*owner)) chain.push_back(n);
    if (const OrgNode* origin = k.tree->find(t.origin_node)) {
      chain.push_back(origin);
      for (const OrgNode* n : k.tree->ancestors(*origin)) chain.push_back(n);
    }
    for (const OrgNode* n : chain)
      for (const auto& h : n->heads)
        if (h.channel + ":" + h.user_id == t.assignee)
          return n->name + role_label(h.role) + (h.name.empty() ? h.user_id : h.name);
  }
  if (!t.department.empty())
    if (const OrgNode* d = k.tree->find(t.department)) name += "和" + d->name;
  return name;
}

const OrgNode* owner_for(const OrgTree& tree, const OrgNode& building, const std::string& tier) {
  if (tier == "private") return &building;
  const auto up = tree.ancestors(building);  // parent first, street last
  if (up.empty()) return &building;
  if (tier == "small")  // the grid, or the nearest higher node where an estate has no grid
    for (const OrgNode* n : up)
      if (n->level <= Level::grid) return n;
  return up.back();  // big and hard: the street office
}

const OrgNode* department_for(const OrgTree& tree, const std::string& category) {
  for (const auto& n : tree.nodes())
    if (n.level == Level::department &&
        std::find(n.categories.begin(), n.categories.end(), category) != n.categories.end() &&
        !n.groups.empty())
      return &n;
  return nullptr;
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

}  // namespace gridbot::core
