// Commands that ask or announce: 进度 待办 统计 帮助 通知, and the reporters' 满意 / 不满意
// answers.
#include "bot/core/ticket_context.hpp"
#include "bot/core/ticket_text.hpp"

#include <algorithm>
#include <set>

namespace gridbot::core {
namespace {

std::string pct(int part, int whole) {
  if (whole == 0) return "—";
  return std::to_string((part * 1000 / whole + 5) / 10) + "%";
}

std::string duration_text(int64_t ms) {
  if (ms < 0) return "—";
  const int64_t minutes = ms / 60'000;
  if (minutes < 60) return std::to_string(minutes) + "分钟";
  if (minutes < 48 * 60)
    return std::to_string(minutes / 60) + "小时" + std::to_string(minutes % 60) + "分";
  return std::to_string(minutes / 1440) + "天" + std::to_string(minutes % 1440 / 60) + "小时";
}

int64_t median(std::vector<int64_t> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

bool is_reporter(const Ticket& t, const InboundMessage& m) {
  for (const auto& r : t.reporters)
    if (r.channel == m.channel && r.user_id == m.sender_id) return true;
  return false;
}

}  // namespace

TicketStats TicketService::compute_stats(const std::vector<store::TicketFacts>& facts) const {
  TicketStats s;
  std::vector<int64_t> accept, resolve;
  for (const auto& f : facts) {
    const auto& t = f.ticket;
    ++s.received;
    ++s.by_category[t.category];
    ++s.by_tier[t.tier];
    s.misses += f.misses;
    s.satisfied += f.satisfied;
    s.unsatisfied += f.unsatisfied;
    s.defaulted += f.defaulted;
    if (t.accepted_ms > 0) {
      accept.push_back(t.accepted_ms - t.created_ms);
      if (t.accepted_ms - t.created_ms <= config_.accept_ms) ++s.accepted_in_time;
    }
    if (t.resolved_ms > 0) {
      ++s.resolved;
      resolve.push_back(t.resolved_ms - t.created_ms);
    }
  }
  s.median_accept_ms = median(std::move(accept));
  s.median_resolve_ms = median(std::move(resolve));
  return s;
}

std::string TicketService::stats_text(Context& c, const OrgNode& node, const std::string& period,
                                      const TicketStats& s) {
  std::string cats;
  std::vector<std::pair<int, std::string>> sorted;
  for (const auto& [cat, n] : s.by_category) sorted.emplace_back(-n, cat);
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size() && i < 5; ++i)
    cats += (cats.empty() ? "" : "、") + c.label("category", sorted[i].second) +
            std::to_string(-sorted[i].first);
  std::string tiers;
  for (const auto& [tier, n] : s.by_tier)
    tiers += (tiers.empty() ? "" : "、") + c.label("tier", tier) + std::to_string(n);
  return c.render("stats.summary",
                  {{"node", node.name},
                   {"period", period},
                   {"received", std::to_string(s.received)},
                   {"response_rate", pct(s.accepted_in_time, s.received)},
                   {"resolve_rate", pct(s.resolved, s.received)},
                   {"satisfaction_rate", pct(s.satisfied, s.satisfied + s.unsatisfied)},
                   {"defaulted", std::to_string(s.defaulted)},
                   {"misses", std::to_string(s.misses)},
                   {"median_accept", duration_text(s.median_accept_ms)},
                   {"median_resolve", duration_text(s.median_resolve_ms)},
                   {"categories", cats.empty() ? "—" : cats},
                   {"tiers", tiers.empty() ? "—" : tiers}});
}

std::string TicketService::on_answer(Context& c, const ParsedCommand& cmd) {
  const GroupRef here{c.m.channel, c.m.chat_id};
  const std::string key = "cmd:" + c.m.channel + ":" + c.m.chat_id + ":" + c.m.msg_id;
  int64_t no = cmd.ticket_no;
  if (no == 0) {
    // A bare 满意 / 不满意 counts when this reporter has exactly one question waiting.
    auto pending = c.tx.pending_satisfaction(c.m.channel, c.m.sender_id);
    if (pending.empty()) return "ignored";  // just a word in a conversation
    if (pending.size() > 1) {
      post(c, here, c.render("answer.which", {{"mentions", c.sender_mention()}}), {c.m.sender_id},
           priority::kRoutine, key);
      return "refused";
    }
    no = pending.front().ticket_no;
  }
  auto t = c.tx.load_ticket(no);
  bool waiting = false;
  if (t)
    for (const auto& a : c.tx.satisfaction_of(no))
      waiting =
          waiting || (a.channel == c.m.channel && a.user_id == c.m.sender_id && a.answer.empty());
  std::map<std::string, std::string> vars{{"mentions", c.sender_mention()},
                                          {"no", std::to_string(no)}};
  if (!t || !waiting || t->status != TicketStatus::resolved) {
    post(c, here, c.render("answer.none", vars), {c.m.sender_id}, priority::kRoutine, key);
    return "refused";
  }
  const bool happy = cmd.name == "satisfied";
  c.tx.answer_satisfaction(no, c.m.channel, c.m.sender_id, happy ? "satisfied" : "unsatisfied",
                           cmd.note, c.now);
  const TicketStatus from = t->status;
  if (happy) {
    bool all = true;
    for (const auto& a : c.tx.satisfaction_of(no)) all = all && a.answer == "satisfied";
    if (all) {
      t->status = TicketStatus::confirmed;
      c.tx.stop_deadlines(no, "satisfaction");
    }
  } else {
    // 不满意 reopens the ticket at the level that closed it, with the resident's words.
    t->status = TicketStatus::reopened;
    t->resolved_ms = 0;
    c.tx.stop_deadlines(no, "satisfaction");
    start_clocks(c, *t, true);
    const OrgNode* holder = c.k->tree->find(t->department.empty() ? t->owner_node : t->department);
    if (holder != nullptr)
      for (const auto& g : holder->groups) {
        auto [who, ids] = c.heads_of(*holder, g.channel);
        post(c, g,
             c.render("ticket.reopened",
                      {{"no", std::to_string(no)},
                       {"words", cmd.note.empty() ? "（未说明）" : mask_phones(cmd.note)},
                       {"category", c.label("category", t->category)},
                       {"mentions", who}}),
             ids, priority::kNotice,
             "reopen:" + std::to_string(no) + ":" + std::to_string(c.row_id) + ":" + g.chat_id);
      }
  }
  t->updated_ms = c.now;
  c.tx.update_ticket(*t);
  auto e = c.event(happy ? "satisfied" : "unsatisfied", cmd.note);
  e.from_status = to_string(from);
  e.to_status = to_string(t->status);
  c.tx.add_event(no, e);
  post(c, here, c.render(happy ? "answer.thanks" : "answer.reopened", vars), {c.m.sender_id},
       priority::kRoutine, key);
  return "command";
}

std::string TicketService::on_query(Context& c, const ParsedCommand& cmd) {
  const auto& k = *c.k;
  const GroupRef here{c.m.channel, c.m.chat_id};
  const std::string key = "cmd:" + c.m.channel + ":" + c.m.chat_id + ":" + c.m.msg_id;
  std::map<std::string, std::string> vars{{"mentions", c.sender_mention()},
                                          {"no", std::to_string(cmd.ticket_no)}};
  const Head* head = head_of(*c.node, c.m.channel, c.m.sender_id);
  auto reply = [&](const std::string& name) {
    post(c, here, c.render(name, vars), {c.m.sender_id}, priority::kRoutine, key);
    return std::string("command");
  };
  if (cmd.name == "help")
    return reply(head && c.node->level != Level::building ? "help.head"
                 : head                                   ? "help.building_head"
                                                          : "help.resident");
  if (cmd.name == "progress") {
    // A bare 进度: the speaker's own latest report (residents do not remember numbers).
    const int64_t no =
        cmd.ticket_no != 0 ? cmd.ticket_no : c.tx.latest_ticket_of(c.m.channel, c.m.sender_id);
    if (no == 0) return reply("progress.none");
    vars["no"] = std::to_string(no);
    auto t = c.tx.load_ticket(no);
    if (!t) return reply("command.refused.unknown");
    // Anyone in the chain may ask: a group on the ticket's path, its department, or a reporter.
    const bool on_path = t->origin_path.find("/" + c.node->id + "/") != std::string::npos ||
                         c.node->id == t->department || c.node->id == t->owner_node;
    if (!on_path && !is_reporter(*t, c.m)) return reply("command.refused.not_in_chain");
    std::string history;
    history += c.label("status", to_string(t->status));
    if (t->accepted_ms > 0)
      history += "，受理于" + local_time_text(t->accepted_ms, config_.utc_offset_ms);
    if (t->resolved_ms > 0)
      history += "，办结于" + local_time_text(t->resolved_ms, config_.utc_offset_ms);
    vars["status"] = c.label("status", to_string(t->status));
    vars["category"] = c.label("category", t->category);
    vars["owner"] = owner_name(k, *t);
    vars["created"] = local_time_text(t->created_ms, config_.utc_offset_ms);
    vars["count"] = std::to_string(t->reporters.size());
    vars["history"] = history;
    vars["supervised"] = t->supervised ? c.label("mark", "supervised") : "";
    return reply("progress");
  }
  // 待办 and 统计 are for heads; from anyone else in a heads' group they get why, elsewhere
  // silence.
  if (head == nullptr)
    return c.node->level == Level::building ? std::string("ignored")
                                            : reply("command.refused.not_head");
  if (cmd.name == "todo") {
    auto facts = c.tx.ticket_facts(c.node->id, 0, 0, true);
    std::string lines;
    size_t shown = 0;
    for (const auto& f : facts) {
      if (shown == 10) break;
      const auto& t = f.ticket;
      lines +=
          "\n#" + std::to_string(t.no) + " " + c.label("category", t.category) + " " +
          c.label("status", to_string(t.status)) +
          (f.next_due_ms ? " 截止" + local_time_text(f.next_due_ms, config_.utc_offset_ms) : "") +
          (t.supervised ? " " + c.label("mark", "supervised") : "");
      ++shown;
    }
    vars["count"] = std::to_string(facts.size());
    vars["lines"] = lines.empty() ? c.render("todo.none", {}) : lines;
    vars["node"] = c.node->name;
    return reply("todo");
  }
  if (cmd.name == "stats") {
    std::string period = "today";
    int64_t from = local_day_start(c.now, config_.utc_offset_ms);
    if (cmd.note.find("周") != std::string::npos) {
      period = "week";
      from = local_week_start(c.now, config_.utc_offset_ms);
    } else if (cmd.note.find("月") != std::string::npos) {
      period = "month";
      from = local_month_start(c.now, config_.utc_offset_ms);
    }
    const auto stats = compute_stats(c.tx.ticket_facts(c.node->id, from, c.now + 1, false));
    vars["summary"] = stats_text(c, *c.node, c.label("period", period), stats);
    return reply("stats.reply");
  }
  return "ignored";
}

std::string TicketService::on_notice(Context& c, const ParsedCommand& cmd) {
  const auto& k = *c.k;
  const GroupRef here{c.m.channel, c.m.chat_id};
  const std::string key = "cmd:" + c.m.channel + ":" + c.m.chat_id + ":" + c.m.msg_id;
  std::map<std::string, std::string> vars{{"mentions", c.sender_mention()}};
  const Head* head = head_of(*c.node, c.m.channel, c.m.sender_id);
  auto reply = [&](const std::string& name, const char* state) {
    post(c, here, c.render(name, vars), {c.m.sender_id}, priority::kRoutine, key);
    return std::string(state);
  };
  if (c.node->level == Level::building)
    return head ? reply("notice.refused.building", "refused") : "ignored";
  if (head == nullptr) return reply("command.refused.not_head", "refused");
  // 通知 <范围> <内容>: the scope is the first word; the rest is the notice.
  const auto space = cmd.note.find(' ');
  const std::string scope = cmd.note.substr(0, space);
  const std::string body = space == std::string::npos ? "" : cmd.note.substr(space + 1);
  vars["scope"] = scope;
  if (scope.empty() || body.empty()) return reply("notice.usage", "refused");
  // Resolve the scope inside the speaker's subtree only.
  std::vector<const OrgNode*> subtree{c.node};
  for (size_t i = 0; i < subtree.size(); ++i)
    for (const OrgNode* ch : k.tree->children(*subtree[i]))
      if (ch->level != Level::department) subtree.push_back(ch);
  const OrgNode* root = nullptr;
  if (scope == "全部" || scope == "所有" || scope == "全体" || scope == "所有楼栋") root = c.node;
  for (const OrgNode* n : subtree)
    if (root == nullptr && (n->id == scope || n->name == scope)) root = n;
  if (root == nullptr) return reply("notice.refused.scope", "refused");
  std::vector<const OrgNode*> targets{root};
  for (size_t i = 0; i < targets.size(); ++i)
    for (const OrgNode* ch : k.tree->children(*targets[i]))
      if (ch->level != Level::department) targets.push_back(ch);
  int groups = 0, households = 0;
  std::set<std::pair<std::string, std::string>> sent;
  for (const OrgNode* n : targets) {
    if (n == c.node) continue;  // the speaker's own group already has it
    households += n->level == Level::building ? n->households : 0;
    for (const auto& g : n->groups) {
      if (!sent.insert({g.channel, g.chat_id}).second) continue;
      post(c, g, c.render("notice", {{"from", c.node->name}, {"text", body}}), {},
           priority::kNotice,
           "notice:" + std::to_string(c.row_id) + ":" + g.channel + ":" + g.chat_id);
      ++groups;
    }
  }
  vars["groups"] = std::to_string(groups);
  vars["households"] = std::to_string(households);
  return reply("notice.done", "command");
}

}  // namespace gridbot::core
