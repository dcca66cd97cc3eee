// IncidentService: dispatch of one message, inhibition, the review step and the fan-out.
#include "bot/incidents/service.hpp"

#include "bot/incidents/work.hpp"
#include "bot/incidents/scope.hpp"
#include "bot/knowledge/analysis.hpp"

#include <algorithm>

namespace gridbot::incidents {
std::string category_of(const std::string& kind) {
  if (kind == "flood") return "water";
  if (kind == "gas_leak") return "gas";
  return kind;
}

namespace {

// The incident kinds that absorb a resident's report of `category`.
std::vector<std::string> kinds_for(const std::string& category) {
  if (category == "gas") return {"gas", "gas_leak"};
  if (category == "water") return {"water", "flood"};
  return {category};
}

}  // namespace

IncidentService::IncidentService(const channels::ChannelTable& channels,
                                 std::shared_ptr<const Knowledge> knowledge,
                                 std::shared_ptr<const IncidentGrammar> grammar, const Clock& clock,
                                 IncidentConfig config)
    : channels_(channels),
      clock_(clock),
      config_(std::move(config)),
      knowledge_(std::move(knowledge)),
      grammar_(std::move(grammar)) {}

void IncidentService::swap(std::shared_ptr<const Knowledge> knowledge,
                           std::shared_ptr<const IncidentGrammar> grammar) {
  std::lock_guard lk(mu_);
  knowledge_ = std::move(knowledge);
  if (grammar) grammar_ = std::move(grammar);
}

IncidentService::Ctx IncidentService::context(store::WriteTx& tx, const InboundMessage* m) const {
  std::lock_guard lk(mu_);
  const int64_t now = clock_.now_ms();
  return Ctx{tx,     delivery::Poster(channels_, tx, now, m), knowledge_, grammar_, now, m, nullptr,
             nullptr};
}

std::optional<std::string> IncidentService::kind_of_word(std::string_view word) const {
  std::lock_guard lk(mu_);
  return grammar_->kind_of_word(word);
}

std::optional<std::string> IncidentService::process(const InboundMessage& m, int64_t row_id,
                                                    store::WriteTx& tx) {
  Ctx c = context(tx, &m);
  c.row_id = row_id;
  const auto a = knowledge::analysis_for(m, c.k);
  c.node = a->node;
  if (c.node == nullptr) return std::nullopt;
  if (c.node->level == Level::department) {
    auto cmd = c.grammar->parse(m.text);
    if (!cmd) return m.media.empty() ? std::nullopt : on_photo(c);
    return on_command(c, *cmd);
  }
  if (c.node->level == Level::building) return inhibit(c, *a);
  return std::nullopt;
}

// Alertmanager-style inhibition: an open incident on a building absorbs the
// residents' reports of the same kind from it — linked, answered with the latest update, no ticket.
std::optional<std::string> IncidentService::inhibit(Ctx& c, const knowledge::Analysis& a) {
  const auto& m = *c.m;
  const auto& cls = a.cls;  // of the words without @mentions and report prefix
  if (!cls.is_report || cls.category.empty()) return std::nullopt;
  int64_t newest = 0;
  for (const auto& kind : kinds_for(cls.category))
    for (int64_t no : c.tx.open_incidents_at(c.node->id, kind)) newest = std::max(newest, no);
  if (newest == 0) return std::nullopt;
  auto inc = c.tx.load_incident(newest);
  if (!inc) return std::nullopt;
  c.tx.link_to_incident(inc->no, c.row_id, m, c.now);
  const IncidentUpdate* latest = nullptr;
  for (const auto& u : inc->updates)
    if (u.review == ReviewState::approved) latest = &u;
  std::map<std::string, std::string> vars{{"mentions", c.mention()},
                                          {"no", std::to_string(inc->no)},
                                          {"kind", c.label("incident.kind", inc->kind)}};
  // The group already has the latest notice (it is in the scope): the answer is short, names the
  // expected time, and each resident hears it once per update — twenty neighbours saying 停电了
  // get twenty one-liners, not twenty copies of the notice, and repeating brings nothing new.
  if (latest) vars["notice"] = notice_text(c, *inc, *latest);
  vars["restore"] = inc->expected_restore.empty() ? ""
                                                  : c.render("incident.linked.restore",
                                                             {{"expected", inc->expected_restore}});
  vars["hotline"] = config_.hotline;
  c.post({m.channel, m.chat_id},
         c.render(latest ? "incident.linked" : "incident.linked_pending", vars), {c.sender()},
         priority::kOutage,
         delivery::keys::incident_link(m.channel, m.chat_id, m.sender_id, inc->no,
                                       latest ? latest->id : 0));
  return std::string("linked");
}

IncidentUpdate IncidentService::post_update(Ctx& c, Incident& inc, IncidentUpdate u,
                                            bool approved) {
  u.incident_no = inc.no;
  u.created_ms = c.now;
  u.review = ReviewState::pending;
  u.id = c.tx.add_incident_update(u);
  if (u.id == 0) return u;  // the same external id again: a retry, nothing new
  // A photo sent with the command's words (a WeCom mixed message) is the update's own.
  if (c.m != nullptr && !c.m->media.empty()) c.tx.attach_media_to_update(c.row_id, u.id);
  if (approved)
    approve(c, inc, u, u.author_id);
  else
    ask_review(c, inc, u);
  inc.updates.push_back(u);
  return u;
}

void IncidentService::approve(Ctx& c, Incident& inc, IncidentUpdate& u,
                              const std::string& reviewer) {
  u.review = ReviewState::approved;
  u.reviewer_id = reviewer;
  u.reviewed_ms = c.now;
  c.tx.review_incident_update(u);
  if (!u.expected_restore.empty()) inc.expected_restore = u.expected_restore;
  if (u.kind == "restored") {
    inc.status = IncidentStatus::restored;
    inc.restored_ms = c.now;
  }
  inc.updated_ms = c.now;
  c.tx.update_incident(inc);
  fan_out(c, inc, u);
}

// Each approved update once into every target group. The idempotency key names the update and
// the group, so a re-run queues nothing twice; the supersede key names the incident, so a newer
// update replaces an older one still waiting in a group's queue (paced groups never pile up).
void IncidentService::fan_out(Ctx& c, const Incident& inc, const IncidentUpdate& u) {
  const std::string text = notice_text(c, inc, u);
  const std::string key = delivery::keys::incident_update(inc.no, u.id);
  const std::string supersede = delivery::keys::incident_thread(inc.no);
  for (const auto& t : inc.targets)
    if (t.reachable)  // a group its channel cannot post into was told apart when it was opened
      c.post(t.group, text, {}, priority::kOutage, delivery::keys::to_group(key, t.group),
             supersede);
  fan_out_photos(c, inc, u);
}

void IncidentService::fan_out_photos(Ctx& c, const Incident& inc, const IncidentUpdate& u) {
  for (const auto& m : c.tx.media_of_update(u.id)) {
    if (m.ref.kind != MediaKind::image) continue;
    const std::string key = delivery::keys::incident_photo(inc.no, u.id, m.id);
    for (const auto& t : inc.targets)
      if (t.reachable)
        c.out.post_image(
            {t.group, {}, {}, priority::kOutage, delivery::keys::to_group(key, t.group), {}, 0},
            m.id);
  }
}

// The review request goes to the groups of departments with a controller that own the incident's
// category (the power company for an outage); when none does, to every controller's department.
void IncidentService::ask_review(Ctx& c, const Incident& inc, const IncidentUpdate& u) {
  auto vars = summary_vars(c, inc);
  vars["update"] = c.label("incident.update", u.kind);
  vars["notice"] = notice_text(c, inc, u);
  const std::string category = category_of(inc.kind);
  auto has_controller = [](const OrgNode& n) {
    return std::any_of(n.heads.begin(), n.heads.end(),
                       [](const Head& h) { return h.role == Role::controller; });
  };
  bool owner_found = false;
  const auto departments = c.k->tree->departments();
  for (const OrgNode* n : departments)
    if (has_controller(*n) &&
        std::find(n->categories.begin(), n->categories.end(), category) != n->categories.end())
      owner_found = true;
  for (const OrgNode* d : departments) {
    const OrgNode& n = *d;
    if (owner_found &&
        std::find(n.categories.begin(), n.categories.end(), category) == n.categories.end())
      continue;
    for (const auto& g : n.groups) {
      std::vector<Mention> who;
      for (const auto& h : n.heads)
        if (h.role == Role::controller && h.channel == g.channel)
          who.push_back({h.user_id, h.name});
      if (who.empty()) continue;
      vars["mentions"] = mention_text(who);
      c.post(g, c.render("incident.review.request", vars), who, priority::kOutage,
             delivery::keys::to_group(delivery::keys::incident_review(inc.no, u.id), g));
    }
  }
}

std::map<std::string, std::string> IncidentService::summary_vars(const Ctx& c,
                                                                 const Incident& inc) const {
  size_t buildings = 0;
  for (const auto& t : inc.targets) buildings += t.level == Level::building ? 1 : 0;
  return {{"no", std::to_string(inc.no)},
          {"kind", c.label("incident.kind", inc.kind)},
          {"scope", inc.scope},
          {"groups", std::to_string(inc.targets.size())},
          {"buildings", std::to_string(buildings)},
          {"grids", std::to_string(inc.targets.size() - buildings)},
          {"households", std::to_string(inc.households)}};
}

std::string IncidentService::notice_text(const Ctx& c, const Incident& inc,
                                         const IncidentUpdate& u) const {
  auto vars = summary_vars(c, inc);
  const std::string expected =
      u.expected_restore.empty() ? inc.expected_restore : u.expected_restore;
  vars["expected"] = expected.empty() ? c.render("incident.expected_unknown", {}) : expected;
  vars["cause"] = inc.cause.empty() ? c.render("incident.cause_unknown", {}) : inc.cause;
  vars["progress"] = u.kind == "restored" && !u.text.empty() ? u.text + "\n" : u.text;
  vars["hotline"] = config_.hotline;
  vars["restored"] = c.label("incident.restored", inc.kind);
  vars["photo"] = u.photo_url.empty() ? "" : c.render("incident.photo", {{"url", u.photo_url}});
  // The crew's photos from chat, as links (where the platform shows images, they follow too).
  if (config_.media_link && u.id != 0)
    for (const auto& m : c.tx.media_of_update(u.id))
      if (m.ref.kind == MediaKind::image)
        if (std::string link = config_.media_link(m.id); !link.empty())
          vars["photo"] += c.render("incident.photo", {{"url", link}});
  return c.render("incident.notice." + u.kind, vars);
}

}  // namespace gridbot::incidents
