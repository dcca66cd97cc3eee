// The per-message (or per-API-call) context of IncidentService (private to
// bot/incidents/*.cpp).
#pragma once

#include "bot/delivery/keys.hpp"
#include "bot/delivery/post.hpp"
#include "bot/incidents/service.hpp"

namespace gridbot::incidents {

struct IncidentService::Ctx {
  store::WriteTx& tx;
  delivery::Poster out;
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
    return k->templates->label(prefix, code);
  }
  /// The sender, @-mentioned by the name they show (the org's name when the platform sent none).
  Mention sender() const {
    if (m == nullptr) return {};
    const Head* h = node ? head_of(*node, m->channel, m->sender_id) : nullptr;
    return {m->sender_id, m->sender_name.empty() && h ? h->name : m->sender_name};
  }
  std::string mention() const { return m == nullptr ? std::string() : mention_text({sender()}); }
  bool post(const GroupRef& g, std::string text, std::vector<Mention> mentions, int prio,
            std::string key, std::string supersede = {}) {
    return out.post(
        {g, std::move(text), std::move(mentions), prio, std::move(key), std::move(supersede)});
  }
};

}  // namespace gridbot::incidents
