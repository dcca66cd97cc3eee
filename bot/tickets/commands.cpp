// Heads' commands that change a ticket: 受理 转办 上报 退回 办结 督办 (issues 4 and 6). Each is
// checked against the speaker's role and place in the tree; a refusal is answered with why, is
// recorded in the ticket's history, and changes nothing else.
#include "bot/core/ticket_context.hpp"
#include "bot/core/ticket_text.hpp"

#include <algorithm>

namespace gridbot::core {
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

}  // namespace

std::string TicketService::on_command(Context& c, const ParsedCommand& cmd) {
  if (cmd.name == "satisfied" || cmd.name == "unsatisfied") return on_answer(c, cmd);
  if (cmd.name == "progress" || cmd.name == "todo" || cmd.name == "stats" || cmd.name == "help")
    return on_query(c, cmd);
  if (cmd.name == "notice") return on_notice(c, cmd);

  const auto& k = *c.k;
  const std::string no = std::to_string(cmd.ticket_no);
  const GroupRef here{c.m.channel, c.m.chat_id};
  const std::string key = "cmd:" + c.m.channel + ":" + c.m.chat_id + ":" + c.m.msg_id;
  std::map<std::string, std::string> vars{{"mentions", c.sender_mention()},
                                          {"no", no},
                                          {"word", cmd.word},
                                          {"action", c.label("action", cmd.name)}};
  auto refuse = [&](const std::string& why, const std::optional<Ticket>& t) {
    post(c, here, c.render("command.refused." + why, vars), {c.m.sender_id}, priority::kRoutine,
         key);
    if (t) c.tx.add_event(t->no, c.event("refused", cmd.word + ": " + why));
    return std::string("refused");
  };

  auto t = c.tx.load_ticket(cmd.ticket_no);
  if (!t) return refuse("unknown", std::nullopt);
  vars["owner"] = owner_name(k, *t);
  vars["status"] = c.label("status", to_string(t->status));
  const Head* speaker = head_of(*c.node, c.m.channel, c.m.sender_id);
  if (speaker == nullptr) return refuse("not_head", t);
  if (cmd.name == "supervise") {
    // 督办 comes from above: a node strictly higher than the holder.
    if (!is_above(*k.tree, *c.node, t->department.empty() ? t->owner_node : t->department) &&
        !is_above(*k.tree, *c.node, t->owner_node))
      return refuse("not_above", t);
  } else if (!in_scope(*k.tree, *c.node, *t)) {
    return refuse("out_of_scope", t);
  }
  if (!is_open(t->status)) return refuse("closed", t);

  const TicketStatus from = t->status;
  std::string kind = cmd.name;
  if (cmd.name == "accept") {
    if (from == TicketStatus::accepted) return refuse("already", t);
    t->status = TicketStatus::accepted;
    t->accepted_ms = c.now;
    c.tx.stop_deadlines(t->no, "accept");
    if (t->tier != "private")
      c.tx.add_deadline(clock_row(t->no, "update",
                                  t->department.empty() ? t->owner_node : t->department, c.now,
                                  config_.update_ms));
    kind = "accepted";
  } else if (cmd.name == "resolve") {
    if (cmd.note.empty()) return refuse("need_note", t);
    t->status = TicketStatus::resolved;
    t->resolved_ms = c.now;
    c.tx.stop_deadlines(t->no, "");
    // The return visit: every reporter is asked, and silence closes it as 默认满意 later.
    for (const auto& r : t->reporters)
      c.tx.ask_satisfaction({t->no, r.channel, r.user_id, c.now, "", 0});
    auto s = clock_row(t->no, "satisfaction", t->owner_node, c.now, config_.satisfaction_ms);
    s.warn_ms = 0;
    c.tx.add_deadline(s);
    kind = "resolved";
  } else if (cmd.name == "supervise") {
    t->supervised = true;
    kind = "supervised";
  } else {
    const std::string state = on_move(c, cmd, *t);
    if (!state.empty()) return refuse(state, t);
    kind = to_string(t->status);
  }
  if (from == TicketStatus::accepted && cmd.name != "accept" && cmd.name != "supervise")
    c.tx.stop_deadlines(t->no, "update");  // the first update after 受理 has come
  t->updated_ms = c.now;
  c.tx.update_ticket(*t);
  auto e = c.event(kind, cmd.note);
  e.from_status = to_string(from);
  e.to_status = to_string(t->status);
  c.tx.add_event(t->no, e);

  const std::string status_key = "status:" + no + ":" + kind + ":" + std::to_string(c.row_id);
  if (cmd.name == "supervise") {
    // Ping the holder, not the residents.
    const OrgNode* holder = k.tree->find(t->department.empty() ? t->owner_node : t->department);
    if (holder != nullptr)
      for (const auto& g : holder->groups) {
        auto [who, ids] = c.heads_of(*holder, g.channel);
        post(c, g,
             c.render("ticket.supervised", {{"no", no},
                                            {"by", c.node->name},
                                            {"note", cmd.note},
                                            {"category", c.label("category", t->category)},
                                            {"mentions", who}}),
             ids, priority::kNotice, status_key + ":" + g.channel + ":" + g.chat_id);
      }
  } else {
    tell_reporters(c, *t, "ticket.status." + kind, cmd.note, status_key);
  }
  vars["count"] = std::to_string(t->reporters.size());
  vars["owner"] = owner_name(k, *t);
  post(c, here, c.render("command.done." + cmd.name, vars), {c.m.sender_id}, priority::kRoutine,
       key);
  return "command";
}

