// Tickets and the relay (issue 4): a resident's report in a building group becomes a ticket,
// rises through the chain of groups to the level its tier belongs to, and every change comes back
// down to the reporters. Runs as the pipeline's processor, inside the inbox transaction, so a
// ticket, its events and every message it causes commit together with the message — or not at all.
#pragma once

#include "bot/common/clock.hpp"
#include "bot/core/channels.hpp"
#include "bot/core/command_grammar.hpp"
#include "bot/core/templates.hpp"
#include "bot/model/org.hpp"
#include "bot/model/ticket.hpp"
#include "bot/store/store.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace gridbot::rules { class Rules; }

namespace gridbot::core {

struct TicketConfig {
  int64_t merge_window_ms = 72 * 3600 * 1000LL;  // same category, same building/unit → one ticket
};

/// Everything the service reads that an operator can reload: swapped as one immutable object, so
/// a message in flight keeps the versions it started with.
struct Knowledge {
  std::shared_ptr<const OrgTree> tree;
  std::shared_ptr<const rules::Rules> rules;
  std::shared_ptr<const Templates> templates;
  std::shared_ptr<const CommandGrammar> grammar;
};

/// Thread safety: process() runs on the store's writer thread; swap() from any thread.
class TicketService {
 public:
  TicketService(const ChannelTable& channels, std::shared_ptr<const Knowledge> knowledge,
                const Clock& clock, TicketConfig config);

  /// The pipeline processor. Returns the inbox state for the message: "processed", "ticket",
  /// "merged", "command", "refused", "uncertain" or "ignored".
  std::string process(const InboundMessage& m, int64_t row_id, store::WriteTx& tx);

  void swap(std::shared_ptr<const Knowledge> knowledge);
  std::shared_ptr<const Knowledge> knowledge() const;

 private:
  struct Context;  // one message being processed
  std::string on_report(Context& c, bool explicit_report);
  std::string on_command(Context& c, const ParsedCommand& cmd);
  void relay_up(Context& c, const Ticket& t);
  void tell_reporters(Context& c, const Ticket& t, const std::string& template_name,
                      const std::string& note, const std::string& key);
  void post(Context& c, const GroupRef& group, std::string text,
            std::vector<std::string> mentions, int priority, std::string key);
  std::string owner_name(const Knowledge& k, const Ticket& t) const;

  const ChannelTable& channels_;
  const Clock& clock_;
  TicketConfig config_;
  mutable std::mutex mu_;
  std::shared_ptr<const Knowledge> knowledge_;
};

/// The node that owns a ticket of `tier` reported at `building`: the building itself (private),
/// its grid (small), the street (big, hard). Falls back to the nearest existing higher node.
const OrgNode* owner_for(const OrgTree& tree, const OrgNode& building, const std::string& tier);
/// The department beside the tree that owns `category` (its `categories` column), or nullptr.
const OrgNode* department_for(const OrgTree& tree, const std::string& category);
/// The heads of `node` to @-mention for a relay, on `channel`: its level's own head roles first.
std::vector<const Head*> heads_to_mention(const OrgNode& node, const std::string& channel);
/// True when `speaker` (channel, user id) is one of the heads of `node`.
const Head* head_of(const OrgNode& node, const std::string& channel, const std::string& user_id);

}  // namespace gridbot::core
