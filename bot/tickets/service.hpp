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

namespace gridbot::rules {
class Rules;
}

namespace gridbot::core {

struct TicketConfig {
  int64_t merge_window_ms = 72 * 3600 * 1000LL;  // same category, same building/unit → one ticket
  int64_t repeat_reply_ms = 3600 * 1000LL;  // a reporter repeating a report: one answer per window
  int64_t accept_ms = 2 * 3600 * 1000LL;
  int64_t update_ms = 24 * 3600 * 1000LL;
  int64_t resolve_urgent_ms = 2 * 3600 * 1000LL;
  int64_t resolve_utility_ms = 24 * 3600 * 1000LL;
  int64_t resolve_general_ms = 7 * 24 * 3600 * 1000LL;
  int64_t resolve_complex_ms = 15 * 24 * 3600 * 1000LL;
  double warn_at = 0.75;
  int64_t satisfaction_ms = 72 * 3600 * 1000LL;
  int digest_minute = 20 * 60;  // local minute of day of the daily digest
  int64_t utc_offset_ms = 8 * 3600 * 1000LL;
};

/// Figures for one node and period (issue 6 "Stats").
struct TicketStats {
  int received = 0, accepted_in_time = 0, resolved = 0;
  int satisfied = 0, unsatisfied = 0, defaulted = 0, misses = 0;
  int64_t median_accept_ms = -1, median_resolve_ms = -1;  // -1: nothing to measure
  std::map<std::string, int> by_category, by_tier;
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
  /// "merged", "command", "refused", "uncertain", "hinted" or "ignored".
  std::string process(const InboundMessage& m, int64_t row_id, store::WriteTx& tx);

  void swap(std::shared_ptr<const Knowledge> knowledge);
  std::shared_ptr<const Knowledge> knowledge() const;

  /// Fires every deadline due at now_ms inside `tx`: warnings, escalations on a miss, satisfaction
  /// time-outs, the daily digest. Each row changes state in the same transaction as its effect,
  /// so nothing fires twice, and deadlines missed while the server was down fire once on restart.
  /// Returns how many rows fired.
  int fire_due(store::WriteTx& tx, int64_t now_ms);
  /// Ensures each community has its next daily digest scheduled.
  void schedule_digests(store::WriteTx& tx, int64_t now_ms);
  /// Stats over facts (pure; used by 统计, the digest and the API).
  TicketStats compute_stats(const std::vector<store::TicketFacts>& facts) const;
  const TicketConfig& config() const { return config_; }

 private:
  struct Context;  // one message being processed
  /// How a resident asked: not at all (chatter the classifier reads), by @-mentioning the bot, or
  /// with 报事/报修 in front.
  enum class Ask { silent, mentioned, prefixed };
  std::string on_report(Context& c, Ask ask);
  std::string on_command(Context& c, const ParsedCommand& cmd);
  std::string on_move(Context& c, const ParsedCommand& cmd, Ticket& t);
  std::string on_answer(Context& c, const ParsedCommand& cmd);
  std::string on_query(Context& c, const ParsedCommand& cmd);
  std::string on_notice(Context& c, const ParsedCommand& cmd);
  void start_clocks(Context& c, const Ticket& t, bool with_resolve);
  void hand_over(Context& c, Ticket& t, const OrgNode& to, const std::string& why);
  void fire_one(Context& c, const Deadline& d);
  void post_digest(Context& c, const OrgNode& community);
  std::string stats_text(Context& c, const OrgNode& node, const std::string& period,
                         const TicketStats& s);
  int64_t resolve_limit_ms(const Ticket& t) const;
  /// A clock row for `node` due `limit_ms` from now, warning at warn_at of the time.
  Deadline clock_row(int64_t no, const char* clock, const std::string& node, int64_t now,
                     int64_t limit_ms) const;
  void relay_up(Context& c, const Ticket& t);
  void tell_reporters(Context& c, const Ticket& t, const std::string& template_name,
                      const std::string& note, const std::string& key);
  void post(Context& c, const GroupRef& group, std::string text, std::vector<std::string> mentions,
            int priority, std::string key);
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
/// Local calendar helpers (the deployment's UTC offset): start of the day/week/month holding t.
int64_t local_day_start(int64_t t_ms, int64_t utc_offset_ms);
int64_t local_week_start(int64_t t_ms, int64_t utc_offset_ms);
int64_t local_month_start(int64_t t_ms, int64_t utc_offset_ms);
/// "11-24 14:00" in local time.
std::string local_time_text(int64_t t_ms, int64_t utc_offset_ms);

/// True when `speaker` (channel, user id) is one of the heads of `node`.
const Head* head_of(const OrgNode& node, const std::string& channel, const std::string& user_id);

}  // namespace gridbot::core
