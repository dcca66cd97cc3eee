// One unit of ticket work: a message being processed, a deadline firing, or a notice, at one
// time, inside one write transaction. The ticket workflows (intake, commands, answers, queries,
// relay, clocks) and the deadlines take it; it shows which store facets they may touch.
#pragma once

#include "base/common/mentions.hpp"
#include "base/model/inbound_message.hpp"
#include "base/model/org.hpp"
#include "base/model/ticket.hpp"
#include "bot/delivery/keys.hpp"
#include "bot/delivery/post.hpp"
#include "bot/knowledge/knowledge.hpp"
#include "bot/store/store.hpp"
#include "bot/tickets/config.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gridbot::tickets {

using knowledge::Knowledge;
using knowledge::ParsedCommand;
using Vars = std::map<std::string, std::string>;

/// How a resident asked: not at all (chatter the classifier reads), by @-mentioning the bot, or
/// with 报事/报修 in front.
enum class Ask { silent, mentioned, prefixed };

/// What timer work stands in for a message: none, so events name "gridbot".
const InboundMessage& no_message();

struct Work {
  store::TicketTx& tickets;
  store::DeadlineTx& deadlines;
  store::MediaTx& media;
  delivery::Poster out;
  std::shared_ptr<const Knowledge> k;
  const TicketConfig& cfg;
  const InboundMessage& m;  // no_message() for timer work
  int64_t row_id;           // the message's inbox row; 0 for timer work
  const OrgNode* node;      // the node whose group the message came from; null for timer work
  int64_t now;
  /// Console work (docs/console.md): the account acting as a head of `node`, and where answer()
  /// writes instead of posting into a group. Null for chat and timer work.
  const Head* console_head = nullptr;
  std::string* answer_sink = nullptr;

  Work(store::WriteTx& tx, const channels::ChannelTable& channels,
       std::shared_ptr<const Knowledge> knowledge, const TicketConfig& config,
       const InboundMessage* message, int64_t row, int64_t now_ms);

  std::string render(const std::string& name, const Vars& vars) const {
    return k->templates->render(name, vars);
  }
  /// The label template "<prefix>.<code>", or the code itself when there is none.
  std::string label(const std::string& prefix, const std::string& code) const {
    return k->templates->label(prefix, code);
  }
  /// The heads of `n` to @-mention in its group on `channel`.
  std::vector<Mention> heads_of(const OrgNode& n, const std::string& channel) const;
  /// The sender, as they are @-mentioned back.
  Mention sender() const;
  std::string sender_mention() const { return mention_text({sender()}); }
  /// The head who wrote the message in this node's group, or null.
  const Head* speaker() const;
  TicketEvent event(std::string kind, std::string detail = {}) const;
  /// Adds `e` to ticket `no`'s history and logs it (under the request this work runs for).
  void record(int64_t no, const TicketEvent& e);

  /// Posts into `group` (the one outbound helper); false when the group cannot be reached.
  bool post(const GroupRef& group, std::string text, std::vector<Mention> mentions, int priority,
            std::string key);
  /// Answers the sender in the group the message came from, @-mentioning them.
  void answer(const std::string& template_name, const Vars& vars, std::string key);
};

}  // namespace gridbot::tickets
