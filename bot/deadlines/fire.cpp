#include "bot/deadlines/fire.hpp"

#include "base/common/calendar.hpp"
#include "bot/tickets/workflows.hpp"

namespace gridbot::deadlines {
namespace {

using tickets::Work;

void fire_digest(Work& w, const Deadline& d, const DigestFigures& digests) {
  w.deadlines.set_deadline_state(d.id, DeadlineState::done, w.now);
  const OrgNode* community = w.k->tree->find(d.node);
  if (community == nullptr) return;
  const auto it = digests.find(community->id);
  post_digest(w, *community, it != digests.end() ? &it->second : nullptr);
  Deadline next = d;
  next.due_ms = d.due_ms + kDayMs;
  while (next.due_ms <= w.now) next.due_ms += kDayMs;
  next.warn_ms = 0;
  next.created_ms = w.now;
  w.deadlines.add_deadline(next);
}

// Nobody answered 满意 / 不满意 in time: the ticket closes as 默认满意.
void fire_satisfaction(Work& w, const Deadline& d, Ticket& t) {
  w.deadlines.set_deadline_state(d.id, DeadlineState::done, w.now);
  if (t.status != TicketStatus::resolved) return;
  w.tickets.answer_satisfaction(t.no, "", "", "default", "", w.now);
  const TicketStatus from = t.status;
  t.status = TicketStatus::closed;
  t.updated_ms = w.now;
  w.tickets.update_ticket(t);
  auto e = w.event("closed", w.label("event", "default_satisfied"));
  e.from_status = to_string(from);
  e.to_status = to_string(t.status);
  w.record(t.no, e);
}

void warn(Work& w, const Deadline& d, const Ticket& t, const OrgNode* holder) {
  w.deadlines.set_deadline_state(d.id, DeadlineState::warned, w.now);
  if (holder == nullptr) return;
  tickets::tell_heads(w, *holder, "deadline.warn",
                      {{"no", std::to_string(t.no)},
                       {"clock", w.label("clock", to_string(d.clock))},
                       {"due", local_time_text(d.due_ms, w.cfg.utc_offset_ms)},
                       {"category", w.label("category", t.category)}},
                      priority::kRoutine, delivery::keys::warn(d.id));
}

// The node a missed ticket rises to: the owner above a department, else the holder's parent;
// nullptr at the top.
const OrgNode* next_up(const Work& w, const Ticket& t, const OrgNode* holder) {
  if (holder == nullptr) return nullptr;
  if (holder->level == Level::department) return w.k->tree->find(t.owner_node);
  const OrgNode* p = w.k->tree->find(holder->parent);
  return p && p->level != Level::department ? p : nullptr;
}

// The miss: the ticket rises one level, marked 督办, and the next head is @-mentioned.
void miss(Work& w, const Deadline& d, Ticket& t, const OrgNode* holder) {
  w.deadlines.set_deadline_state(d.id, DeadlineState::missed, w.now);
  w.record(t.no, w.event("missed", std::string(to_string(d.clock)) + "@" + d.node));
  const OrgNode* up = next_up(w, t, holder);
  t.supervised = true;
  t.updated_ms = w.now;
  const std::string why = w.render("why.missed", {{"node", holder ? holder->name : d.node},
                                                  {"clock", w.label("clock", to_string(d.clock))}});
  if (up == nullptr || up == holder) {
    // Already at the top: keep pressing the street office, once per miss.
    w.tickets.update_ticket(t);
    if (holder != nullptr)
      tickets::tell_heads(
          w, *holder, "deadline.missed_top",
          {{"no", std::to_string(t.no)}, {"clock", w.label("clock", to_string(d.clock))}},
          priority::kNotice, delivery::keys::missed(d.id));
    return;
  }
  const TicketStatus before = t.status;
  t.status = TicketStatus::escalated;
  if (d.clock == DeadlineKind::resolve) {
    // The resolve clock starts over at the new level.
    w.deadlines.stop_deadlines(t.no, DeadlineKind::resolve);
    w.deadlines.add_deadline(tickets::clock_row(w.cfg, t.no, DeadlineKind::resolve, up->id, w.now,
                                                tickets::resolve_limit_ms(w.cfg, t)));
  }
  tickets::hand_over(w, t, *up, why);
  w.tickets.update_ticket(t);
  auto e = w.event("escalated", why);
  e.from_status = to_string(before);
  e.to_status = to_string(t.status);
  w.record(t.no, e);
}

void fire_one(Work& w, const Deadline& d, const DigestFigures& digests) {
  if (d.clock == DeadlineKind::digest) return fire_digest(w, d, digests);
  auto t = w.tickets.load_ticket(d.ticket_no);
  if (!t) return w.deadlines.set_deadline_state(d.id, DeadlineState::done, w.now);
  if (d.clock == DeadlineKind::satisfaction) return fire_satisfaction(w, d, *t);
  if (!is_open(t->status)) return w.deadlines.set_deadline_state(d.id, DeadlineState::done, w.now);
  // Clocks follow the ticket: whoever holds it now is warned, and rises on a miss.
  const OrgNode* holder = tickets::holder_of(*w.k, *t);
  if (d.due_ms > w.now) return warn(w, d, *t, holder);
  miss(w, d, *t, holder);
}

}  // namespace

int fire_due(const tickets::TicketService& tickets, store::WriteTx& tx, int64_t now_ms,
             const DigestFigures& digests) {
  Work w = tickets.timer_work(tx, now_ms);
  int fired = 0;
  for (const auto& d : tx.due_deadlines(now_ms, 500)) {
    const bool ok = tx.guarded([&] { fire_one(w, d, digests); });
    if (!ok) tx.set_deadline_state(d.id, DeadlineState::done, now_ms);  // never retry a poison row
    ++fired;
  }
  return fired;
}

}  // namespace gridbot::deadlines
