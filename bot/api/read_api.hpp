// GET /api/v1/{messages,deliveries,tickets,tickets/N,stats,return-visits} behind the bearer token
// (docs/api.md). Handlers are thin: a query from the parameters, the store's answer as JSON.
#pragma once

#include "base/common/http_types.hpp"
#include "bot/console/scope.hpp"
#include "bot/store/store.hpp"
#include "bot/tickets/config.hpp"

#include <map>
#include <string>
#include <string_view>

namespace gridbot::api {

class MediaRoute;

using Params = std::map<std::string, std::string>;

/// Thread safety: handle() is safe from any thread.
class ReadApi {
 public:
  ReadApi(store::Store& store, std::string token, const tickets::TicketConfig* tickets)
      : store_(store), token_(std::move(token)), tickets_(tickets) {}

  /// Enables stats and return visits (they need the ticket settings). Before serving.
  void set_tickets(const tickets::TicketConfig* config) { tickets_ = config; }
  /// Lists a ticket's media, with signed links, in tickets/{no}. Before serving.
  void set_media(const MediaRoute* media) { media_ = media; }
  /// `path` is what follows /api/v1/; the caller is authenticated and sees `scope` only (an
  /// account's subtree; the whole tree for api.token). A store that cannot answer throws
  /// store::ReadError.
  HttpResponse handle(const HttpRequest& request, std::string_view path, Params& params,
                      const console::Scope& scope);

 private:
  HttpResponse messages(Params& params, int64_t before, int limit, const console::Scope& scope);
  HttpResponse deliveries(Params& params, int64_t before, int limit, const console::Scope& scope);
  HttpResponse tickets(Params& params, int64_t before, int limit);
  HttpResponse ticket(std::string_view digits, const console::Scope& scope);
  HttpResponse stats(Params& params);
  HttpResponse return_visits(Params& params);

  store::Store& store_;
  std::string token_;
  const tickets::TicketConfig* tickets_;  // null: stats and return visits are off
  const MediaRoute* media_ = nullptr;
};

}  // namespace gridbot::api
