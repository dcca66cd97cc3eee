// Reports → tickets: classify, merge duplicates, open a ticket, acknowledge, relay up the chain.
#include "bot/tickets/text.hpp"
#include "bot/tickets/workflows.hpp"
#include "rules/classifier.hpp"

#include <algorithm>

namespace gridbot::tickets {
namespace {

std::string origin_path(const OrgTree& tree, const OrgNode& node) {
  auto up = tree.ancestors(node);
  std::string path = "/";
  for (auto it = up.rbegin(); it != up.rend(); ++it) path += (*it)->id + "/";
  return path + node.id + "/";
}

int64_t window_of(const Work& w) { return w.now / std::max<int64_t>(1, w.cfg.repeat_reply_ms); }

// The ticket a classified report would open, before the store numbers it.
Ticket draft(const Work& w, const knowledge::Analysis& a, const std::string& text,
             const rules::Classification& cls) {
  Ticket t;
  t.text = text;
  t.category = cls.category;
  t.tier = parse_tier(cls.tier).value_or(Tier::small);
  // An emergency is never the resident's own matter.
  if (cls.urgent && t.tier == Tier::private_) t.tier = Tier::small;
  t.urgent = cls.urgent;
  t.leader_marked = t.tier == Tier::hard;
  t.building = cls.location.building;
  t.unit = cls.location.unit;
  t.room = cls.location.room;
  if (t.building.empty()) {
    // No building in the text: the group's own building.
    t.building = a.own_building.empty() ? w.node->name : a.own_building;
  }
  // Same building group and category; units only keep two reports apart when both name one.
  t.merge_key = w.node->id + "|" + t.category;
  return t;
}

// A report joining an open ticket of the same building and category.
std::string merge(Work& w, Ticket& open, const std::string& text, const Reporter& reporter,
                  int prio) {
  const bool added = w.tickets.add_reporter(open.no, reporter);
  if (added) w.record(open.no, w.event("merged", text));
  if (!added) w.tickets.touch_reporter(open.no, reporter.channel, reporter.user_id, w.now);
  attach_media(w, open.no);
  const auto count = std::to_string(w.tickets.reporter_count(open.no));
  // A reporter who says it again is answered at most once per repeat_reply window: the outbox
  // keeps one row per key, so a resident repeating (or flooding) the group does not make the bot
  // repeat itself.
  const std::string key =
      added ? delivery::keys::answer("ack", w.m.channel, w.m.chat_id, w.m.msg_id)
            : delivery::keys::ack_again(open.no, w.m.channel, w.m.sender_id, window_of(w));
  w.post({w.m.channel, w.m.chat_id},
         w.render(
             added ? "ticket.merged" : "ticket.merged_again",
             {{"mentions", w.sender_mention()}, {"no", std::to_string(open.no)}, {"count", count}}),
         {w.sender()}, prio, key);
  return "merged";
}

// The acknowledgement of a new ticket in the resident's group.
void acknowledge(Work& w, const Ticket& t, int prio) {
  const auto& k = *w.k;
  Vars vars{{"mentions", w.sender_mention()},
            {"no", std::to_string(t.no)},
            {"category", w.label("category", t.category)},
            {"owner", owner_name(k, t)}};
  std::vector<Mention> mentions{w.sender()};
  std::string name = "ticket.ack";
  if (t.tier == Tier::private_) {
    name = "ticket.private";
    const auto heads = w.heads_of(*w.node, w.m.channel);
    vars["head"] = mention_text(heads);
    mentions.insert(mentions.end(), heads.begin(), heads.end());
  } else if (t.urgent) {
    // Name the department only when one was told: no department owns this category here.
    const OrgNode* d = t.department.empty() ? nullptr : k.tree->find(t.department);
    name = d != nullptr ? "ticket.ack_urgent" : "ticket.ack_urgent_grid";
    if (d != nullptr) vars["department"] = d->name;
  }
  w.post({w.m.channel, w.m.chat_id}, w.render(name, vars), mentions, prio,
         delivery::keys::answer("ack", w.m.channel, w.m.chat_id, w.m.msg_id));
}

// Opens the ticket: owner by tier, department when it is big or urgent, clocks, ack, relay.
std::string open_ticket(Work& w, Ticket t, const Reporter& reporter, int prio) {
  const auto& k = *w.k;
  const OrgNode* owner = owner_for(*k.tree, *w.node, t.tier);
  t.owner_node = owner->id;
  t.owner_level = to_string(owner->level);
  if (t.tier == Tier::big || t.tier == Tier::hard || t.urgent)
    if (const OrgNode* d = department_for(*k.tree, t.category)) t.department = d->id;
  t.origin_node = w.node->id;
  t.origin_channel = w.m.channel;
  t.origin_chat = w.m.chat_id;
  t.origin_msg_id = w.m.msg_id;
  t.origin_path = origin_path(*k.tree, *w.node);
  t.created_ms = t.updated_ms = w.now;
  t.reporters = {reporter};
  t.no = w.tickets.create_ticket(t);
  auto created = w.event("created", t.category + "/" + to_string(t.tier) +
                                        (t.urgent ? "/urgent" : "") + " → " + t.owner_node);
  created.to_status = to_string(t.status);
  w.record(t.no, created);
  start_clocks(w, t, true);
  attach_media(w, t.no);
  acknowledge(w, t, prio);
  relay_up(w, t);
  return "ticket";
}

}  // namespace

std::string on_report(Work& w, const knowledge::Analysis& a, Ask ask) {
  const std::string& text = a.words;
  auto cls = a.cls;
  const bool explicit_report = ask != Ask::silent;
  if (!cls.is_report) {
    if (!explicit_report) return "ignored";  // chatter is never answered
    if (ask == Ask::mentioned && cls.confident) {
      // Spoken to, but plainly not a report (thanks, a greeting, a question about a notice): no
      // ticket, a hint how to report, at most once per repeat_reply window per resident.
      w.answer("report.not_a_report", {},
               delivery::keys::hint(w.m.channel, w.m.chat_id, w.m.sender_id, window_of(w)));
      return "hinted";
    }
    cls.category = "other";  // 报事, or @bot with words no rule knows, is a report all the same
    cls.tier = "small";
  }
  if (!cls.confident && !explicit_report) return "uncertain";  // stored for review, not ticketed

  Ticket t = draft(w, a, text, cls);
  const Reporter reporter{w.m.channel, w.m.sender_id, w.sender().name, w.m.chat_id, w.now};
  const int prio = t.urgent ? priority::kUrgent : priority::kRoutine;
  if (auto open = w.tickets.find_open_ticket(t.merge_key, t.unit, w.now - w.cfg.merge_window_ms))
    return merge(w, *open, text, reporter, prio);
  return open_ticket(w, std::move(t), reporter, prio);
}

}  // namespace gridbot::tickets
