// The per-message context of TicketService (private to bot/core/ticket_*.cpp).
#pragma once

#include "bot/core/ticket_service.hpp"

namespace gridbot::core {

struct TicketService::Context {
  const InboundMessage& m;
  int64_t row_id;
  store::WriteTx& tx;
  std::shared_ptr<const Knowledge> k;
  const OrgNode* node;  // the node whose group the message came from
  int64_t now;

  std::string render(const std::string& name,
                     const std::map<std::string, std::string>& vars) const {
    return k->templates->render(name, vars);
  }
  std::string label(const std::string& prefix, const std::string& code) const {
    const std::string key = prefix + "." + code;
    return k->templates->has(key) ? k->templates->render(key, {}) : code;
  }
  /// "@name @name" and the ids of the heads to @-mention in `group` of `node`.
  std::pair<std::string, std::vector<std::string>> heads_of(const OrgNode& node,
                                                            const std::string& channel) const {
    std::string text;
    std::vector<std::string> ids;
    for (const Head* h : heads_to_mention(node, channel)) {
      text += (text.empty() ? "@" : " @") + (h->name.empty() ? h->user_id : h->name);
      ids.push_back(h->user_id);
    }
    return {text, ids};
  }
  std::string sender_mention() const {
    return "@" + (m.sender_name.empty() ? m.sender_id : m.sender_name);
  }
  TicketEvent event(std::string kind, std::string detail = {}) const {
    TicketEvent e;
    e.at_ms = now;
    e.actor_id = m.sender_id.empty() ? "gridbot" : m.sender_id;
    e.actor_name = m.sender_name;
    e.kind = std::move(kind);
    e.detail = std::move(detail);
    return e;
  }
};

}  // namespace gridbot::core
