// What a message's processing reads of its text and group that no write can change: the group's
// node, the command the text parses as and, for a residents' (building) group, the words'
// classification. Worked out once before the write, off the store's one writer thread (the
// inbox, on the caller's thread), and stamped with the knowledge it was worked out with: the
// writer uses it only while that set is still the one it holds, and works it out again after an
// operator's reload (SIGHUP) in between, or when no one worked it out (a test, another caller).
#pragma once

#include "base/model/inbound_message.hpp"
#include "bot/knowledge/knowledge.hpp"
#include "rules/classifier.hpp"

#include <memory>
#include <optional>
#include <string>

namespace gridbot::knowledge {

/// Immutable once made; shared by the incidents' and the tickets' step of one message.
struct Analysis {
  /// The set it was worked out with (its generation): it also keeps `node` alive.
  std::shared_ptr<const Knowledge> k;
  const OrgNode* node = nullptr;         ///< the group's node in k->tree; null: not registered
  std::optional<ParsedCommand> command;  ///< the text as a command word (k->grammar)
  // A building group's message only (the rest stay empty elsewhere):
  bool prefixed = false;      ///< 报事 (a report prefix) in front
  std::string words;          ///< the text without leading @mentions and report prefix
  rules::Classification cls;  ///< classify(words): the inhibition, the follow-up and the report
  bool adding = false;        ///< a follow-up word (还有 …) in the words
  /// Where the words name, report or not: cls.location for a report, else locate(words) when a
  /// follow-up may read it (no command, no prefix, a known sender).
  rules::Location place;
  /// The building the group's own name names, when a ticket drafted from this message may fall
  /// back on it (no building in the words; a report, or asked to be one).
  std::string own_building;
};

/// Works out `m`'s analysis under `k` (non-null). Any thread.
std::shared_ptr<const Analysis> analyse(std::shared_ptr<const Knowledge> k,
                                        const InboundMessage& m);

/// m.analysis when it was worked out under `k`, else a fresh analyse(k, m).
std::shared_ptr<const Analysis> analysis_for(const InboundMessage& m,
                                             const std::shared_ptr<const Knowledge>& k);

}  // namespace gridbot::knowledge
