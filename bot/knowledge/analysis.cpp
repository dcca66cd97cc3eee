// The pre-write analysis of a message: each field is what a step of the writer's processing
// would otherwise work out itself (bot/incidents/service.cpp inhibit, bot/tickets/service.cpp
// process, follow_up.cpp, intake.cpp), under the same conditions, so using it changes nothing.
#include "bot/knowledge/analysis.hpp"

namespace gridbot::knowledge {

std::shared_ptr<const Analysis> analyse(std::shared_ptr<const Knowledge> k,
                                        const InboundMessage& m) {
  auto a = std::make_shared<Analysis>();
  a->k = std::move(k);
  const Knowledge& kn = *a->k;
  a->node = kn.tree->by_group(m.channel, m.chat_id);
  if (a->node == nullptr) return a;
  a->command = kn.grammar->parse(m.text);
  if (a->node->level != Level::building) return a;
  a->prefixed = kn.grammar->has_report_prefix(m.text);
  a->words = kn.grammar->strip_prefix(m.text);
  a->cls = rules::classify(*kn.rules, a->words);
  a->adding = kn.grammar->has_follow_up_word(a->words);
  // The follow-up reads a place in any words; classify names the place of reports only.
  const bool follow_up = !a->command && !a->prefixed && !m.sender_id.empty();
  a->place = a->cls.is_report || !follow_up ? a->cls.location : rules::locate(*kn.rules, a->words);
  // A ticket is drafted from a confident report, or from any words asked to be one.
  const bool asked = a->prefixed || m.mentions_bot;
  if (!a->command && a->cls.location.building.empty() &&
      (asked || (a->cls.is_report && a->cls.confident)))
    a->own_building = rules::classify(*kn.rules, a->node->name).location.building;
  return a;
}

std::shared_ptr<const Analysis> analysis_for(const InboundMessage& m,
                                             const std::shared_ptr<const Knowledge>& k) {
  if (m.analysis && m.analysis->k == k) return m.analysis;
  return analyse(k, m);
}

}  // namespace gridbot::knowledge
