#include "bot/api/auth.hpp"

#include "adapters/common/crypto.hpp"
#include "base/common/errors.hpp"

namespace gridbot::api {

bool bearer_ok(const HttpRequest& req, std::string_view token) {
  const auto auth = header_value(req.headers, "Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  return !token.empty() && auth.rfind(kBearer, 0) == 0 &&
         adapters::constant_time_equal(auth.substr(kBearer.size()), token);
}

HttpResponse unauthorized_bearer() {
  auto r = error_response(make_error_code(errc::unauthorized));
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace gridbot::api
