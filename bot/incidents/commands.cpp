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
  for (const OrgNode* d : tree.departments()) {
    const OrgNode& n = *d;
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

// The scope as people read it: a term that is a node id shows as the node's name (b-6 → 6栋);
// feeders, transformer areas and names stay as written.
std::string scope_text(const OrgTree& tree, const std::vector<std::string>& words) {
  std::vector<std::string> shown;
  for (const auto& word : words) {
    std::string out;
    for (const auto& term : split_scope_terms(word)) {
      const OrgNode* n = tree.find(term);
      out += (out.empty() ? "" : " ") + (n != nullptr ? n->name : term);
    }
    shown.push_back(out.empty() ? word : out);
  }
  return join(shown, " ");
}

}  // namespace

void IncidentService::answer(Ctx& c, const std::string& name, const Vars& vars) {
  const auto& m = *c.m;
  c.post({m.channel, m.chat_id}, c.render(name, vars), {c.sender()}, priority::kOutage,
         delivery::keys::answer("inc-cmd", m.channel, m.chat_id, m.msg_id));
}

std::string IncidentService::refuse(Ctx& c, const std::string& why, const Vars& vars) {
  answer(c, "incident.refused." + why, vars);
  return "refused";
}

// A photo reaches residents only once someone who reviews has seen it: it joins an update still
// waiting for review (and goes with it on 通过), or a controller's own update, approved as it
// was written (it goes now). A crew's update already approved, or one rejected, takes no photo.
std::optional<std::string> IncidentService::on_photo(Ctx& c) {
  const auto& m = *c.m;
  if (config_.follow_up_ms <= 0) return std::nullopt;
  const Head* h = head_of(*c.node, m.channel, m.sender_id);
  if (h == nullptr || !may_post(h->role)) return std::nullopt;
  const auto [no, update_id] = c.tx.recent_update_by(m.sender_id, c.now - config_.follow_up_ms);
  if (no == 0) return std::nullopt;
  auto inc = c.tx.load_incident(no);
  if (!inc || inc->status != IncidentStatus::open) return std::nullopt;
  auto u = std::find_if(inc->updates.begin(), inc->updates.end(),
                        [id = update_id](const IncidentUpdate& x) { return x.id == id; });
  if (u == inc->updates.end() || u->review == ReviewState::rejected) return std::nullopt;
  const bool own = u->review == ReviewState::approved && u->reviewer_id == u->author_id;
  if (u->review == ReviewState::approved && !own) return std::nullopt;
  if (c.tx.attach_media_to_update(c.row_id, u->id) == 0) return std::nullopt;
  auto vars = summary_vars(c, *inc);
  vars["mentions"] = c.mention();
  vars["update"] = c.label("incident.update", u->kind);
  if (own) fan_out_photos(c, *inc, *u);
  answer(c, own ? "incident.photo_sent" : "incident.photo_added", vars);
  return std::string("incident");
}

std::string IncidentService::on_command(Ctx& c, const IncidentCommand& cmd) {
  const auto& m = *c.m;
  Vars vars{{"mentions", c.mention()}, {"word", cmd.word}, {"no", std::to_string(cmd.no)}};
  c.speaker = head_of(*c.node, m.channel, m.sender_id);
  if (c.speaker == nullptr || !may_post(c.speaker->role)) return refuse(c, "not_staff", vars);
  const bool controller = c.speaker->role == Role::controller;
  if (cmd.name == "open") return on_open(c, cmd, controller);

  auto inc = c.tx.load_incident(cmd.no);
  if (!inc) return refuse(c, "unknown", vars);
  for (auto& [k, v] : summary_vars(c, *inc)) vars[k] = v;
  if (cmd.name == "progress" || cmd.name == "restore")
    return on_update(c, cmd, *inc, controller, vars);
  if (!controller) return refuse(c, "not_controller", vars);  // review, approve, reject
  return on_review(c, cmd, *inc, vars);
}

// 进展 / 恢复 E<no>: a crew's update waits for review; a controller's goes out at once.
std::string IncidentService::on_update(Ctx& c, const IncidentCommand& cmd, Incident& inc,
                                       bool controller, Vars& vars) {
  const auto& m = *c.m;
  if (inc.status != IncidentStatus::open) return refuse(c, "closed", vars);
  IncidentUpdate u;
  u.kind = cmd.name == "restore" ? "restored" : "progress";
  u.text = cmd.rest;
  if (u.kind == "progress" && u.text.empty()) return refuse(c, "need_text", vars);
  std::string scratch = u.text;
  u.expected_restore = take_expected_restore(&scratch, false);
  u.author_id = m.sender_id;
  u.author_name = m.sender_name;
  u.source = "chat";
  u = post_update(c, inc, std::move(u), controller);
  vars["update"] = c.label("incident.update", u.kind);
  answer(c, controller ? "incident.sent" : "incident.submitted", vars);
  return "incident";
}

