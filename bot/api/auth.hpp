// The read API's bearer token check, for every route that reads (docs/api.md "Authentication").
#pragma once

#include "base/common/http_types.hpp"

#include <string_view>

namespace gridbot::api {

/// True when the request carries "Authorization: Bearer <token>" (compared in constant time) and
/// a token is configured at all.
bool bearer_ok(const HttpRequest& request, std::string_view token);
/// 401 with WWW-Authenticate: Bearer.
HttpResponse unauthorized_bearer();

}  // namespace gridbot::api
