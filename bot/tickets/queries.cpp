// Commands that ask: 进度 (anyone on the ticket's path, or a reporter), 待办 and 统计 (heads),
// 帮助.
#include "base/common/calendar.hpp"
#include "bot/tickets/service.hpp"
#include "bot/tickets/stats.hpp"
#include "bot/tickets/workflows.hpp"

namespace gridbot::tickets {
namespace {

// 待办 lists this many (the earliest due first) and counts the rest.
constexpr size_t kTodoLines = 10;

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
Vars todo_vars(const Knowledge& k, const TicketConfig& cfg, const OrgNode& node,
               const std::vector<store::TicketFacts>& facts, int64_t total) {
  const auto& t = *k.templates;
  std::string lines;
  for (size_t i = 0; i < facts.size() && i < kTodoLines; ++i) {
    const auto& f = facts[i];
    const auto& x = f.ticket;
    const std::string due = local_time_text(f.next_due_ms, cfg.utc_offset_ms);
    lines += t.render("todo.line",
                      {{"no", std::to_string(x.no)},
                       {"category", t.label("category", x.category)},
                       {"status", t.label("status", to_string(x.status))},
                       {"due", f.next_due_ms ? t.render("todo.due", {{"at", due}}) : ""},
                       {"supervised", x.supervised ? " " + t.label("mark", "supervised") : ""}});
  }
  return {{"count", std::to_string(total)},
          {"lines", lines.empty() ? t.render("todo.none", {}) : lines},
          {"node", node.name}};
}

// 统计 [本周|本月]: the period's name and its first moment.
std::pair<std::string, int64_t> stats_period(const Knowledge& k, const TicketConfig& cfg,
                                             const ParsedCommand& cmd, int64_t now) {
  const std::string p = k.grammar->period_of(cmd.note);
  if (p == "week") return {"week", local_week_start(now, cfg.utc_offset_ms)};
  if (p == "month") return {"month", local_month_start(now, cfg.utc_offset_ms)};
  return {"today", local_day_start(now, cfg.utc_offset_ms)};
}

Vars stats_vars(const Knowledge& k, const OrgNode& node, const std::string& period,
                const Figures& f) {
  return {{"summary", stats_text(*k.templates, node.name, k.templates->label("period", period),
                                 compute_stats(f))}};
}

// The answer of 待办 or 统计 from reads: on committed data before the write, or (a message that
// reached the writer unprepared) in the writer's own transaction.
template <typename Reads>
PreparedAnswer read_answer(const Knowledge& k, const TicketConfig& cfg, const OrgNode& node,
                           const ParsedCommand& cmd, int64_t now, Reads& reads) {
  if (cmd.name == "todo") {
    int64_t total = 0;
    auto first = reads.open_tickets(node.id, kTodoLines, &total);
    return {"todo", todo_vars(k, cfg, node, first, total)};
  }
  const auto [period, from] = stats_period(k, cfg, cmd, now);
  return {"stats.reply", stats_vars(k, node, period, reads.figures(node.id, from, now + 1))};
}

// The command a message is, when it is 待办 or 统计 from a head in their own group.
std::optional<ParsedCommand> read_command(const Knowledge& k, const InboundMessage& m,
                                          const OrgNode** node) {
  // The inbox's analysis, when it was made under this knowledge, already holds both.
  const knowledge::Analysis* a =
      m.analysis && m.analysis->k.get() == &k ? m.analysis.get() : nullptr;
  *node = a ? a->node : k.tree->by_group(m.channel, m.chat_id);
  if (*node == nullptr || head_of(**node, m.channel, m.sender_id) == nullptr) return std::nullopt;
  auto cmd = a ? a->command : k.grammar->parse(m.text);
  if (!cmd || (cmd->name != "todo" && cmd->name != "stats")) return std::nullopt;
  return cmd;
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
  if (cmd.name == "todo" || cmd.name == "stats") {
    const PreparedAnswer a =
        w.m.prepared ? *w.m.prepared : read_answer(*w.k, w.cfg, *w.node, cmd, w.now, w.tickets);
    for (const auto& [key_, value] : a.vars) vars[key_] = value;
    return reply(a.template_name);
  }
  return "ignored";
}

bool TicketService::answer_needs_reads(const InboundMessage& m) const {
  const OrgNode* node = nullptr;
  return !m.from_bot && read_command(*knowledge(), m, &node).has_value();
}

void TicketService::prepare_answer(InboundMessage& m, store::Store& store) const {
  const auto k = knowledge();
  const OrgNode* node = nullptr;
  const auto cmd = read_command(*k, m, &node);
  if (!cmd) return;
  try {
    m.prepared = std::make_shared<const PreparedAnswer>(
        read_answer(*k, config_, *node, *cmd, clock_.now_ms(), store));
  } catch (const store::ReadError&) {
    // Too slow or the store is closing: the head hears so; the writer never reads instead.
    m.prepared = std::make_shared<const PreparedAnswer>(PreparedAnswer{"query.unavailable", {}});
  }
}

}  // namespace gridbot::tickets
