// The per-message (or per-API-call) context of IncidentService (private to
// bot/core/incident_*.cpp).
#pragma once

#include "bot/core/incident_service.hpp"

namespace gridbot::core {

struct IncidentService::Ctx {
  store::WriteTx& tx;
  std::shared_ptr<const Knowledge> k;
  std::shared_ptr<const IncidentGrammar> grammar;
  int64_t now;
  const InboundMessage* m;  // nullptr for an API call
  const OrgNode* node;      // the group's node (messages only)
  const Head* speaker;      // the head who wrote it (commands only)
  int64_t row_id = 0;

  std::string render(const std::string& name,
                     const std::map<std::string, std::string>& vars) const {
    return k->templates->render(name, vars);
  }
  /// The label template "<prefix>.<code>", or the code itself when there is none.
  std::string label(const std::string& prefix, const std::string& code) const {
    const std::string key = prefix + "." + code;
    return k->templates->has(key) ? k->templates->render(key, {}) : code;
  }
  std::string mention() const {
    if (m == nullptr) return {};
    return "@" + (m->sender_name.empty() ? m->sender_id : m->sender_name);
  }
};

}  // namespace gridbot::core
