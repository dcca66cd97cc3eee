// Tickets and the relay: a resident's report in a building group becomes a ticket, rises through
// the chain of groups to the level its tier belongs to, and every change comes back down to the
// reporters (docs/tickets.md, docs/commands.md). Runs as a step of the inbox's processor chain,
// inside the inbox transaction, so a ticket, its events and every message it causes commit
// together with the message — or not at all.
#pragma once

#include "base/common/clock.hpp"
#include "base/model/inbound_message.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/knowledge/knowledge.hpp"
#include "bot/store/store.hpp"
#include "bot/tickets/config.hpp"
#include "bot/tickets/work.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace gridbot::tickets {

/// A ticket action from the console (docs/console.md): 受理 办结 转办 上报 退回 督办 by name
/// ("accept", "resolve", …), as a head of `node` would type it in that node's group.
struct ConsoleAction {
  std::string node;
  std::string name;
  int64_t ticket_no = 0;
  std::string note;  // 转办: the target word first (物业, 供电 …), then the note
};

/// Thread safety: process() and work() run on the store's writer thread; swap() from any thread.
class TicketService {
 public:
  TicketService(const channels::ChannelTable& channels, std::shared_ptr<const Knowledge> knowledge,
                const Clock& clock, TicketConfig config);

  /// The processor chain's ticket step. Returns the inbox state for the message: "processed",
  /// "ticket", "merged", "command", "refused", "uncertain", "hinted" or "ignored".
  std::string process(const InboundMessage& m, int64_t row_id, store::WriteTx& tx);

  /// Whether the message is a command whose answer is read (待办, 统计 from a head): such
  /// answers are worked out by prepare_answer on committed data before the write, so the
  /// writer never waits on a read.
  bool answer_needs_reads(const InboundMessage& m) const;
  /// Sets m.prepared (on read failure, the template query.unavailable). Any thread.
  void prepare_answer(InboundMessage& m, store::Store& store) const;
  /// A console action: the same checks, effects, history and messages to reporters as the
  /// command typed by a head of `a.node` in its group. `m` is the action as stored in the inbox
  /// (channel "console", the account as sender: the history names it), `row_id` its row. The
  /// answer the chat would have got goes to *answer instead of a group. Returns "command" or
  /// "refused".
  std::string console_command(const InboundMessage& m, int64_t row_id, const ConsoleAction& a,
                              store::WriteTx& tx, std::string* answer);

  /// Ticket work at `now_ms` with no message (the deadlines' timer).
  Work timer_work(store::WriteTx& tx, int64_t now_ms) const;

  void swap(std::shared_ptr<const Knowledge> knowledge);
  std::shared_ptr<const Knowledge> knowledge() const;
  const TicketConfig& config() const { return config_; }
  const Clock& clock() const { return clock_; }

 private:
  const channels::ChannelTable& channels_;
  const Clock& clock_;
  TicketConfig config_;
  mutable std::mutex mu_;
  std::shared_ptr<const Knowledge> knowledge_;
};

}  // namespace gridbot::tickets
