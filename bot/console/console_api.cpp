// ConsoleApi: the gate (session, CSRF, role), login and logout, the static UI, and the dispatch
// to the endpoint files (board.cpp, review.cpp, assessment.cpp, health.cpp, org_import.cpp,
// accounts.cpp).
#include "bot/console/console_api.hpp"

#include "adapters/common/json.hpp"
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "base/common/strict_int.hpp"

#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

namespace gridbot::console {
namespace {

constexpr std::string_view kPrefix = "/console/";
constexpr std::string_view kApi = "/console/api/";

// Every console answer: never cached, never framed by another site, scripts only our own.
void harden(HttpResponse& r) {
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data: https:; object-src 'none'; "
                         "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
}

const char* content_type(std::string_view file) {
  auto ends = [&](std::string_view ext) {
    return file.size() >= ext.size() && file.substr(file.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  return nullptr;
}

// A file name of web/: letters, digits, '-', '_' and one '.', nothing that climbs out.
bool plain_name(std::string_view f) {
  if (f.empty() || f.size() > 64 || f.front() == '.') return false;
  for (char ch : f)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.')
      return false;
  return f.find("..") == std::string_view::npos;
}

HttpResponse redirect(std::string location) {
  HttpResponse r;
  r.status = 302;
  r.headers.emplace_back("Location", std::move(location));
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  return r;
}

void write_principal(JsonWriter& w, const Principal& p, const OrgTree& tree) {
  const OrgNode* n = tree.find(p.node);
  w.key("name").value(p.name);
  w.key("display_name").value(p.display_name);
  w.key("node").value(p.node);
  w.key("node_name").value(n ? n->name : p.node);
  w.key("node_level").value(n ? to_string(n->level) : "");
  w.key("role").value(to_string(p.role));
  w.key("csrf").value(p.csrf);
}

}  // namespace

HttpResponse json_error(int status, std::string_view error, std::string_view detail) {
  JsonWriter w;
  w.begin_object().key("error").value(error).key("detail").value(detail).end_object();
  return json_response(status, w.take());
}

std::optional<std::map<std::string, std::string>> body_fields(const std::string& body) {
  rapidjson::Document doc;
  if (!adapters::parse_json_strict(body, doc) || !doc.IsObject()) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& m : doc.GetObject()) {
    if (!m.value.IsString()) return std::nullopt;
    out[std::string(m.name.GetString(), m.name.GetStringLength())] =
        std::string(m.value.GetString(), m.value.GetStringLength());
  }
  return out;
}

bool ConsoleApi::owns(std::string_view path) {
  return path == "/" || path == "/console" || path.rfind(kPrefix, 0) == 0;
}

AuditEntry ConsoleApi::audit_entry(const Call& c, std::string action, std::string target) const {
  AuditEntry e;
  e.at_ms = clock_.now_ms();
  e.account_id = c.who.account_id;
  e.account = c.who.name;
  e.action = std::move(action);
  e.target = std::move(target);
  e.address = auth_.client_address(c.req);
  return e;
}

void ConsoleApi::handle(const HttpRequest& req, const std::string& path, Params& params,
                        Reply reply) {
  Reply hardened = [reply = std::move(reply)](HttpResponse r) {
    harden(r);
    reply(std::move(r));
  };
  if (path == "/" || path == "/console") return hardened(redirect("/console/"));
  if (path.rfind(kApi, 0) == 0)
    return api(req, std::string_view(path).substr(kApi.size()), params, hardened);
  if (req.method != "GET" && req.method != "HEAD")
    return hardened(error_response(make_error_code(errc::method_not_allowed)));
  std::string file = path.substr(kPrefix.size());
  if (file.empty()) file = "index.html";
  const char* type = content_type(file);
  std::ifstream in(options_.web_dir + "/" + file, std::ios::binary);
  if (!plain_name(file) || type == nullptr || !in)
    return hardened(error_response(make_error_code(errc::not_found), path));
  std::ostringstream body;
  body << in.rdbuf();
  HttpResponse r;
  r.headers.emplace_back("Content-Type", type);
  r.body = body.str();
  hardened(std::move(r));
}

void ConsoleApi::login(const HttpRequest& req, Reply& reply) {
  auto f = body_fields(req.body);
  if (!f || (*f)["name"].empty() || (*f)["password"].empty() || (*f)["name"].size() > 64 ||
      (*f)["password"].size() > 1024)
    return reply(json_error(400, "bad_request", "name and password"));
  auto k = tickets_.knowledge();
  auth_.login((*f)["name"], (*f)["password"], auth_.client_address(req), [reply, k](LoginResult r) {
    if (r.status == 429) {
      auto resp = json_error(429, "throttled", "too many failed logins; try again later");
      resp.headers.emplace_back("Retry-After", std::to_string(r.retry_after_s));
      return reply(std::move(resp));
    }
    if (r.status == 503) return reply(error_response(make_error_code(errc::store_unavailable)));
    if (r.status != 200) return reply(json_error(401, "unauthorized", "wrong name or password"));
    JsonWriter w;
    w.begin_object();
    write_principal(w, r.principal, *k->tree);
    w.end_object();
    auto resp = json_response(200, w.take());
    resp.headers.emplace_back("Set-Cookie", r.set_cookie);
    reply(std::move(resp));
  });
}

void ConsoleApi::api(const HttpRequest& req, std::string_view path, Params& params, Reply& reply) {
  const bool change = req.method == "POST";
  if (!change && req.method != "GET")
    return reply(error_response(make_error_code(errc::method_not_allowed)));
  if (path == "login") {
    if (!change) return reply(error_response(make_error_code(errc::method_not_allowed)));
    return login(req, reply);
  }
  auto who = auth_.session(req);
  if (!who) {
    auto r = json_error(401, "unauthorized", "not logged in");
    r.headers.emplace_back("Set-Cookie", auth_.clear_cookie());
    return reply(std::move(r));
  }
  // SameSite=Strict keeps other sites' requests from carrying the cookie; the token also stops
  // a same-site page or a forged form that does.
  if (change && !Authenticator::csrf_ok(req, *who))
    return reply(json_error(403, "csrf", "missing or wrong X-CSRF-Token"));
  auto k = tickets_.knowledge();
  Call c{req, params, *who, Scope(*who, k->tree), k};

  if (path == "logout" && change) {
    return auth_.logout(c.who, auth_.client_address(req), [reply, this](std::error_code ec) {
      if (ec) return reply(error_response(ec));
      auto r = json_response(200, "{}");
      r.headers.emplace_back("Set-Cookie", auth_.clear_cookie());
      reply(std::move(r));
    });
  }
  if (path == "me" && !change) {
    JsonWriter w;
    w.begin_object();
    write_principal(w, c.who, *k->tree);
    w.end_object();
    return reply(json_response(200, w.take()));
  }
  // tickets, tickets/{no}, tickets/{no}/actions
  constexpr std::string_view kTickets = "tickets";
  if (path == kTickets && !change) return reply(tickets(c));
  if (path.rfind("tickets/", 0) == 0) {
    auto rest = path.substr(kTickets.size() + 1);
    const auto slash = rest.find('/');
    const auto no = parse_int<int64_t>(rest.substr(0, slash), 1);
    if (!no) return reply(json_error(400, "bad_request", "a ticket number"));
    if (slash == std::string_view::npos && !change) return reply(ticket(c, *no));
    if (rest.substr(slash + 1) == "actions" && change) return ticket_action(c, *no, reply);
  }
  // incidents, incidents/{no}, incidents/{no}/updates/{id}/review
  constexpr std::string_view kIncidents = "incidents";
  if (path == kIncidents && !change) return reply(incidents(c));
  if (path.rfind("incidents/", 0) == 0) {
    auto rest = path.substr(kIncidents.size() + 1);
    if (!rest.empty() && (rest[0] == 'E' || rest[0] == 'e')) rest.remove_prefix(1);
    const auto slash = rest.find('/');
    const auto no = parse_int<int64_t>(rest.substr(0, slash), 1);
    if (!no) return reply(json_error(400, "bad_request", "an incident number"));
    if (slash == std::string_view::npos && !change) return reply(incident(c, *no));
    constexpr std::string_view kUpdates = "updates/";
    auto tail = rest.substr(slash + 1);
    if (change && tail.rfind(kUpdates, 0) == 0) {
      tail.remove_prefix(kUpdates.size());
      const auto s2 = tail.find('/');
      const auto id = parse_int<int64_t>(tail.substr(0, s2), 1);
      if (id && s2 != std::string_view::npos && tail.substr(s2 + 1) == "review")
        return review(c, *no, *id, reply);
    }
  }
  if (!change && (path == "assessment" || path == "assessment.csv" || path == "assessment.xlsx"))
    return reply(assessment(c, path));
  if (path == "health" && !change) return reply(health(c));
  if (path == "org" && !change) return reply(org(c));
  if ((path == "org/preview" || path == "org/apply") && change)
    return org_import(c, path == "org/apply", reply);
  if (path == "audit" && !change) return reply(audit(c));
  if (path == "accounts" && !change) return reply(accounts(c));
  if (path == "accounts" && change) return add_account(c, reply);
  if (path == "password" && change) return change_own_password(c, reply);
  // accounts/{disable|enable|password|revoke} {name, …}: the name in the body, where any
  // character a login name may hold is safe.
  constexpr std::string_view kAccounts = "accounts/";
  if (change && path.rfind(kAccounts, 0) == 0)
    return manage_account(c, path.substr(kAccounts.size()), reply);
  reply(error_response(make_error_code(errc::not_found), path));
}

}  // namespace gridbot::console
