#include "bot/api/router.hpp"

#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "base/common/log.hpp"
#include "bot/api/auth.hpp"
#include "bot/api/incident_api.hpp"
#include "bot/api/media_route.hpp"
#include "bot/console/console_api.hpp"

#include <boost/url/parse.hpp>

#include <chrono>

namespace gridbot::api {
namespace {

bool parse_target(std::string_view target, std::string& path, Params& params) {
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return false;
  path = std::string(u->encoded_path());
  for (auto p : u->params()) params[std::string(p.key)] = std::string(p.value);
  return true;
}

// The route as a metrics label: a closed set, whatever the path (no label from outside input).
std::string route_label(std::string_view path) {
  if (path == "/healthz" || path == "/metrics") return std::string(path.substr(1));
  if (path.rfind("/hook/", 0) == 0) return "hook";
  if (path.rfind("/media/", 0) == 0) return "media";
  if (path.rfind("/console/api/", 0) == 0) return "console/api";
  if (path == "/" || path.rfind("/console", 0) == 0) return "console";
  constexpr std::string_view kApi = "/api/v1/";
  if (path.rfind(kApi, 0) != 0) return "other";
  const auto rest = path.substr(kApi.size());
  const auto first = rest.substr(0, rest.find('/'));
  for (std::string_view known :
       {"messages", "deliveries", "tickets", "stats", "return-visits", "incidents"})
    if (first == known)
      return "api/" + std::string(known) + (first.size() < rest.size() ? "/*" : "");
  return "api/other";
}

}  // namespace

void Router::set_tickets(const tickets::TicketConfig* config) { reads_.set_tickets(config); }

std::string Router::request_id_of(const HttpRequest& req) const {
  if (trust_request_id_) {
    const auto theirs = header_value(req.headers, "X-Request-Id");
    if (log::valid_request_id(theirs)) return std::string(theirs);
  }
  return log::new_request_id();
}

void Router::handle(const HttpRequest& req, Reply reply) {
  // Everything this request causes, here and on the store's writer thread, logs under its id.
  log::RequestScope scope(request_id_of(req));
  std::string path;
  Params params;
  if (!parse_target(req.target, path, params)) path = "?";
  // Every answer is counted by route and status, logged, and names its request id, whichever
  // thread gives it.
  Reply counted = [reply = std::move(reply), route = route_label(path), id = log::request_id(),
                   method = req.method,
                   started = std::chrono::steady_clock::now()](HttpResponse r) {
    metrics::global().inc("gridbot_http_requests_total",
                          {{"route", route}, {"status", std::to_string(r.status)}});
    const int64_t took = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
    // Probes and scrapes come every few seconds: not worth a line each at info.
    const auto lvl =
        route == "healthz" || route == "metrics" ? log::level::debug : log::level::info;
    log::Context ctx{"http",
                     {{"request_id", id},
                      {"method", method},
                      {"route", route},
                      {"status", r.status},
                      {"duration_ms", took}}};
    log::vlog(lvl, ctx, "http: {} {} {} in {} ms",
              fmt::make_format_args(method, route, r.status, took));
    r.headers.emplace_back("X-Request-Id", id);
    reply(std::move(r));
  };
  if (path == "?")
    return counted(error_response(make_error_code(errc::bad_request), "bad request target"));
  dispatch(req, path, params, counted);
}

void Router::dispatch(const HttpRequest& req, const std::string& path, Params& params,
                      Reply& reply) {
  if (path == "/metrics") {
    if (req.method != "GET")
      return reply(error_response(make_error_code(errc::method_not_allowed)));
    return reply(metrics_page(req));
  }
  if (path == "/healthz") {
    if (req.method != "GET" && req.method != "HEAD")
      return reply(error_response(make_error_code(errc::method_not_allowed)));
    return reply(health());
  }
  constexpr std::string_view kHook = "/hook/";
  if (path.rfind(kHook, 0) == 0) {
    const std::string_view channel = std::string_view(path).substr(kHook.size());
    if (channel.empty() || channel.find('/') != std::string_view::npos)
      return reply(error_response(make_error_code(errc::unknown_channel)));
    return inbox_.handle_hook(channel, req, std::move(reply));
  }
  constexpr std::string_view kMedia = "/media/";
  if (media_ != nullptr && path.rfind(kMedia, 0) == 0) {
    try {
      return reply(media_->handle(req, std::string_view(path).substr(kMedia.size()), params));
    } catch (const store::ReadError&) {
      return reply(error_response(make_error_code(errc::store_unavailable)));
    }
  }
  constexpr std::string_view kApi = "/api/v1/";
  if (path.rfind(kApi, 0) == 0)
    return route_api(req, std::string_view(path).substr(kApi.size()), params, reply);
  if (console_ != nullptr && console::ConsoleApi::owns(path)) {
    try {
      return console_->handle(req, path, params, reply);
    } catch (const store::ReadError&) {
      return reply(error_response(make_error_code(errc::store_unavailable)));
    }
  }
  reply(error_response(make_error_code(errc::not_found), path));
}

std::optional<console::Scope> Router::bearer_scope(const HttpRequest& req,
                                                   console::Principal* who) {
  auto p = (auth_ != nullptr ? *auth_ : own_auth_).bearer(req);
  if (!p) return std::nullopt;
  if (who != nullptr) *who = *p;
  if (tree_) return console::Scope(*p, tree_());
  // Without the console only api.token opens the API, and it sees the whole tree.
  static const auto kEmpty = [] {
    std::vector<std::string> errors;
    return std::make_shared<const OrgTree>(*OrgTree::build({}, &errors));
  }();
  return console::Scope(*p, kEmpty);
}

void Router::route_api(const HttpRequest& req, std::string_view path, Params& params,
                       Reply& reply) {
  try {
    // The signed POSTs of a utility system carry no bearer token: IncidentApi checks them.
    if (incidents_ != nullptr && IncidentApi::owns(path) && req.method == "POST")
      return incidents_->handle(req, path, std::move(reply));
    auto scope = bearer_scope(req, nullptr);
    if (!scope) return reply(unauthorized_bearer());
    if (incidents_ != nullptr && IncidentApi::owns(path))
      return incidents_->handle(req, path, std::move(reply), &*scope);
    reply(reads_.handle(req, path, params, *scope));
  } catch (const store::ReadError&) {
    // The disk failed under a read: say so (retry later), never answer 200 with nothing.
    reply(error_response(make_error_code(errc::store_unavailable)));
  }
}

HttpResponse Router::metrics_page(const HttpRequest& req) {
  console::Principal who;
  const auto scope = bearer_scope(req, &who);
  if (!scope) return unauthorized_bearer();
  // City-wide figures: admin accounts only (api.token is one).
  if (!console::allowed(who, console::Permission::admin))
    return error_response(make_error_code(errc::forbidden), "metrics need an admin token");
  auto& reg = metrics::global();
  if (reloads_ != nullptr) {
    reg.set("gridbot_rules_reloads_total", {{"result", "reloaded"}},
            static_cast<double>(reloads_->reloaded.load()));
    reg.set("gridbot_rules_reloads_total", {{"result", "refused"}},
            static_cast<double>(reloads_->refused.load()));
  }
  try {
    if (gauges_) gauges_(reg);
  } catch (const store::ReadError&) {
    return error_response(make_error_code(errc::store_unavailable));
  }
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  r.body = reg.render();
  return r;
}

HttpResponse Router::health() const {
  JsonWriter w;
  w.begin_object().key("status").value("ok");
  if (outbox_ != nullptr) {
    const auto s = outbox_->stats();
    w.key("outbox").begin_object();
    w.key("queued").value(static_cast<int64_t>(s.queued));
    w.key("in_flight").value(static_cast<int64_t>(s.in_flight));
    w.key("delivered").value(static_cast<int64_t>(s.delivered));
    w.key("failed").value(static_cast<int64_t>(s.failed));
    w.end_object();
  }
  const auto p = inbox_.stats();
  w.key("inbound").begin_object();
  w.key("accepted").value(static_cast<int64_t>(p.accepted));
  w.key("duplicates").value(static_cast<int64_t>(p.duplicates));
  w.key("rejected").value(static_cast<int64_t>(p.rejected));
  w.end_object();
  if (reloads_ != nullptr) {
    w.key("rules").begin_object();
    w.key("reloaded").value(static_cast<int64_t>(reloads_->reloaded.load()));
    w.key("refused").value(static_cast<int64_t>(reloads_->refused.load()));
    w.end_object();
  }
  w.end_object();
  return json_response(200, w.take());
}

}  // namespace gridbot::api
