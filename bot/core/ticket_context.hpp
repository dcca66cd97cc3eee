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

  std::string render(const std::string& name, const std::map<std::string, std::string>& vars) const {
    return k->templates->render(name, vars);
  }
  std::string label(const std::string& prefix, const std::string& code) const {
    const std::string key = prefix + "." + code;
    return k->templates->has(key) ? k->templates->render(key, {}) : code;
  }
  std::string sender_mention() const {
    return "@" + (m.sender_name.empty() ? m.sender_id : m.sender_name);
  }
  TicketEvent event(std::string kind, std::string detail = {}) const {
    TicketEvent e;
    e.at_ms = now;
    e.actor_id = m.sender_id;
    e.actor_name = m.sender_name;
    e.kind = std::move(kind);
    e.detail = std::move(detail);
    return e;
  }
};

}  // namespace gridbot::core