// 审核 / 通过 / 驳回 E<no>: a controller shows, approves or rejects every update waiting.
std::string IncidentService::on_review(Ctx& c, const IncidentCommand& cmd, Incident& inc,
                                       Vars& vars) {
  auto waiting = pending(inc);
  vars["count"] = std::to_string(waiting.size());
  if (waiting.empty()) {
    answer(c, "incident.review.none", vars);
    return "incident";
  }
  if (cmd.name == "review") {
    std::string notices;
    for (const IncidentUpdate* u : waiting)
      notices += (notices.empty() ? "" : "\n——\n") + notice_text(c, inc, *u);
    vars["notice"] = notices;
    answer(c, "incident.review.show", vars);
    return "incident";
  }
  if (cmd.name == "approve") {
    for (IncidentUpdate* u : waiting) approve(c, inc, *u, c.m->sender_id);
    answer(c, "incident.approved", vars);
    return "incident";
  }
  if (cmd.rest.empty()) return refuse(c, "need_reason", vars);
  for (IncidentUpdate* u : waiting) reject(c, inc, *u, c.m->sender_id, cmd.rest, vars);
  answer(c, "incident.rejected_done", vars);
  return "incident";
}

// A rejected update goes back to the group it came from, with the reason.
void IncidentService::reject(Ctx& c, const Incident& inc, IncidentUpdate& u,
                             const std::string& reviewer, const std::string& reason,
                             const Vars& vars) {
  u.review = ReviewState::rejected;
  u.reviewer_id = reviewer;
  u.reject_reason = reason;
  u.reviewed_ms = c.now;
  c.tx.review_incident_update(u);
  if (u.source != "chat") return;  // a system's update: it reads the state from the API
  auto back = vars;
  back["mentions"] = mention_text({{u.author_id, u.author_name}});
  back["update"] = c.label("incident.update", u.kind);
  back["reason"] = reason;
  back["text"] = u.text;
  for (const GroupRef& g : author_groups(*c.k->tree, u, inc))
    c.post(g, c.render("incident.rejected", back), {{u.author_id, u.author_name}},
           priority::kOutage,
           delivery::keys::to_group(delivery::keys::incident_rejected(inc.no, u.id), g));
}

IncidentOutcome IncidentService::review_update(store::WriteTx& tx, int64_t no, int64_t update_id,
                                               bool approved, const std::string& reason,
                                               const std::string& reviewer) {
  Ctx c = context(tx, nullptr);
  IncidentOutcome out;
  out.no = no;
  out.update_id = update_id;
  auto fail = [&out](const char* why) {
    out.error = why;
    return out;
  };
  auto inc = tx.load_incident(no);
  if (!inc) return fail("not_found");
  IncidentUpdate* u = nullptr;
  for (auto& x : inc->updates)
    if (x.id == update_id) u = &x;
  if (u == nullptr) return fail("not_found");
  // Reviewed meanwhile (in chat, or by another console): nothing is sent twice.
  if (u->review != ReviewState::pending) return fail("not_pending");
  if (!approved && reason.empty()) return fail("need_reason");
  if (approved) {
    approve(c, *inc, *u, reviewer);
  } else {
    Vars vars = summary_vars(c, *inc);
    reject(c, *inc, *u, reviewer, reason, vars);
  }
  out.review = u->review;
  for (const auto& t : inc->targets) out.groups += t.reachable ? 1 : 0;
  out.households = inc->households;
  return out;
}

std::string IncidentService::on_open(Ctx& c, const IncidentCommand& cmd, bool approved) {
  const auto& m = *c.m;
  Vars vars{{"mentions", c.mention()}, {"word", cmd.word}};

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
  if (terms.empty()) return refuse(c, "need_scope", vars);
  const auto scope = resolve_scope(*c.k->tree, terms);
  if (!scope.ok()) {
    auto bad = scope.unknown;
    bad.insert(bad.end(), scope.ambiguous.begin(), scope.ambiguous.end());
    vars["terms"] = join(bad, c.label("list", "separator"));
    return refuse(c, "unknown_scope", vars);
  }

  Incident inc;
  inc.kind = cmd.kind;
  inc.scope = scope_text(*c.k->tree, scope_words);
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
  answer(c, approved ? "incident.opened" : "incident.submitted", vars);
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
  inc.scope = scope_text(*c.k->tree, s.scope);
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
