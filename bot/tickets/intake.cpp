// Reports → tickets: classify, merge duplicates, open a ticket, acknowledge, relay up the chain.
#include "bot/core/ticket_context.hpp"
#include "bot/core/ticket_text.hpp"
#include "bot/model/outbox_item.hpp"
#include "rules/classifier.hpp"

#include <algorithm>

namespace gridbot::core {
namespace {

std::string origin_path(const OrgTree& tree, const OrgNode& node) {
  auto up = tree.ancestors(node);
  std::string path = "/";
  for (auto it = up.rbegin(); it != up.rend(); ++it) path += (*it)->id + "/";
  return path + node.id + "/";
}

}  // namespace

std::string TicketService::on_report(Context& c, Ask ask) {
  const auto& k = *c.k;
  const std::string text = k.grammar->strip_prefix(c.m.text);
  auto cls = rules::classify(*k.rules, text);
  const bool explicit_report = ask != Ask::silent;
  if (!cls.is_report) {
    if (!explicit_report) return "ignored";  // chatter is never answered
    if (ask == Ask::mentioned && cls.confident) {
      // Spoken to, but plainly not a report (thanks, a greeting, a question about a notice): no
      // ticket, a hint how to report, at most once per repeat_reply window per resident.
      post(c, {c.m.channel, c.m.chat_id},
           c.render("report.not_a_report", {{"mentions", c.sender_mention()}}), {c.m.sender_id},
           priority::kRoutine,
           "hint:" + c.m.channel + ":" + c.m.chat_id + ":" + c.m.sender_id + ":" +
               std::to_string(c.now / std::max<int64_t>(1, config_.repeat_reply_ms)));
      return "hinted";
    }
    cls.category = "other";  // 报事, or @bot with words no rule knows, is a report all the same
    cls.tier = "small";
  }
  if (!cls.confident && !explicit_report) return "uncertain";   // stored for review, not ticketed
  if (cls.urgent && cls.tier == "private") cls.tier = "small";  // an emergency is never private

  Ticket t;
  t.text = text;
  t.category = cls.category;
  t.tier = cls.tier;
  t.urgent = cls.urgent;
  t.leader_marked = cls.tier == "hard";
  t.building = cls.location.building;
  t.unit = cls.location.unit;
  t.room = cls.location.room;
  if (t.building.empty()) {
    // No building in the text: the group's own building.
    auto own = rules::classify(*k.rules, c.node->name).location.building;
    t.building = own.empty() ? c.node->name : own;
  }
  // Same building group and category; units only keep two reports apart when both name one.
  t.merge_key = c.node->id + "|" + t.category;
  const Reporter reporter{c.m.channel, c.m.sender_id, c.m.sender_name, c.m.chat_id, c.now};
  const std::string ack_key = "ack:" + c.m.channel + ":" + c.m.chat_id + ":" + c.m.msg_id;
  const int prio = t.urgent ? priority::kUrgent : priority::kRoutine;

  if (auto open = c.tx.find_open_ticket(t.merge_key, t.unit, c.now - config_.merge_window_ms)) {
    const bool added = c.tx.add_reporter(open->no, reporter);
    if (added) c.tx.add_event(open->no, c.event("merged", text));
    const auto count = std::to_string(open->reporters.size() + (added ? 1 : 0));
    // A reporter who says it again is answered at most once per repeat_reply window: the
    // outbox keeps one row per key, so a resident repeating (or flooding) the group does not
    // make the bot repeat itself.
    const std::string key =
        added ? ack_key
              : "ack-again:" + std::to_string(open->no) + ":" + c.m.channel + ":" + c.m.sender_id +
                    ":" + std::to_string(c.now / std::max<int64_t>(1, config_.repeat_reply_ms));
    post(
        c, {c.m.channel, c.m.chat_id},
        c.render(
            added ? "ticket.merged" : "ticket.merged_again",
            {{"mentions", c.sender_mention()}, {"no", std::to_string(open->no)}, {"count", count}}),
        {c.m.sender_id}, prio, key);
    return "merged";
  }

  const OrgNode* owner = owner_for(*k.tree, *c.node, t.tier);
  t.owner_node = owner->id;
  t.owner_level = to_string(owner->level);
  if (t.tier == "big" || t.tier == "hard" || t.urgent)
    if (const OrgNode* d = department_for(*k.tree, t.category)) t.department = d->id;
  t.origin_node = c.node->id;
  t.origin_channel = c.m.channel;
  t.origin_chat = c.m.chat_id;
  t.origin_msg_id = c.m.msg_id;
  t.origin_path = origin_path(*k.tree, *c.node);
  t.created_ms = t.updated_ms = c.now;
  t.reporters = {reporter};
  t.no = c.tx.create_ticket(t);
  auto created = c.event(
      "created", t.category + "/" + t.tier + (t.urgent ? "/urgent" : "") + " → " + t.owner_node);
  created.to_status = to_string(t.status);
  c.tx.add_event(t.no, created);
  start_clocks(c, t, true);

  std::map<std::string, std::string> vars{{"mentions", c.sender_mention()},
                                          {"no", std::to_string(t.no)},
                                          {"category", c.label("category", t.category)},
                                          {"owner", owner_name(k, t)}};
  std::vector<std::string> mentions{c.m.sender_id};
  std::string name = "ticket.ack";
  if (t.tier == "private") {
    name = "ticket.private";
    std::string heads;
    for (const Head* h : heads_to_mention(*c.node, c.m.channel)) {
      heads += "@" + (h->name.empty() ? h->user_id : h->name) + " ";
      mentions.push_back(h->user_id);
    }
    vars["head"] = heads;
  } else if (t.urgent) {
    // Name the department only when one was told: no department owns this category here.
    const OrgNode* d = t.department.empty() ? nullptr : k.tree->find(t.department);
    name = d != nullptr ? "ticket.ack_urgent" : "ticket.ack_urgent_grid";
    if (d != nullptr) vars["department"] = d->name;
  }
  post(c, {c.m.channel, c.m.chat_id}, c.render(name, vars), mentions, prio, ack_key);
  relay_up(c, t);
  return "ticket";
}

void TicketService::relay_up(Context& c, const Ticket& t) {
  const auto& k = *c.k;
  std::vector<const OrgNode*> targets;
  if (t.owner_node != c.node->id)
    for (const OrgNode* n : k.tree->ancestors(*c.node)) {
      targets.push_back(n);
      if (n->id == t.owner_node) break;
    }
  if (!t.department.empty())
    if (const OrgNode* d = k.tree->find(t.department)) targets.push_back(d);
  if (targets.empty()) return;

  const int prio = t.urgent ? priority::kUrgent : priority::kRoutine;
  const std::string masked = quote_up(t.text);
  const std::string location = location_text(t);
  std::string relayed;
  for (const OrgNode* n : targets) {
    for (const auto& g : n->groups) {
      std::vector<std::pair<std::string, std::string>> who;
      std::vector<std::string> ids;
      auto heads = heads_to_mention(*n, g.channel);
      if (t.urgent && n->level == Level::grid)  // the property head hears an emergency at once
        for (const auto& h : n->heads)
          if (h.role == Role::property_head && h.channel == g.channel) heads.push_back(&h);
      for (const Head* h : heads) {
        who.emplace_back(h->user_id, h->name);
        ids.push_back(h->user_id);
      }
      const std::string text =
          c.render("ticket.relay", {{"urgent", t.urgent ? c.label("mark", "urgent") : ""},
                                    {"leader", t.leader_marked ? c.label("mark", "leader") : ""},
                                    {"no", std::to_string(t.no)},
                                    {"category", c.label("category", t.category)},
                                    {"tier", c.label("tier", t.tier)},
                                    {"origin", c.node->name},
                                    {"location", location.empty() ? c.node->name : location},
                                    {"text", masked},
                                    {"count", std::to_string(t.reporters.size())},
                                    {"mentions", mention_text(who)}});
      post(c, g, text, ids, prio,
           "relay:" + std::to_string(t.no) + ":" + n->id + ":" + g.channel + ":" + g.chat_id);
    }
    relayed += (relayed.empty() ? "" : ",") + n->id;
  }
  c.tx.add_event(t.no, TicketEvent{0, c.now, "gridbot", "", "relayed", relayed, "", ""});
}

}  // namespace gridbot::core
