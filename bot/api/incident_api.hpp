// /api/v1/incidents: a utility system opens incidents and posts updates (POST, signed like the
// bridge adapter: X-Gridbot-Timestamp + X-Gridbot-Signature = "sha256=" + hex(HMAC-SHA256(secret,
// ts + "\n" + body))); consoles read them (GET, bearer token). See docs/incidents.md and
// docs/api.md.
#pragma once

#include "base/common/clock.hpp"
#include "base/common/http_types.hpp"
#include "bot/console/scope.hpp"
#include "bot/incidents/service.hpp"
#include "bot/store/store.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace gridbot::api {

struct IncidentApiOptions {
  std::string secret;        // HMAC key shared with the utility system; empty: POST is closed
  int64_t max_skew_s = 300;  // replay window of X-Gridbot-Timestamp
  std::string api_token;     // bearer token of the read API
};

/// Thread safety: handle() is safe from any thread; writes go through Store::write.
class IncidentApi {
 public:
  using Reply = std::function<void(HttpResponse)>;
  IncidentApi(incidents::IncidentService& service, store::Store& store, const Clock& clock,
              IncidentApiOptions options)
      : service_(service), store_(store), clock_(clock), options_(std::move(options)) {}

  /// True for "incidents" and "incidents/…" (the path after /api/v1/).
  static bool owns(std::string_view path);
  /// Calls `reply` exactly once. A POST is answered 2xx only after its write is durable:
  /// 201 created, 200 for a retry of the same external_id; 401 bad or stale signature, 400 bad
  /// body or scope, 404 unknown incident, 409 incident no longer open, 503 store failure.
  /// `scope`: the caller of a GET, already authenticated by the router (an account sees the
  /// incidents of its subtree); null: the GET checks api.token itself (whole tree).
  void handle(const HttpRequest& request, std::string_view path, Reply reply,
              const console::Scope* scope = nullptr);

 private:
  std::error_code verify(const HttpRequest& request) const;
  void post(const HttpRequest& request, int64_t no, Reply reply);
  HttpResponse get(const HttpRequest& request, std::string_view path, const console::Scope* scope);

  incidents::IncidentService& service_;
  store::Store& store_;
  const Clock& clock_;
  IncidentApiOptions options_;
};

}  // namespace gridbot::api
