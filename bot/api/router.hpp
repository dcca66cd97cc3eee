// The route table: /healthz, /hook/{channel} (the inbox), /api/v1/incidents… (the incident
// API), /api/v1/* (the read API). A store that cannot answer a read is a 503, never an empty 200.
#pragma once

#include "base/common/http_types.hpp"
#include "base/common/metrics.hpp"
#include "base/common/clock.hpp"
#include "bot/api/read_api.hpp"
#include "bot/console/auth.hpp"
#include "bot/delivery/outbox.hpp"
#include "bot/intake/inbox.hpp"
#include "bot/store/store.hpp"

#include <atomic>
#include <functional>
#include <string>

namespace gridbot::console {
class ConsoleApi;
}

namespace gridbot::api {

class IncidentApi;
class MediaRoute;

/// SIGHUP reloads of rules/templates/commands, counted by the serve loop and shown in /healthz.
struct ReloadCounts {
  std::atomic<uint64_t> reloaded{0};
  std::atomic<uint64_t> refused{0};
};

/// Thread safety: handle() is safe from any thread.
class Router {
 public:
  using Reply = std::function<void(HttpResponse)>;

  Router(intake::Inbox& inbox, store::Store& store, std::string api_token,
         const delivery::Outbox* outbox)
      : inbox_(inbox),
        own_auth_(store, clock_, {api_token}),
        reads_(store, std::move(api_token), nullptr),
        outbox_(outbox) {}

  /// /api/v1/incidents… goes to `api` (signed POSTs, bearer GETs). Set before serving.
  void set_incident_api(IncidentApi* api) { incidents_ = api; }
  /// Serves the console (/, /console/…) and authenticates /api/v1 and /metrics with `auth`
  /// (account tokens scoped to their subtree of `tree()`, api.token over the whole tree). Without
  /// it only api.token opens them. Set before serving.
  void set_console(console::ConsoleApi* console, console::Authenticator* auth,
                   std::function<std::shared_ptr<const OrgTree>()> tree) {
    console_ = console;
    auth_ = auth;
    tree_ = std::move(tree);
  }
  /// Serves /media/<name> and lists a ticket's media with links in /api/v1/tickets/{no}. Set
  /// before serving.
  void set_media(const MediaRoute* media) {
    media_ = media;
    reads_.set_media(media);
  }
  /// Enables /api/v1/stats and /api/v1/return-visits. Set before serving.
  void set_tickets(const tickets::TicketConfig* config);
  /// Shows the reload counts in /healthz and /metrics. Set before serving.
  void set_reload_counts(const ReloadCounts* counts) { reloads_ = counts; }
  /// Sets the gauges that are read at scrape time (outbox depth, open incidents) before
  /// /metrics renders. Set before serving.
  void set_gauges(std::function<void(metrics::Registry&)> gauges) { gauges_ = std::move(gauges); }
  /// Takes a well-formed X-Request-Id from the request (log::valid_request_id) instead of making
  /// one: only behind a proxy that sets the header itself. Set before serving.
  void set_trust_request_id(bool trust) { trust_request_id_ = trust; }

  /// Calls `reply` exactly once, possibly from another thread (the store's writer).
  void handle(const HttpRequest& request, Reply reply);

 private:
  std::string request_id_of(const HttpRequest& req) const;
  HttpResponse health() const;
  HttpResponse metrics_page(const HttpRequest& req);
  void dispatch(const HttpRequest& request, const std::string& path, Params& params, Reply& reply);
  void route_api(const HttpRequest& req, std::string_view path, Params& params, Reply& reply);

  /// The caller of an /api/v1 or /metrics request and what it may see, or nullopt (401).
  std::optional<console::Scope> bearer_scope(const HttpRequest& req, console::Principal* who);

  intake::Inbox& inbox_;
  SystemClock clock_;
  console::Authenticator own_auth_;  // api.token alone, until set_console
  console::Authenticator* auth_ = nullptr;
  console::ConsoleApi* console_ = nullptr;
  std::function<std::shared_ptr<const OrgTree>()> tree_;
  ReadApi reads_;
  const delivery::Outbox* outbox_;
  IncidentApi* incidents_ = nullptr;
  const MediaRoute* media_ = nullptr;
  const ReloadCounts* reloads_ = nullptr;
  std::function<void(metrics::Registry&)> gauges_;
  bool trust_request_id_ = false;
};

}  // namespace gridbot::api
