#include "bot/api/router.hpp"

#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "base/common/log.hpp"
#include "bot/api/incident_api.hpp"

#include <boost/url/parse.hpp>

namespace gridbot::api {
namespace {

bool parse_target(std::string_view target, std::string& path, Params& params) {
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return false;
  path = std::string(u->encoded_path());
  for (auto p : u->params()) params[std::string(p.key)] = std::string(p.value);
  return true;
}

}  // namespace

void Router::set_tickets(const tickets::TicketConfig* config) { reads_.set_tickets(config); }

void Router::handle(const HttpRequest& req, Reply reply) {
  std::string path;
  Params params;
  if (!parse_target(req.target, path, params))
    return reply(error_response(make_error_code(errc::bad_request), "bad request target"));
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
  constexpr std::string_view kApi = "/api/v1/";
  if (path.rfind(kApi, 0) == 0)
    return route_api(req, std::string_view(path).substr(kApi.size()), params, reply);
  reply(error_response(make_error_code(errc::not_found), path));
}

void Router::route_api(const HttpRequest& req, std::string_view path, Params& params,
                       Reply& reply) {
  try {
    if (incidents_ != nullptr && IncidentApi::owns(path))
      return incidents_->handle(req, path, std::move(reply));
    reply(reads_.handle(req, path, params));
  } catch (const store::ReadError&) {
    // The disk failed under a read: say so (retry later), never answer 200 with nothing.
    reply(error_response(make_error_code(errc::store_unavailable)));
  }
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
