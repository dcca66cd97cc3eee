// The reporters' 满意 / 不满意 after 办结: all satisfied confirms the ticket; one unsatisfied
// reopens it at the level that closed it, with the resident's words.
#include "bot/tickets/text.hpp"
#include "bot/tickets/workflows.hpp"

namespace gridbot::tickets {
namespace {

// The ticket a bare 满意 / 不满意 answers: the reporter's one waiting question. 0 when none
// (just a word in a conversation); -1 when several wait (they are asked which).
int64_t answered_ticket(Work& w, const ParsedCommand& cmd) {
  if (cmd.ticket_no != 0) return cmd.ticket_no;
  auto pending = w.tickets.pending_satisfaction(w.m.channel, w.m.sender_id);
  if (pending.empty()) return 0;
  return pending.size() > 1 ? -1 : pending.front().ticket_no;
}

bool waits_for(Work& w, int64_t no) {
  for (const auto& a : w.tickets.satisfaction_of(no))
    if (a.channel == w.m.channel && a.user_id == w.m.sender_id && a.answer.empty()) return true;
  return false;
}

void reopen(Work& w, Ticket& t, const std::string& words) {
  t.status = TicketStatus::reopened;
  t.resolved_ms = 0;
  w.deadlines.stop_deadlines(t.no, DeadlineKind::satisfaction);
  start_clocks(w, t, true);
  const OrgNode* holder = holder_of(*w.k, t);
  if (holder == nullptr) return;
  for (const auto& g : holder->groups) {
    const auto who = w.heads_of(*holder, g.channel);
    w.post(g,
           w.render("ticket.reopened", {{"no", std::to_string(t.no)},
                                        {"words", words.empty() ? w.render("answer.no_words", {})
                                                                : mask_phones(words)},
                                        {"category", w.label("category", t.category)},
                                        {"mentions", mention_text(who)}}),
           who, priority::kNotice, delivery::keys::reopen(t.no, w.row_id, g.chat_id));
  }
}

}  // namespace

std::string on_answer(Work& w, const ParsedCommand& cmd) {
  const std::string key = delivery::keys::answer("cmd", w.m.channel, w.m.chat_id, w.m.msg_id);
  const int64_t no = answered_ticket(w, cmd);
  if (no == 0) return "ignored";
  if (no < 0) {
    w.answer("answer.which", {}, key);
    return "refused";
  }
  const Vars vars{{"no", std::to_string(no)}};
  auto t = w.tickets.load_ticket(no);
  if (!t || !waits_for(w, no) || t->status != TicketStatus::resolved) {
    w.answer("answer.none", vars, key);
    return "refused";
  }
  const bool happy = cmd.name == "satisfied";
  w.tickets.answer_satisfaction(no, w.m.channel, w.m.sender_id, happy ? "satisfied" : "unsatisfied",
                                cmd.note, w.now);
  const TicketStatus from = t->status;
  if (happy) {
    bool all = true;
    for (const auto& a : w.tickets.satisfaction_of(no)) all = all && a.answer == "satisfied";
    if (all) {
      t->status = TicketStatus::confirmed;
      w.deadlines.stop_deadlines(no, DeadlineKind::satisfaction);
    }
  } else {
    reopen(w, *t, cmd.note);
  }
  t->updated_ms = w.now;
  w.tickets.update_ticket(*t);
  auto e = w.event(happy ? "satisfied" : "unsatisfied", cmd.note);
  e.from_status = to_string(from);
  e.to_status = to_string(t->status);
  w.record(no, e);
  w.answer(happy ? "answer.thanks" : "answer.reopened", vars, key);
  return "command";
}

}  // namespace gridbot::tickets