// 转办 上报 退回: the ticket changes hands. Returns a refusal reason, or "" when done.
std::string TicketService::on_move(Context& c, const ParsedCommand& cmd, Ticket& t) {
  const auto& k = *c.k;
  if (cmd.name == "escalate") {
    const OrgNode* owner = k.tree->find(t.owner_node);
    const OrgNode* up = owner ? k.tree->find(owner->parent) : nullptr;
    if (up == nullptr || up->level == Level::department) return "at_top";
    t.status = TicketStatus::escalated;
    hand_over(c, t, *up, cmd.note.empty() ? c.node->name + "上报" : cmd.note);
    return {};
  }
  if (cmd.name == "return") {
    if (cmd.note.empty()) return "need_note";
    const OrgNode* down = one_down(*k.tree, t);
    if (down == nullptr) return "at_bottom";
    t.status = TicketStatus::returned;
    if (down->level == Level::building) t.tier = "private";  // back to the resident: 属私事
    hand_over(c, t, *down, cmd.note);
    return {};
  }
  if (cmd.name == "transfer") {
    // 转办 #N <物业|供电|供水|…> [说明]
    const auto space = cmd.note.find(' ');
    const std::string target = cmd.note.substr(0, space);
    const std::string note = space == std::string::npos ? "" : cmd.note.substr(space + 1);
    if (target.empty()) return "need_target";
    if (target == "物业") {
      // The property head of the grid the ticket came from; told in that grid's group.
      const OrgNode* origin = k.tree->find(t.origin_node);
      for (const OrgNode* n : origin ? k.tree->ancestors(*origin) : std::vector<const OrgNode*>{})
        for (const auto& h : n->heads)
          if (h.role == Role::property_head) {
            t.status = TicketStatus::transferred;
            t.assignee = h.channel + ":" + h.user_id;
            for (const auto& g : n->groups) {
              if (g.channel != h.channel) continue;
              post(c, g,
                   c.render("ticket.to_property",
                            {{"no", std::to_string(t.no)},
                             {"mentions", "@" + (h.name.empty() ? h.user_id : h.name)},
                             {"category", c.label("category", t.category)},
                             {"text", quote_up(t.text)},
                             {"note", note}}),
                   {h.user_id}, t.urgent ? priority::kUrgent : priority::kRoutine,
                   "transfer:" + std::to_string(t.no) + ":" + std::to_string(c.row_id) + ":" +
                       g.chat_id);
            }
            return {};
          }
      return "no_target";
    }
    for (const auto& n : k.tree->nodes())
      if (n.level == Level::department &&
          (n.dept == target || n.name == target || n.id == target)) {
        t.status = TicketStatus::transferred;
        hand_over(c, t, n, note.empty() ? c.node->name + "转办" : note);
        return {};
      }
    return "no_target";
  }
  return "unknown_command";
}

void TicketService::tell_reporters(Context& c, const Ticket& t, const std::string& template_name,
                                   const std::string& note, const std::string& key) {
  const Head* speaker = c.node ? head_of(*c.node, c.m.channel, c.m.sender_id) : nullptr;
  const std::string actor = speaker ? std::string(role_label(speaker->role)) +
                                          (speaker->name.empty() ? c.m.sender_name : speaker->name)
                                    : c.m.sender_name;
  // One message per group the reporters wrote from, @-mentioning each of them there.
  std::map<std::pair<std::string, std::string>, std::vector<const Reporter*>> by_group;
  for (const auto& r : t.reporters) by_group[{r.channel, r.chat_id}].push_back(&r);
  for (const auto& [group, reporters] : by_group) {
    std::vector<std::pair<std::string, std::string>> who;
    std::vector<std::string> ids;
    for (const Reporter* r : reporters) {
      who.emplace_back(r->user_id, r->name);
      ids.push_back(r->user_id);
    }
    const std::string text = c.render(template_name, {{"mentions", mention_text(who)},
                                                      {"no", std::to_string(t.no)},
                                                      {"category", c.label("category", t.category)},
                                                      {"actor", actor},
                                                      {"owner", owner_name(*c.k, t)},
                                                      {"note", note}});
    post(c, {group.first, group.second}, text, ids,
         t.urgent ? priority::kUrgent : priority::kRoutine,
         key + ":" + group.first + ":" + group.second);
  }
}

}  // namespace gridbot::core
