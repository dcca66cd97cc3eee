// Commands that ask: 进度 (anyone on the ticket's path, or a reporter), 待办 and 统计 (heads),
// 帮助.
#include "base/common/calendar.hpp"
#include "bot/tickets/stats.hpp"
#include "bot/tickets/workflows.hpp"

namespace gridbot::tickets {
namespace {

bool is_reporter(const Ticket& t, const InboundMessage& m) {
  for (const auto& r : t.reporters)
    if (r.channel == m.channel && r.user_id == m.sender_id) return true;
  return false;
}

std::string when(const Work& w, int64_t ms) { return local_time_text(ms, w.cfg.utc_offset_ms); }

// 进度 [#N]: a bare 进度 is the speaker's own latest report (residents do not remember numbers).
std::string progress(Work& w, const ParsedCommand& cmd, Vars& vars) {
  const int64_t no =
      cmd.ticket_no != 0 ? cmd.ticket_no : w.tickets.latest_ticket_of(w.m.channel, w.m.sender_id);
  if (no == 0) return "progress.none";
  vars["no"] = std::to_string(no);
  auto t = w.tickets.load_ticket(no);
  if (!t) return "command.refused.unknown";
  // Anyone in the chain may ask: a group on the ticket's path, its department, or a reporter.
  const bool on_path = t->origin_path.find("/" + w.node->id + "/") != std::string::npos ||
                       w.node->id == t->department || w.node->id == t->owner_node;
  if (!on_path && !is_reporter(*t, w.m)) return "command.refused.not_in_chain";
  std::string history = w.label("status", to_string(t->status));
  if (t->accepted_ms > 0)
    history += w.render("progress.accepted_at", {{"at", when(w, t->accepted_ms)}});
  if (t->resolved_ms > 0)
    history += w.render("progress.resolved_at", {{"at", when(w, t->resolved_ms)}});
  vars["status"] = w.label("status", to_string(t->status));
  vars["category"] = w.label("category", t->category);
  vars["owner"] = owner_name(*w.k, *t);
  vars["created"] = when(w, t->created_ms);
  vars["count"] = std::to_string(t->reporters.size());
  vars["history"] = history;
  vars["supervised"] = t->supervised ? w.label("mark", "supervised") : "";
  return "progress";
}

// 待办: the open tickets of the speaker's subtree, earliest deadline first, ten at most.
std::string todo(Work& w, Vars& vars) {
  auto facts = w.tickets.open_tickets(w.node->id);
  std::string lines;
  for (size_t i = 0; i < facts.size() && i < 10; ++i) {
    const auto& f = facts[i];
    const auto& t = f.ticket;
    lines += w.render(
        "todo.line",
        {{"no", std::to_string(t.no)},
         {"category", w.label("category", t.category)},
         {"status", w.label("status", to_string(t.status))},
         {"due", f.next_due_ms ? w.render("todo.due", {{"at", when(w, f.next_due_ms)}}) : ""},
         {"supervised", t.supervised ? " " + w.label("mark", "supervised") : ""}});
  }
  vars["count"] = std::to_string(facts.size());
  vars["lines"] = lines.empty() ? w.render("todo.none", {}) : lines;
  vars["node"] = w.node->name;
  return "todo";
}

// 统计 [本周|本月]: the figures of the speaker's subtree since the start of the period.
std::string stats(Work& w, const ParsedCommand& cmd, Vars& vars) {
  std::string period = "today";
  int64_t from = local_day_start(w.now, w.cfg.utc_offset_ms);
  if (w.k->grammar->period_of(cmd.note) == "week") {
    period = "week";
    from = local_week_start(w.now, w.cfg.utc_offset_ms);
  } else if (w.k->grammar->period_of(cmd.note) == "month") {
    period = "month";
    from = local_month_start(w.now, w.cfg.utc_offset_ms);
  }
  const auto s = compute_stats(w.tickets.figures(w.node->id, from, w.now + 1));
  vars["summary"] = stats_text(*w.k->templates, w.node->name, w.label("period", period), s);
  return "stats.reply";
}

}  // namespace

std::string on_query(Work& w, const ParsedCommand& cmd) {
  const std::string key = delivery::keys::answer("cmd", w.m.channel, w.m.chat_id, w.m.msg_id);
  Vars vars{{"no", std::to_string(cmd.ticket_no)}};
  const Head* head = w.speaker();
  auto reply = [&](const std::string& name) {
    w.answer(name, vars, key);
    return std::string("command");
  };
  if (cmd.name == "help")
    return reply(head && w.node->level != Level::building ? "help.head"
                 : head                                   ? "help.building_head"
                                                          : "help.resident");
  if (cmd.name == "progress") return reply(progress(w, cmd, vars));
  // 待办 and 统计 are for heads; anyone else is told what they can do instead — in a residents'
  // group only when it was plainly a command (the bare word, or said to the bot), since
  // 「统计一下明天谁去」 is neighbours talking.
  if (head == nullptr) {
    if (w.node->level != Level::building) return reply("command.refused.not_head");
    if (!cmd.note.empty() && !w.m.mentions_bot) return "ignored";
    vars["word"] = cmd.word;
    return reply("command.refused.resident");
  }
  if (cmd.name == "todo") return reply(todo(w, vars));
  if (cmd.name == "stats") return reply(stats(w, cmd, vars));
  return "ignored";
}

}  // namespace gridbot::tickets
