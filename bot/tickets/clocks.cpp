// The three clocks of a ticket at its holding level, warnings, escalation on a miss (督办), the
// satisfaction time-out and the daily digest. Every clock is a deadlines row (store), fired by
// fire_due() inside one transaction with its effect.
#include "bot/core/ticket_context.hpp"
#include "bot/core/ticket_text.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace gridbot::core {
namespace {

const InboundMessage kTimer{};  // timer work has no message; events name "gridbot"

constexpr int64_t kDayMs = 86'400'000;

std::tm local_tm(int64_t t_ms, int64_t off) {
  const std::time_t secs = static_cast<std::time_t>((t_ms + off) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

}  // namespace

int64_t local_day_start(int64_t t, int64_t off) {
  const int64_t local = t + off;
  return local - ((local % kDayMs) + kDayMs) % kDayMs - off;
}

int64_t local_week_start(int64_t t, int64_t off) {
  const std::tm tm = local_tm(t, off);
  const int since_monday = (tm.tm_wday + 6) % 7;
  return local_day_start(t, off) - since_monday * kDayMs;
}

int64_t local_month_start(int64_t t, int64_t off) {
  const std::tm tm = local_tm(t, off);
  return local_day_start(t, off) - (tm.tm_mday - 1) * kDayMs;
}

std::string local_time_text(int64_t t, int64_t off) {
  const std::tm tm = local_tm(t, off);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min);
  return buf;
}

int64_t TicketService::resolve_limit_ms(const Ticket& t) const {
  if (t.urgent) return config_.resolve_urgent_ms;
  if (t.category == "water" || t.category == "power" || t.category == "gas")
    return config_.resolve_utility_ms;
  if (t.tier == "big" || t.tier == "hard") return config_.resolve_complex_ms;
  return config_.resolve_general_ms;
}

Deadline TicketService::clock_row(int64_t no, const char* clock, const std::string& node,
                                  int64_t now, int64_t limit_ms) const {
  Deadline d;
  d.ticket_no = no;
  d.clock = clock;
  d.node = node;
  d.due_ms = now + limit_ms;
  d.warn_ms = config_.warn_at > 0
                  ? now + static_cast<int64_t>(static_cast<double>(limit_ms) * config_.warn_at)
                  : 0;
  d.created_ms = now;
  return d;
}

void TicketService::start_clocks(Context& c, const Ticket& t, bool with_resolve) {
  if (t.tier == "private") return;  // the resident's own matter: no clock runs on anyone
  const std::string holder = t.department.empty() ? t.owner_node : t.department;
  c.tx.add_deadline(clock_row(t.no, "accept", holder, c.now, config_.accept_ms));
  if (with_resolve)
    c.tx.add_deadline(clock_row(t.no, "resolve", holder, c.now, resolve_limit_ms(t)));
}

void TicketService::hand_over(Context& c, Ticket& t, const OrgNode& to, const std::string& why) {
  // The holder changes: its clocks stop, the new holder's accept clock starts, and the resolve
  // clock follows the ticket with the time it has left.
  c.tx.stop_deadlines(t.no, "accept");
  c.tx.stop_deadlines(t.no, "update");
  t.assignee.clear();  // a person it was handed to (转办 物业) no longer holds it
  if (to.level == Level::department) {
    t.department = to.id;
  } else {
    t.owner_node = to.id;
    t.owner_level = to_string(to.level);
    t.department.clear();
  }
  if (t.tier != "private")
    c.tx.add_deadline(clock_row(t.no, "accept", to.id, c.now, config_.accept_ms));
  // Tell the new holder, @-mentioning its heads.
  // Where it came from, as the relay said it: the building group's name, then the location.
  const OrgNode* from = c.k->tree->find(t.origin_node);
  std::string origin = from != nullptr ? from->name : t.origin_node;
  if (const std::string where = location_text(t); !where.empty() && where != origin)
    origin += "（" + where + "）";
  for (const auto& g : to.groups) {
    auto [who, ids] = c.heads_of(to, g.channel);
    post(c, g,
         c.render("ticket.handover",
                  {{"no", std::to_string(t.no)},
                   {"why", why},
                   {"supervised", t.supervised ? c.label("mark", "supervised") : ""},
                   {"urgent", t.urgent ? c.label("mark", "urgent") : ""},
                   {"category", c.label("category", t.category)},
                   {"origin", origin},
                   {"text", quote_up(t.text)},
                   {"count", std::to_string(t.reporters.size())},
                   {"mentions", who}}),
         ids, t.urgent ? priority::kUrgent : priority::kRoutine,
         "handover:" + std::to_string(t.no) + ":" + to.id + ":" + std::to_string(c.now) + ":" +
             g.channel + ":" + g.chat_id);
  }
}

int TicketService::fire_due(store::WriteTx& tx, int64_t now_ms) {
  Context c{kTimer, 0, tx, knowledge(), nullptr, now_ms};
  int fired = 0;
  for (const auto& d : tx.due_deadlines(now_ms, 500)) {
    const bool ok = tx.guarded([&] { fire_one(c, d); });
    if (!ok) tx.set_deadline_state(d.id, DeadlineState::done, now_ms);  // never retry a poison row
    ++fired;
  }
  return fired;
}

void TicketService::fire_one(Context& c, const Deadline& d) {
  const auto& k = *c.k;
  if (d.clock == "digest") {
    c.tx.set_deadline_state(d.id, DeadlineState::done, c.now);
    if (const OrgNode* community = k.tree->find(d.node)) {
      post_digest(c, *community);
      Deadline next = d;
      next.due_ms = d.due_ms + 86'400'000;
      while (next.due_ms <= c.now) next.due_ms += 86'400'000;
      next.warn_ms = 0;
      next.created_ms = c.now;
      c.tx.add_deadline(next);
    }
    return;
  }
  auto t = c.tx.load_ticket(d.ticket_no);
  if (!t) {
    c.tx.set_deadline_state(d.id, DeadlineState::done, c.now);
    return;
  }
  const std::string no = std::to_string(t->no);
  if (d.clock == "satisfaction") {
    c.tx.set_deadline_state(d.id, DeadlineState::done, c.now);
    if (t->status != TicketStatus::resolved) return;
    c.tx.answer_satisfaction(t->no, "", "", "default", "", c.now);
    const TicketStatus from = t->status;
    t->status = TicketStatus::closed;
    t->updated_ms = c.now;
    c.tx.update_ticket(*t);
    auto e = c.event("closed", "默认满意");
    e.from_status = to_string(from);
    e.to_status = to_string(t->status);
    c.tx.add_event(t->no, e);
    return;
  }
  if (!is_open(t->status)) {
    c.tx.set_deadline_state(d.id, DeadlineState::done, c.now);
    return;
  }
  // Clocks follow the ticket: whoever holds it now is warned, and rises on a miss.
  const OrgNode* holder = k.tree->find(t->department.empty() ? t->owner_node : t->department);
  if (d.due_ms > c.now) {  // the warning
    c.tx.set_deadline_state(d.id, DeadlineState::warned, c.now);
    if (holder == nullptr) return;
    for (const auto& g : holder->groups) {
      auto [who, ids] = c.heads_of(*holder, g.channel);
      post(c, g,
           c.render("deadline.warn", {{"no", no},
                                      {"clock", c.label("clock", d.clock)},
                                      {"due", local_time_text(d.due_ms, config_.utc_offset_ms)},
                                      {"category", c.label("category", t->category)},
                                      {"mentions", who}}),
           ids, priority::kRoutine,
           "warn:" + std::to_string(d.id) + ":" + g.channel + ":" + g.chat_id);
    }
    return;
  }
  // The miss: the ticket rises one level, marked 督办, and the next head is @-mentioned.
  c.tx.set_deadline_state(d.id, DeadlineState::missed, c.now);
  c.tx.add_event(t->no, c.event("missed", d.clock + "@" + d.node));
  const OrgNode* from = holder;
  const OrgNode* up = nullptr;
  if (from != nullptr) {
    if (from->level == Level::department)
      up = k.tree->find(t->owner_node);
    else if (const OrgNode* p = k.tree->find(from->parent); p && p->level != Level::department)
      up = p;
  }
  t->supervised = true;
  t->updated_ms = c.now;
  const std::string why = c.render(
      "why.missed", {{"node", from ? from->name : d.node}, {"clock", c.label("clock", d.clock)}});
  if (up == nullptr || up == from) {
    // Already at the top: keep pressing the street office, once per miss.
    c.tx.update_ticket(*t);
    if (from == nullptr) return;
    for (const auto& g : from->groups) {
      auto [who, ids] = c.heads_of(*from, g.channel);
      post(c, g,
           c.render("deadline.missed_top",
                    {{"no", no}, {"clock", c.label("clock", d.clock)}, {"mentions", who}}),
           ids, priority::kNotice,
           "missed:" + std::to_string(d.id) + ":" + g.channel + ":" + g.chat_id);
    }
    return;
  }
  const TicketStatus before = t->status;
  t->status = TicketStatus::escalated;
  if (d.clock == "resolve") {
    // The resolve clock starts over at the new level.
    c.tx.stop_deadlines(t->no, "resolve");
    c.tx.add_deadline(clock_row(t->no, "resolve", up->id, c.now, resolve_limit_ms(*t)));
  }
  hand_over(c, *t, *up, why);
  c.tx.update_ticket(*t);
  auto e = c.event("escalated", why);
  e.from_status = to_string(before);
  e.to_status = to_string(t->status);
  c.tx.add_event(t->no, e);
}

void TicketService::schedule_digests(store::WriteTx& tx, int64_t now_ms) {
  const auto k = knowledge();
  const int64_t day = local_day_start(now_ms, config_.utc_offset_ms);
  int64_t due = day + config_.digest_minute * 60'000LL;
  if (due <= now_ms) due += 86'400'000;
  for (const auto& n : k->tree->nodes()) {
    if (n.level != Level::community || n.groups.empty()) continue;
    if (tx.has_live_deadline(0, "digest", n.id)) continue;
    Deadline d;
    d.clock = "digest";
    d.node = n.id;
    d.due_ms = due;
    d.created_ms = now_ms;
    tx.add_deadline(d);
  }
}

void TicketService::post_digest(Context& c, const OrgNode& community) {
  const int64_t from = local_day_start(c.now - 1, config_.utc_offset_ms);
  const auto facts = c.tx.ticket_facts(community.id, from, c.now, false);
  const auto stats = compute_stats(facts);
  const std::string text = stats_text(c, community, c.label("period", "today"), stats);
  for (const auto& g : community.groups)
    post(c, g, c.render("digest", {{"summary", text}}), {}, priority::kRoutine,
         "digest:" + community.id + ":" + std::to_string(from) + ":" + g.channel + ":" + g.chat_id);
}

}  // namespace gridbot::core
