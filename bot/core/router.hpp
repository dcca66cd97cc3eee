// Routes plain HTTP requests: /healthz, /hook/{channel}, and the read API under /api/v1 behind a
// bearer token (docs/api.md). Handlers are thin; the work is in Pipeline and Store.
#pragma once

#include "bot/common/http_types.hpp"
#include "bot/core/outbox.hpp"
#include "bot/core/pipeline.hpp"
#include "bot/store/store.hpp"

#include <functional>
#include <string>

namespace gridbot::core {

class IncidentApi;

/// Thread safety: handle() is safe from any thread.
class Router {
 public:
  using Reply = std::function<void(HttpResponse)>;

  Router(Pipeline& pipeline, store::Store& store, std::string api_token, const Outbox* outbox)
      : pipeline_(pipeline), store_(store), api_token_(std::move(api_token)), outbox_(outbox) {}

  /// /api/v1/incidents… goes to `api` (signed POSTs, bearer GETs). Set before serving.
  void set_incident_api(IncidentApi* api) { incidents_ = api; }

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
};

}  // namespace gridbot::core
