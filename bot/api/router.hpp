// Routes plain HTTP requests: /healthz, /hook/{channel}, and the read API under /api/v1 behind a
// bearer token (docs/api.md). Handlers are thin; the work is in Pipeline and Store.
#pragma once

#include "bot/common/http_types.hpp"
#include "bot/core/outbox.hpp"
#include "bot/core/pipeline.hpp"
#include "bot/core/ticket_service.hpp"

#include <atomic>
#include <map>
#include "bot/store/store.hpp"

#include <functional>
#include <string>

namespace gridbot::core {

class IncidentApi;

/// SIGHUP reloads of rules/templates/commands, counted by the serve loop and shown in /healthz.
struct ReloadCounts {
  std::atomic<uint64_t> reloaded{0};
  std::atomic<uint64_t> refused{0};
};

/// Thread safety: handle() is safe from any thread.
class Router {
 public:
  using Reply = std::function<void(HttpResponse)>;

  Router(Pipeline& pipeline, store::Store& store, std::string api_token, const Outbox* outbox)
      : pipeline_(pipeline), store_(store), api_token_(std::move(api_token)), outbox_(outbox) {}

  /// /api/v1/incidents… goes to `api` (signed POSTs, bearer GETs). Set before serving.
  void set_incident_api(IncidentApi* api) { incidents_ = api; }
  /// Enables /api/v1/stats and /api/v1/return-visits. Set before serving.
  void set_tickets(const TicketService* tickets) { tickets_ = tickets; }
  /// Shows the reload counts in /healthz. Set before serving.
  void set_reload_counts(const ReloadCounts* counts) { reloads_ = counts; }

  /// Calls `reply` exactly once, possibly from another thread (the store's writer).
  void handle(const HttpRequest& request, Reply reply);

 private:
  HttpResponse api(const HttpRequest& request, std::string_view path);
  HttpResponse health() const;

  Pipeline& pipeline_;
  store::Store& store_;
  std::string api_token_;
  const Outbox* outbox_;
  IncidentApi* incidents_ = nullptr;
  const TicketService* tickets_ = nullptr;
  const ReloadCounts* reloads_ = nullptr;
  HttpResponse stats(std::map<std::string, std::string>& params);
  HttpResponse return_visits(std::map<std::string, std::string>& params);
};

}  // namespace gridbot::core
