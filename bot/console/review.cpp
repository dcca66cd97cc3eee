// The review queue: the subtree's incidents with the updates waiting for a controller, and the
// review itself, which runs IncidentService::review_update — the steps of 通过/驳回 in chat.
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "bot/console/console_api.hpp"

namespace gridbot::console {
namespace {

void write_incident(JsonWriter& w, const knowledge::Knowledge& k, const Incident& i, bool full) {
  const auto& tpl = *k.templates;
  int buildings = 0, reachable = 0, pending = 0;
  for (const auto& t : i.targets) {
    buildings += t.level == Level::building ? 1 : 0;
    reachable += t.reachable ? 1 : 0;
  }
  for (const auto& u : i.updates) pending += u.review == ReviewState::pending ? 1 : 0;
  w.begin_object();
  w.key("no").value(i.no);
  w.key("label").value(i.label());
  w.key("kind").value(i.kind);
  w.key("kind_label").value(tpl.label("incident.kind", i.kind));
  w.key("status").value(to_string(i.status));
  w.key("scope").value(i.scope);
  w.key("cause").value(i.cause);
  w.key("expected_restore").value(i.expected_restore);
  w.key("created_ms").value(i.created_ms);
  w.key("updated_ms").value(i.updated_ms);
  w.key("groups").value(static_cast<int64_t>(i.targets.size()));
  w.key("reachable_groups").value(reachable);
  w.key("building_groups").value(buildings);
  w.key("households").value(i.households);
  w.key("linked_reports").value(i.links);
  w.key("pending").value(pending);
  if (full) {
    w.key("targets").begin_array();
    for (const auto& t : i.targets) {
      const OrgNode* n = k.tree->find(t.node);
      w.begin_object().key("node").value(t.node).key("name").value(n ? n->name : t.node);
      w.key("level").value(to_string(t.level)).key("households").value(t.households);
      w.key("reachable").value(t.reachable).end_object();
    }
    w.end_array();
    w.key("updates").begin_array();
    for (const auto& u : i.updates) {
      w.begin_object().key("id").value(u.id);
      w.key("kind").value(u.kind).key("kind_label").value(tpl.label("incident.update", u.kind));
      w.key("text").value(u.text).key("photo_url").value(u.photo_url);
      w.key("expected_restore").value(u.expected_restore);
      w.key("author").value(u.author_name.empty() ? u.author_id : u.author_name);
      w.key("source").value(u.source).key("review").value(to_string(u.review));
      w.key("reviewer").value(u.reviewer_id).key("reject_reason").value(u.reject_reason);
      w.key("created_ms").value(u.created_ms).key("reviewed_ms").value(u.reviewed_ms);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

}  // namespace

HttpResponse ConsoleApi::incidents(Call& c) {
  store::IncidentQuery q;
  q.limit = 1000;
  if (!c.params["status"].empty()) {
    q.status = parse_incident_status(c.params["status"]);
    if (!q.status) return json_error(400, "bad_request", "status is open, restored or closed");
  }
  const bool waiting_only = c.params["pending"] == "1";
  JsonWriter w;
  w.begin_object().key("incidents").begin_array();
  for (const auto& listed : store_.incidents(q)) {
    if (!c.scope.incident(listed)) continue;
    // The list carries no updates; the queue needs them to count what waits.
    auto i = store_.incident(listed.no);
    if (!i) continue;
    bool waiting = false;
    for (const auto& u : i->updates) waiting = waiting || u.review == ReviewState::pending;
    if (waiting_only && !waiting) continue;
    write_incident(w, *c.k, *i, waiting_only);
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

HttpResponse ConsoleApi::incident(Call& c, int64_t no) {
  auto i = store_.incident(no);
  if (!i || !c.scope.incident(*i)) return json_error(404, "not_found", "incident");
  JsonWriter w;
  write_incident(w, *c.k, *i, true);
  return json_response(200, w.take());
}

void ConsoleApi::review(Call& c, int64_t no, int64_t update_id, Reply& reply) {
  if (!allowed(c.who, Permission::incident_review))
    return reply(json_error(403, "forbidden", "this account may not review incident updates"));
  auto f = body_fields(c.req.body);
  const std::string decision = f ? (*f)["decision"] : "";
  if (decision != "approve" && decision != "reject")
    return reply(json_error(400, "bad_request", "decision is approve or reject"));
  auto i = store_.incident(no);
  if (!i || !c.scope.incident(*i)) return reply(json_error(404, "not_found", "incident"));
  const std::string reason = (*f)["reason"];
  auto entry = std::make_shared<AuditEntry>(audit_entry(
      c, "incident." + decision, Incident::label_of(no) + "/u" + std::to_string(update_id)));
  entry->detail = reason;
  auto out = std::make_shared<incidents::IncidentOutcome>();
  const std::string reviewer = "console:" + c.who.name;
  store_.write(
      [this, no, update_id, approve = decision == "approve", reason, reviewer, entry,
       out](store::WriteTx& tx) {
        *out = incidents_.review_update(tx, no, update_id, approve, reason, reviewer);
        entry->result = out->error.empty() ? "ok" : "refused: " + out->error;
        tx.add_audit(*entry);
      },
      [reply, out](std::error_code ec) {
        if (ec) return reply(error_response(ec));
        JsonWriter w;
        w.begin_object().key("result").value(out->error.empty() ? "ok" : out->error);
        w.key("review").value(to_string(out->review));
        w.key("groups").value(static_cast<int64_t>(out->groups));
        w.key("households").value(out->households).end_object();
        const int status = out->error.empty()            ? 200
                           : out->error == "not_found"   ? 404
                           : out->error == "need_reason" ? 400
                                                         : 409;
        reply(json_response(status, w.take()));
      });
}

}  // namespace gridbot::console
