// Heads' commands on tickets: 受理 #N and 办结 #N <说明> (issue 4). Each is checked against the
// speaker's role and place in the tree; a refusal is answered with why and changes nothing.
#include "bot/core/ticket_context.hpp"
#include "bot/core/ticket_text.hpp"

namespace gridbot::core {
namespace {

// The ticket is the node's to act on: it owns it, sits above its owner, or is its department.
bool in_scope(const OrgTree& tree, const OrgNode& node, const Ticket& t) {
  if (node.id == t.owner_node || node.id == t.department) return true;
  const OrgNode* owner = tree.find(t.owner_node);
  if (owner == nullptr) return false;
  for (const OrgNode* up : tree.ancestors(*owner))
    if (up->id == node.id) return true;
  return false;
}

}  // namespace

std::string TicketService::on_command(Context& c, const ParsedCommand& cmd) {
  const auto& k = *c.k;
  const std::string no = std::to_string(cmd.ticket_no);
  const GroupRef here{c.m.channel, c.m.chat_id};
  const std::string key = "cmd:" + c.m.channel + ":" + c.m.chat_id + ":" + c.m.msg_id;
  std::map<std::string, std::string> vars{{"mentions", c.sender_mention()},
                                          {"no", no},
                                          {"word", cmd.word},
                                          {"action", c.label("action", cmd.name)}};
  auto refuse = [&](const std::string& why, const std::optional<Ticket>& t) {
    post(c, here, c.render("command.refused." + why, vars), {c.m.sender_id}, priority::kRoutine, key);
    if (t) c.tx.add_event(t->no, c.event("refused", cmd.word + ": " + why));
    return std::string("refused");
  };

  auto t = c.tx.load_ticket(cmd.ticket_no);
  if (!t) return refuse("unknown", std::nullopt);
  vars["owner"] = owner_name(k, *t);
  vars["status"] = c.label("status", to_string(t->status));
  const Head* speaker = head_of(*c.node, c.m.channel, c.m.sender_id);
  if (speaker == nullptr) return refuse("not_head", t);
  if (!in_scope(*k.tree, *c.node, *t)) return refuse("out_of_scope", t);
  if (!is_open(t->status)) return refuse("closed", t);

  const TicketStatus from = t->status;
  if (cmd.name == "accept") {
    if (from == TicketStatus::accepted) return refuse("already", t);
    t->status = TicketStatus::accepted;
    t->accepted_ms = c.now;
  } else if (cmd.name == "resolve") {
    if (cmd.note.empty()) return refuse("need_note", t);
    t->status = TicketStatus::resolved;
    t->resolved_ms = c.now;
  } else {
    return "ignored";  // a command word this version does not act on
  }
  t->updated_ms = c.now;
  c.tx.update_ticket(*t);
  auto e = c.event(cmd.name == "accept" ? "accepted" : "resolved", cmd.note);
  e.from_status = to_string(from);
  e.to_status = to_string(t->status);
  c.tx.add_event(t->no, e);

  tell_reporters(c, *t, "ticket.status." + std::string(to_string(t->status)), cmd.note,
                 "status:" + no + ":" + to_string(t->status) + ":" + std::to_string(c.row_id));
  vars["count"] = std::to_string(t->reporters.size());
  post(c, here, c.render("command.done." + cmd.name, vars), {c.m.sender_id}, priority::kRoutine, key);
  return "command";
}

void TicketService::tell_reporters(Context& c, const Ticket& t, const std::string& template_name,
                                   const std::string& note, const std::string& key) {
  const Head* speaker = head_of(*c.node, c.m.channel, c.m.sender_id);
  const std::string actor =
      speaker ? std::string(role_label(speaker->role)) + (speaker->name.empty() ? c.m.sender_name : speaker->name)
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
                                                      {"note", note}});
    post(c, {group.first, group.second}, text, ids,
         t.urgent ? priority::kUrgent : priority::kRoutine, key + ":" + group.first + ":" + group.second);
  }
}

}  // namespace gridbot::core
