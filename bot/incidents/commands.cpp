// Incident commands in crew and department groups (停电/进展/恢复/审核/通过/驳回), and the same
// actions submitted by a utility system through the API. Who may do what: crews, controllers and
// department staff post; only controllers review, and their own posts skip review.
#include "bot/incidents/work.hpp"
#include "bot/incidents/scope.hpp"

#include <set>

namespace gridbot::incidents {
namespace {

const std::set<std::string> kKinds = {"power", "water", "gas", "gas_leak", "flood", "other"};

// A group whose channel can only answer (a webhook-mode AI bot) never gets the notices: the
// target says so, for the reviewers and the API, instead of queuing rows that can only fail.
void mark_reachable(const delivery::Poster& out, Incident& inc) {
  for (auto& t : inc.targets) t.reachable = out.can_reach(t.group);
}

bool may_post(Role r) { return r == Role::crew || r == Role::controller || r == Role::department; }

std::vector<IncidentUpdate*> pending(Incident& inc) {
  std::vector<IncidentUpdate*> out;
  for (auto& u : inc.updates)
    if (u.review == ReviewState::pending) out.push_back(&u);
  return out;
}

// Where a rejected update goes back to: the department/crew groups its author is a head of
// (on the author's platform), else the group the incident was opened from.
std::vector<GroupRef> author_groups(const OrgTree& tree, const IncidentUpdate& u,
                                    const Incident& inc) {
  std::vector<GroupRef> out;
  for (const auto& n : tree.nodes()) {
    if (n.level != Level::department) continue;
    for (const auto& h : n.heads) {
      if (h.user_id != u.author_id) continue;
      for (const auto& g : n.groups)
        if (g.channel == h.channel) out.push_back(g);
      break;
    }
  }
  if (out.empty() && !inc.origin_chat.empty()) out.push_back({inc.origin_channel, inc.origin_chat});
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

std::string IncidentService::on_command(Ctx& c, const IncidentCommand& cmd) {
  const auto& m = *c.m;
  const GroupRef here{m.channel, m.chat_id};
  const std::string key = delivery::keys::answer("inc-cmd", m.channel, m.chat_id, m.msg_id);
  std::map<std::string, std::string> vars{
      {"mentions", c.mention()}, {"word", cmd.word}, {"no", std::to_string(cmd.no)}};
  auto reply = [&](const std::string& name) {
    c.post(here, c.render(name, vars), {m.sender_id}, priority::kOutage, key);
  };
  auto refuse = [&](const std::string& why) {
    reply("incident.refused." + why);
    return std::string("refused");
  };

  c.speaker = head_of(*c.node, m.channel, m.sender_id);
  if (c.speaker == nullptr || !may_post(c.speaker->role)) return refuse("not_staff");
  const bool controller = c.speaker->role == Role::controller;
  if (cmd.name == "open") return on_open(c, cmd, controller);

  auto inc = c.tx.load_incident(cmd.no);
  if (!inc) return refuse("unknown");
  for (auto& [k, v] : summary_vars(c, *inc)) vars[k] = v;
  const bool reviewing = cmd.name == "review" || cmd.name == "approve" || cmd.name == "reject";
  if (reviewing && !controller) return refuse("not_controller");

  if (cmd.name == "progress" || cmd.name == "restore") {
    if (inc->status != IncidentStatus::open) return refuse("closed");
    IncidentUpdate u;
    u.kind = cmd.name == "restore" ? "restored" : "progress";
    u.text = cmd.rest;
    if (u.kind == "progress" && u.text.empty()) return refuse("need_text");
    std::string scratch = u.text;
    u.expected_restore = take_expected_restore(&scratch, false);
    u.author_id = m.sender_id;
    u.author_name = m.sender_name;
    u.source = "chat";
    u = post_update(c, *inc, std::move(u), controller);
    vars["update"] = c.label("incident.update", u.kind);
    reply(controller ? "incident.sent" : "incident.submitted");
    return "incident";
  }

  auto waiting = pending(*inc);
  vars["count"] = std::to_string(waiting.size());
  if (waiting.empty()) {
    reply("incident.review.none");
    return "incident";
  }
  if (cmd.name == "review") {
    std::string notices;
    for (const IncidentUpdate* u : waiting)
      notices += (notices.empty() ? "" : "\n——\n") + notice_text(c, *inc, *u);
    vars["notice"] = notices;
    reply("incident.review.show");
    return "incident";
  }
  if (cmd.name == "approve") {
    for (IncidentUpdate* u : waiting) approve(c, *inc, *u, m.sender_id);
    reply("incident.approved");
    return "incident";
  }
  // reject: every waiting update goes back to the group it came from, with the reason.
  if (cmd.rest.empty()) return refuse("need_reason");
  for (IncidentUpdate* u : waiting) {
    u->review = ReviewState::rejected;
    u->reviewer_id = m.sender_id;
    u->reject_reason = cmd.rest;
    u->reviewed_ms = c.now;
    c.tx.review_incident_update(*u);
    if (u->source != "chat") continue;  // a system's update: it reads the state from the API
    auto back = vars;
    back["mentions"] = mention_text({{u->author_id, u->author_name}});
    back["update"] = c.label("incident.update", u->kind);
    back["reason"] = cmd.rest;
    back["text"] = u->text;
    for (const GroupRef& g : author_groups(*c.k->tree, *u, *inc))
      c.post(g, c.render("incident.rejected", back), {u->author_id}, priority::kOutage,
             delivery::keys::to_group(delivery::keys::incident_rejected(inc->no, u->id), g));
  }
  reply("incident.rejected_done");
  return "incident";
}

std::string IncidentService::on_open(Ctx& c, const IncidentCommand& cmd, bool approved) {
  const auto& m = *c.m;
  const GroupRef here{m.channel, m.chat_id};
  const std::string key = delivery::keys::answer("inc-cmd", m.channel, m.chat_id, m.msg_id);
  std::map<std::string, std::string> vars{{"mentions", c.mention()}, {"word", cmd.word}};
  auto refuse = [&](const std::string& why) {
    c.post(here, c.render("incident.refused." + why, vars), {m.sender_id}, priority::kOutage, key);
    return std::string("refused");
  };

  // 停电 <scope…> [预计HH:MM恢复] <cause…>: the leading words that name assets or places are the
  // scope, the rest is the cause.
  std::string rest = cmd.rest;
  const std::string expected = take_expected_restore(&rest, true);
  std::vector<std::string> scope_words, terms, cause_words;
  for (const auto& word : split_words(rest)) {
    if (cause_words.empty()) {
      auto parts = split_scope_terms(word);
      bool all = !parts.empty();
      for (const auto& p : parts) all = all && is_scope_term(*c.k->tree, p);
      if (all) {
        scope_words.push_back(word);
        terms.insert(terms.end(), parts.begin(), parts.end());
        continue;
      }
    }
    cause_words.push_back(word);
  }
  if (terms.empty()) return refuse("need_scope");
  const auto scope = resolve_scope(*c.k->tree, terms);
  if (!scope.ok()) {
    auto bad = scope.unknown;
    bad.insert(bad.end(), scope.ambiguous.begin(), scope.ambiguous.end());
    vars["terms"] = join(bad, "、");
    return refuse("unknown_scope");
  }

  Incident inc;
  inc.kind = cmd.kind;
  inc.scope = join(scope_words, " ");
  inc.cause = join(cause_words, " ");
  inc.expected_restore = expected;
  inc.origin_channel = m.channel;
  inc.origin_chat = m.chat_id;
  inc.households = scope.households;
  inc.targets = scope.targets;
  mark_reachable(c.out, inc);
  IncidentUpdate first;
  first.kind = "open";
  first.text = inc.cause;
  first.expected_restore = expected;
  first.author_id = m.sender_id;
  first.author_name = m.sender_name;
  first.source = "chat";
  first = open_incident(c, inc, std::move(first), approved);
  for (auto& [k, v] : summary_vars(c, inc)) vars[k] = v;
  vars["update"] = c.label("incident.update", "open");
  c.post(here, c.render(approved ? "incident.opened" : "incident.submitted", vars), {m.sender_id},
         priority::kOutage, key);
  return "incident";
}

IncidentUpdate IncidentService::open_incident(Ctx& c, Incident& inc, IncidentUpdate first,
                                              bool approved) {
  inc.status = IncidentStatus::open;
  inc.created_ms = inc.updated_ms = c.now;
  inc.no = c.tx.create_incident(inc);
  return post_update(c, inc, std::move(first), approved);
}

IncidentOutcome IncidentService::submit_incident(store::WriteTx& tx, const IncidentSubmission& s) {
  Ctx c = context(tx, nullptr);
  IncidentOutcome out;
  if (!s.external_id.empty())
    if (const int64_t no = tx.find_incident_by_external(s.external_id)) {
      out.no = no;
      out.duplicate = true;
      return out;
    }
  if (kKinds.count(s.kind) == 0) {
    out.error = "bad_kind: kind is one of power, water, gas, gas_leak, flood, other";
    return out;
  }
  std::vector<std::string> terms;
  for (const auto& t : s.scope)
    for (auto& p : split_scope_terms(t)) terms.push_back(std::move(p));
  if (terms.empty()) {
    out.error = "need_scope: scope names feeders, transformer areas or org nodes";
    return out;
  }
  const auto scope = resolve_scope(*c.k->tree, terms);
  if (!scope.ok()) {
    auto bad = scope.unknown;
    bad.insert(bad.end(), scope.ambiguous.begin(), scope.ambiguous.end());
    out.error = "unknown_scope: " + (bad.empty() ? std::string("no building") : join(bad, ", "));
    return out;
  }
  Incident inc;
  inc.kind = s.kind;
  inc.scope = join(s.scope, " ");
  inc.cause = s.text;
  inc.expected_restore = s.expected_restore;
  inc.external_id = s.external_id;
  inc.households = scope.households;
  inc.targets = scope.targets;
  mark_reachable(c.out, inc);
  IncidentUpdate first;
  first.kind = "open";
  first.text = s.text;
  first.photo_url = s.photo_url;
  first.expected_restore = s.expected_restore;
  first.author_id = s.author;
  first.source = "api";
  first = open_incident(c, inc, std::move(first), s.pre_approved);
  out.no = inc.no;
  out.update_id = first.id;
  out.review = first.review;
  out.groups = inc.targets.size();
  out.households = inc.households;
  return out;
}

IncidentOutcome IncidentService::submit_update(store::WriteTx& tx, int64_t no,
                                               const IncidentSubmission& s) {
  Ctx c = context(tx, nullptr);
  IncidentOutcome out;
  out.no = no;
  auto inc = tx.load_incident(no);
  if (!inc) {
    out.error = "not_found";
    return out;
  }
  if (!s.external_id.empty())
    for (const auto& u : inc->updates)
      if (u.external_id == s.external_id) {
        out.update_id = u.id;
        out.review = u.review;
        out.duplicate = true;
        return out;
      }
  if (inc->status != IncidentStatus::open) {
    out.error = "closed: the incident is " + std::string(to_string(inc->status));
    return out;
  }
  if (s.update_kind != "progress" && s.update_kind != "restored") {
    out.error = "bad_kind: kind is progress or restored";
    return out;
  }
  if (s.update_kind == "progress" && s.text.empty()) {
    out.error = "need_text: a progress update needs text";
    return out;
  }
  IncidentUpdate u;
  u.kind = s.update_kind;
  u.text = s.text;
  u.photo_url = s.photo_url;
  u.expected_restore = s.expected_restore;
  u.author_id = s.author;
  u.source = "api";
  u.external_id = s.external_id;
  u = post_update(c, *inc, std::move(u), s.pre_approved);
  out.update_id = u.id;
  out.duplicate = u.id == 0;
  out.review = u.review;
  out.groups = inc->targets.size();
  out.households = inc->households;
  return out;
}

}  // namespace gridbot::incidents
