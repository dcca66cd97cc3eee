// IncidentApi: signature check, JSON in and out, durable writes through the store.
#include "bot/api/incident_api.hpp"

#include "adapters/common/json.hpp"

#include "base/common/calendar.hpp"

#include "base/common/strict_int.hpp"
#include "bot/api/auth.hpp"

#include "adapters/bridge/adapter.hpp"
#include "adapters/common/crypto.hpp"
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"

#include <rapidjson/document.h>

#include <boost/url/parse.hpp>

#include <charconv>
#include <cstdlib>
#include <map>

namespace gridbot::api {
namespace {

constexpr std::string_view kIncidents = "incidents";

// "12", "E12" or "e12" → 12; 0 when it is none of these.
int64_t parse_no(std::string_view s) {
  if (!s.empty() && (s[0] == 'E' || s[0] == 'e')) s.remove_prefix(1);
  return parse_int<int64_t>(s, 1).value_or(0);
}

HttpResponse bad(std::string_view why) {
  return error_response(make_error_code(errc::bad_request), why);
}

// Reads the body into a submission; returns the problem, or empty.
std::string read_submission(const incidents::IncidentService& service, const std::string& body,
                            bool is_update, incidents::IncidentSubmission* s) {
  rapidjson::Document doc;
  if (!adapters::parse_json_strict(body, doc) || !doc.IsObject())
    return "the body must be one JSON object, strict UTF-8, each key once";
  auto str = [&](const char* key, std::string* out) -> bool {
    if (!doc.HasMember(key)) return true;
    if (!doc[key].IsString()) return false;
    *out = std::string(doc[key].GetString(), doc[key].GetStringLength());
    return true;
  };
  std::string kind, cause;
  if (!str("kind", &kind) || !str("text", &s->text) || !str("cause", &cause) ||
      !str("photo_url", &s->photo_url) || !str("expected_restore", &s->expected_restore) ||
      !str("author", &s->author) || !str("external_id", &s->external_id))
    return "kind, text, cause, photo_url, expected_restore, author and external_id are strings";
  if (s->text.empty()) s->text = cause;
  if (doc.HasMember("pre_approved")) {
    if (!doc["pre_approved"].IsBool()) return "pre_approved is true or false";
    s->pre_approved = doc["pre_approved"].GetBool();
  }
  if (s->author.empty()) s->author = "api";
  if (!s->expected_restore.empty()) {
    const auto& e = s->expected_restore;
    if (!parse_hh_mm(e)) return "expected_restore is HH:MM";
  }
  if (is_update) {
    s->update_kind = kind.empty() ? "progress" : kind;
    return {};
  }
  // A code (power) or an open word of the command words (停电), as a crew would write it.
  s->kind = service.kind_of_word(kind).value_or(kind);
  if (!doc.HasMember("scope")) return "scope is required";
  const auto& scope = doc["scope"];
  if (scope.IsString()) {
    s->scope.emplace_back(scope.GetString(), scope.GetStringLength());
  } else if (scope.IsArray()) {
    for (const auto& v : scope.GetArray()) {
      if (!v.IsString()) return "scope is a string or an array of strings";
      s->scope.emplace_back(v.GetString(), v.GetStringLength());
    }
  } else {
    return "scope is a string or an array of strings";
  }
  return {};
}

void write_targets_summary(JsonWriter& w, const Incident& i) {
  int64_t buildings = 0;
  for (const auto& t : i.targets) buildings += t.level == Level::building ? 1 : 0;
  w.key("groups").value(static_cast<int64_t>(i.targets.size()));
  w.key("building_groups").value(buildings);
  w.key("grid_groups").value(static_cast<int64_t>(i.targets.size()) - buildings);
  w.key("households").value(i.households);
}

void write_incident(JsonWriter& w, const Incident& i, bool full) {
  w.begin_object();
  w.key("no").value(i.no);
  w.key("label").value(i.label());
  w.key("kind").value(i.kind);
  w.key("status").value(to_string(i.status));
  w.key("scope").value(i.scope);
  w.key("cause").value(i.cause);
  w.key("expected_restore").value(i.expected_restore);
  w.key("external_id").value(i.external_id);
  w.key("created_ms").value(i.created_ms);
  w.key("updated_ms").value(i.updated_ms);
  w.key("restored_ms").value(i.restored_ms);
  w.key("linked_reports").value(i.links);
  write_targets_summary(w, i);
  if (full) {
    w.key("targets").begin_array();
    for (const auto& t : i.targets) {
      w.begin_object();
      w.key("node").value(t.node);
      w.key("level").value(to_string(t.level));
      w.key("channel").value(t.group.channel);
      w.key("chat").value(t.group.chat_id);
      w.key("households").value(t.households);
      w.key("reachable").value(t.reachable);
      w.end_object();
    }
    w.end_array();
    w.key("updates").begin_array();
    for (const auto& u : i.updates) {
      w.begin_object();
      w.key("id").value(u.id);
      w.key("kind").value(u.kind);
      w.key("text").value(u.text);
      w.key("photo_url").value(u.photo_url);
      w.key("expected_restore").value(u.expected_restore);
      w.key("author").value(u.author_id);
      w.key("author_name").value(u.author_name);
      w.key("source").value(u.source);
      w.key("external_id").value(u.external_id);
      w.key("review").value(to_string(u.review));
      w.key("reviewer").value(u.reviewer_id);
      w.key("reject_reason").value(u.reject_reason);
      w.key("created_ms").value(u.created_ms);
      w.key("reviewed_ms").value(u.reviewed_ms);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

}  // namespace

bool IncidentApi::owns(std::string_view path) {
  return path == kIncidents || path.rfind("incidents/", 0) == 0;
}

std::error_code IncidentApi::verify(const HttpRequest& req) const {
  if (options_.secret.empty()) return make_error_code(errc::unauthorized);  // not configured
  return adapters::bridge::verify_signed(req, options_.secret, clock_.now_s(), options_.max_skew_s);
}

void IncidentApi::handle(const HttpRequest& req, std::string_view path, Reply reply,
                         const console::Scope* scope) {
  path = path.substr(0, path.find('?'));
  if (req.method == "GET") {
    if (scope == nullptr && !bearer_ok(req, options_.api_token))
      return reply(unauthorized_bearer());
    return reply(get(req, path, scope));
  }
  if (req.method != "POST") return reply(error_response(make_error_code(errc::method_not_allowed)));
  if (auto ec = verify(req)) return reply(error_response(ec));
  if (path == kIncidents) return post(req, 0, std::move(reply));
  // incidents/{no}/updates
  auto rest = path.substr(kIncidents.size() + 1);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || rest.substr(slash + 1) != "updates")
    return reply(error_response(make_error_code(errc::not_found), path));
  const int64_t no = parse_no(rest.substr(0, slash));
  if (no == 0) return reply(bad("an incident number: 12 or E12"));
  post(req, no, std::move(reply));
}

void IncidentApi::post(const HttpRequest& req, int64_t no, Reply reply) {
  auto sub = std::make_shared<incidents::IncidentSubmission>();
  if (auto why = read_submission(service_, req.body, no != 0, sub.get()); !why.empty())
    return reply(bad(why));
  auto out = std::make_shared<incidents::IncidentOutcome>();
  auto work = [this, sub, out, no](store::WriteTx& tx) {
    *out = no == 0 ? service_.submit_incident(tx, *sub) : service_.submit_update(tx, no, *sub);
  };
  // Ack means durable: the answer is sent from the commit callback (as Pipeline does).
  store_.write(std::move(work), [out, reply = std::move(reply),
                                 is_update = no != 0](std::error_code ec) {
    if (ec) return reply(error_response(ec));
    if (out->error == "not_found")
      return reply(error_response(make_error_code(errc::not_found), "incident"));
    if (out->error.rfind("closed", 0) == 0) {
      JsonWriter w;
      w.begin_object().key("error").value("conflict").key("detail").value(out->error).end_object();
      return reply(json_response(409, w.take()));
    }
    if (!out->error.empty()) return reply(bad(out->error));
    JsonWriter w;
    w.begin_object();
    w.key("no").value(out->no);
    w.key("label").value(Incident::label_of(out->no));
    if (is_update || out->update_id != 0) w.key("update_id").value(out->update_id);
    w.key("review").value(to_string(out->review));
    w.key("groups").value(static_cast<int64_t>(out->groups));
    w.key("households").value(out->households);
    w.key("duplicate").value(out->duplicate);
    w.end_object();
    reply(json_response(out->duplicate ? 200 : 201, w.take()));
  });
}

HttpResponse IncidentApi::get(const HttpRequest& req, std::string_view path,
                              const console::Scope* scope) {
  JsonWriter w;
  if (path == kIncidents) {
    store::IncidentQuery q;
    auto u = boost::urls::parse_origin_form(req.target);
    if (!u) return bad("bad request target");
    for (auto p : u->params()) {
      const std::string value(p.value);
      if (p.key == "status" && !value.empty()) {
        auto st = parse_incident_status(value);
        if (!st) return bad("status is open, restored or closed");
        q.status = st;
      } else if (p.key == "limit" || p.key == "before") {
        const bool is_limit = p.key == "limit";
        const auto v = parse_int<int64_t>(value, is_limit ? 1 : 0, is_limit ? 1000 : INT64_MAX);
        if (!v) return bad("limit is 1..1000, before a number");
        if (is_limit)
          q.limit = static_cast<int>(*v);
        else
          q.before_no = *v;
      }
    }
    w.begin_object().key("incidents").begin_array();
    // An account's list is the page filtered to its subtree (incidents are few).
    for (const auto& i : store_.incidents(q))
      if (scope == nullptr || scope->incident(i)) write_incident(w, i, false);
    w.end_array().end_object();
    return json_response(200, w.take());
  }
  const int64_t no = parse_no(path.substr(kIncidents.size() + 1));
  if (no == 0) return bad("an incident number: 12 or E12");
  auto i = store_.incident(no);
  if (!i || (scope != nullptr && !scope->incident(*i)))
    return error_response(make_error_code(errc::not_found), "incident " + Incident::label_of(no));
  write_incident(w, *i, true);
  return json_response(200, w.take());
}

}  // namespace gridbot::api
