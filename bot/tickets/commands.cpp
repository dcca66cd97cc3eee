// Heads' commands that change a ticket: 受理 转办 上报 退回 办结 督办. Each is checked against the
// speaker's role and place in the tree; a refusal is answered with why, is recorded in the
// ticket's history, and changes nothing else.
#include "bot/tickets/text.hpp"
#include "bot/tickets/workflows.hpp"

namespace gridbot::tickets {
namespace {

bool is_above(const OrgTree& tree, const OrgNode& node, const std::string& below_id) {
  const OrgNode* below = tree.find(below_id);
  if (below == nullptr) return false;
  for (const OrgNode* up : tree.ancestors(*below))
    if (up->id == node.id) return true;
  return false;
}

// The ticket is the node's to act on: it owns it, sits above its owner, or is its department.
bool in_scope(const OrgTree& tree, const OrgNode& node, const Ticket& t) {
  return node.id == t.owner_node || node.id == t.department || is_above(tree, node, t.owner_node);
}

// The child of `owner` on the way down to the ticket's origin, from the origin path.
const OrgNode* one_down(const OrgTree& tree, const Ticket& t) {
  const std::string& path = t.origin_path;
  const std::string mark = "/" + t.owner_node + "/";
  const auto at = path.find(mark);
  if (at == std::string::npos) return nullptr;
  const auto start = at + mark.size();
  const auto end = path.find('/', start);
  if (end == std::string::npos || end == start) return nullptr;
  return tree.find(path.substr(start, end - start));
}

// 转办 #N 物业 [说明]: the property head of a grid the ticket came from, told in that grid's group.
std::string to_property(Work& w, Ticket& t, const std::string& note) {
  const OrgNode* origin = w.k->tree->find(t.origin_node);
  for (const OrgNode* n : origin ? w.k->tree->ancestors(*origin) : std::vector<const OrgNode*>{})
    for (const auto& h : n->heads) {
      if (h.role != Role::property_head) continue;
      t.status = TicketStatus::transferred;
      t.assignee = h.channel + ":" + h.user_id;
      for (const auto& g : n->groups) {
        if (g.channel != h.channel) continue;
        w.post(g,
               w.render("ticket.to_property", {{"no", std::to_string(t.no)},
                                               {"mentions", mention_text({{h.user_id, h.name}})},
                                               {"category", w.label("category", t.category)},
                                               {"text", quote_up(t.text)},
                                               {"note", note}}),
               {{h.user_id, h.name}}, t.urgent ? priority::kUrgent : priority::kRoutine,
               delivery::keys::transfer(t.no, w.row_id, g.chat_id));
      }
      return {};
    }
  return "no_target";
}

// 转办 上报 退回: the ticket changes hands. Returns a refusal reason, or "" when done.
std::string move(Work& w, const ParsedCommand& cmd, Ticket& t) {
  const auto& k = *w.k;
  if (cmd.name == "escalate") {
    const OrgNode* owner = k.tree->find(t.owner_node);
    const OrgNode* up = owner ? k.tree->find(owner->parent) : nullptr;
    if (up == nullptr || up->level == Level::department) return "at_top";
    t.status = TicketStatus::escalated;
    hand_over(w, t, *up,
              cmd.note.empty() ? w.render("why.escalated", {{"node", w.node->name}}) : cmd.note);
    return {};
  }
  if (cmd.name == "return") {
    if (cmd.note.empty()) return "need_note";
    const OrgNode* down = one_down(*k.tree, t);
    if (down == nullptr) return "at_bottom";
    t.status = TicketStatus::returned;
    if (down->level == Level::building) t.tier = Tier::private_;  // back to the resident: 属私事
    hand_over(w, t, *down, cmd.note);
    return {};
  }
  if (cmd.name != "transfer") return "unknown_command";
  // 转办 #N <物业|供电|供水|…> [说明]
  const auto space = cmd.note.find(' ');
  const std::string target = cmd.note.substr(0, space);
  const std::string note = space == std::string::npos ? "" : cmd.note.substr(space + 1);
  if (target.empty()) return "need_target";
  if (k.grammar->is_property_word(target)) return to_property(w, t, note);
  for (const OrgNode* d : k.tree->departments())
    if (const OrgNode& n = *d; n.dept == target || n.name == target || n.id == target) {
      t.status = TicketStatus::transferred;
      hand_over(w, t, n,
                note.empty() ? w.render("why.transferred", {{"node", w.node->name}}) : note);
      return {};
    }
  return "no_target";
}

// 受理 办结 督办 and the moves: the change itself. Returns the event kind, or "!" + a refusal.
std::string change(Work& w, const ParsedCommand& cmd, Ticket& t) {
  const TicketStatus from = t.status;
  if (cmd.name == "accept") {
    if (from == TicketStatus::accepted) return "!already";
    t.status = TicketStatus::accepted;
    t.accepted_ms = w.now;
    w.deadlines.stop_deadlines(t.no, DeadlineKind::accept);
    if (t.tier != Tier::private_)
      w.deadlines.add_deadline(clock_row(w.cfg, t.no, DeadlineKind::update,
                                         t.department.empty() ? t.owner_node : t.department, w.now,
                                         w.cfg.update_ms));
    return "accepted";
  }
  if (cmd.name == "resolve") {
    if (cmd.note.empty()) return "!need_note";
    t.status = TicketStatus::resolved;
    t.resolved_ms = w.now;
    w.deadlines.stop_deadlines(t.no, std::nullopt);
    // The return visit: every reporter is asked, and silence closes it as 默认满意 later.
    for (const auto& r : t.reporters)
      w.tickets.ask_satisfaction({t.no, r.channel, r.user_id, w.now, "", 0});
    auto s = clock_row(w.cfg, t.no, DeadlineKind::satisfaction, t.owner_node, w.now,
                       w.cfg.satisfaction_ms);
    s.warn_ms = 0;
    w.deadlines.add_deadline(s);
    return "resolved";
  }
  if (cmd.name == "supervise") {
    t.supervised = true;
    return "supervised";
  }
  const std::string refused = move(w, cmd, t);
  return refused.empty() ? std::string(to_string(t.status)) : "!" + refused;
}

// Why the speaker may not run `cmd` on `t`, or "" when they may.
std::string refusal(const Work& w, const ParsedCommand& cmd, const Ticket& t) {
  const auto& tree = *w.k->tree;
  if (w.speaker() == nullptr) return "not_head";
  if (cmd.name == "supervise") {
    // 督办 comes from above: a node strictly higher than the holder.
    if (!is_above(tree, *w.node, t.department.empty() ? t.owner_node : t.department) &&
        !is_above(tree, *w.node, t.owner_node))
      return "not_above";
  } else if (!in_scope(tree, *w.node, t)) {
    return "out_of_scope";
  }
  if (!is_open(t.status)) return "closed";
  return {};
}

}  // namespace

std::string on_command(Work& w, const ParsedCommand& cmd) {
  if (cmd.name == "satisfied" || cmd.name == "unsatisfied") return on_answer(w, cmd);
  if (cmd.name == "progress" || cmd.name == "todo" || cmd.name == "stats" || cmd.name == "help")
    return on_query(w, cmd);

  const std::string no = std::to_string(cmd.ticket_no);
  const std::string key = delivery::keys::answer("cmd", w.m.channel, w.m.chat_id, w.m.msg_id);
  Vars vars{{"no", no}, {"word", cmd.word}, {"action", w.label("action", cmd.name)}};
  auto refuse = [&](const std::string& why, const std::optional<Ticket>& t) {
    w.answer("command.refused." + why, vars, key);
    if (t) w.record(t->no, w.event("refused", cmd.word + ": " + why));
    return std::string("refused");
  };

  auto t = w.tickets.load_ticket(cmd.ticket_no);
  if (!t) return refuse("unknown", std::nullopt);
  vars["owner"] = owner_name(*w.k, *t);
  vars["status"] = w.label("status", to_string(t->status));
  if (const std::string why = refusal(w, cmd, *t); !why.empty()) return refuse(why, t);

  const TicketStatus from = t->status;
  const std::string kind = change(w, cmd, *t);
  if (kind[0] == '!') return refuse(kind.substr(1), t);
  if (from == TicketStatus::accepted && cmd.name != "accept" && cmd.name != "supervise")
    w.deadlines.stop_deadlines(t->no,
                               DeadlineKind::update);  // the first update after 受理 has come
  t->updated_ms = w.now;
  w.tickets.update_ticket(*t);
  auto e = w.event(kind, cmd.note);
  e.from_status = to_string(from);
  e.to_status = to_string(t->status);
  w.record(t->no, e);

  const std::string status_key = delivery::keys::status(t->no, kind, w.row_id);
  if (cmd.name == "supervise") {
    // Ping the holder, not the residents.
    if (const OrgNode* holder = holder_of(*w.k, *t))
      tell_heads(w, *holder, "ticket.supervised",
                 {{"no", no},
                  {"by", w.node->name},
                  {"note", cmd.note},
                  {"category", w.label("category", t->category)}},
                 priority::kNotice, status_key);
  } else {
    tell_reporters(w, *t, "ticket.status." + kind, cmd.note, status_key);
  }
  vars["count"] = std::to_string(t->reporters.size());
  vars["owner"] = owner_name(*w.k, *t);
  w.answer("command.done." + cmd.name, vars, key);
  return "command";
}

}  // namespace gridbot::tickets
