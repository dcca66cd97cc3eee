// The ticket workflows, each a free function over one unit of Work (work.hpp), one file each:
// intake.cpp (reports), commands.cpp (heads' changes), answers.cpp (满意 / 不满意), queries.cpp
// (进度 待办 统计 帮助), relay.cpp (up the chain, hand-overs, telling reporters), clocks.cpp.
#pragma once

#include "bot/knowledge/analysis.hpp"
#include "bot/knowledge/command_grammar.hpp"
#include "bot/tickets/work.hpp"

#include <optional>
#include <string>

namespace gridbot::tickets {

/// A report in a building group: merge into an open ticket, or open one and relay it. `a` is
/// the message's analysis under w.k.
std::string on_report(Work& w, const knowledge::Analysis& a, Ask ask);
/// A heads' or residents' keyword command (dispatches to the ones below).
std::string on_command(Work& w, const ParsedCommand& cmd);
/// 满意 / 不满意 from a reporter.
std::string on_answer(Work& w, const ParsedCommand& cmd);
/// 进度 待办 统计 帮助.
std::string on_query(Work& w, const ParsedCommand& cmd);

// relay.cpp
/// Posts a new ticket into each group from the grid up to its owner, and its department's.
void relay_up(Work& w, const Ticket& t);
/// One 补充 into the groups relay_up posted to: what the ticket holds now (location, photos) and
/// the follow-up's words. Held back follow_up_delay_ms and replaced by a later 补充 of the same
/// ticket still waiting, so a burst of follow-ups goes up as one message.
void relay_follow_up(Work& w, const Ticket& t, const std::string& words);
/// "\n附图N张" and their links, or "" when the ticket holds no photo.
std::string photos_line(Work& w, int64_t ticket_no);

// follow_up.cpp
/// A message that completes a report (docs/media.md "Follow-ups"): the sender's own words,
/// location or photo soon after their report, or another resident adding to it. Returns the
/// inbox state, or nullopt when the message is not a follow-up. `a` is the message's analysis
/// under w.k.
std::optional<std::string> on_follow_up(Work& w, const knowledge::Analysis& a);
/// Attaches to ticket `no` the media of this message and the photos its sender sent just
/// before (a photo first, the words after). Returns how many.
int attach_media(Work& w, int64_t no);
/// The ticket changes holder: its clocks stop, the new holder's accept clock starts, and the
/// new holder's groups are told, @-mentioning its heads.
void hand_over(Work& w, Ticket& t, const OrgNode& to, const std::string& why);
/// One message per group the reporters wrote from, @-mentioning each of them there.
void tell_reporters(Work& w, const Ticket& t, const std::string& template_name,
                    const std::string& note, const std::string& key);
/// Posts `template_name` into every group of `node`, @-mentioning its heads there.
void tell_heads(Work& w, const OrgNode& node, const std::string& template_name, Vars vars,
                int priority, const std::string& key);
/// Who holds the ticket, in words: 第1网格, 第1网格和供电所, 第1网格物业负责人曾师傅.
std::string owner_name(const Knowledge& k, const Ticket& t);
/// The node that holds the ticket now: its department when handed to one, else its owner.
const OrgNode* holder_of(const Knowledge& k, const Ticket& t);

// clocks.cpp
int64_t resolve_limit_ms(const TicketConfig& cfg, const Ticket& t);
/// A clock row for `node` due `limit_ms` from now, warning at warn_at of the time.
Deadline clock_row(const TicketConfig& cfg, int64_t no, DeadlineKind clock, const std::string& node,
                   int64_t now, int64_t limit_ms);
/// Starts the accept (and resolve) clocks of the ticket's holder.
void start_clocks(Work& w, const Ticket& t, bool with_resolve);

/// The node that owns a ticket of `tier` reported at `building`: the building itself (private),
/// its grid (small), the street (big, hard). Falls back to the nearest existing higher node.
const OrgNode* owner_for(const OrgTree& tree, const OrgNode& building, Tier tier);
/// The department beside the tree that owns `category` (its `categories` column), or nullptr.
const OrgNode* department_for(const OrgTree& tree, const std::string& category);

}  // namespace gridbot::tickets
