// Messages of gridbot::errc and the single error → HTTP status table.
#include "base/common/errors.hpp"

namespace gridbot {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gridbot"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_signature:
        return "signature does not match";
      case errc::stale_timestamp:
        return "timestamp outside the replay window";
      case errc::unauthorized:
        return "missing or wrong bearer token";
      case errc::body_too_large:
        return "body over the size limit";
      case errc::malformed:
        return "malformed payload";
      case errc::bad_request:
        return "bad request";
      case errc::unknown_channel:
        return "unknown channel";
      case errc::not_found:
        return "not found";
      case errc::method_not_allowed:
        return "method not allowed";
      case errc::draining:
        return "server is shutting down";
      case errc::store_unavailable:
        return "store unavailable";
      case errc::internal:
        return "internal error";
      case errc::forbidden:
        return "forbidden";
    }
    return "unknown gridbot error";
  }
};

}  // namespace

const std::error_category& gridbot_category() noexcept {
  static const Category category;
  return category;
}

const char* error_name(std::error_code ec) noexcept {
  if (ec.category() != gridbot_category()) return "other";
  switch (static_cast<errc>(ec.value())) {
    case errc::bad_signature:
      return "bad_signature";
    case errc::stale_timestamp:
      return "stale_timestamp";
    case errc::unauthorized:
      return "unauthorized";
    case errc::body_too_large:
      return "body_too_large";
    case errc::malformed:
      return "malformed";
    case errc::bad_request:
      return "bad_request";
    case errc::unknown_channel:
      return "unknown_channel";
    case errc::not_found:
      return "not_found";
    case errc::method_not_allowed:
      return "method_not_allowed";
    case errc::draining:
      return "draining";
    case errc::store_unavailable:
      return "store_unavailable";
    case errc::internal:
      return "internal";
    case errc::forbidden:
      return "forbidden";
  }
  return "other";
}

int http_status(std::error_code ec) noexcept {
  if (!ec) return 200;
  if (ec.category() != gridbot_category()) return 500;
  switch (static_cast<errc>(ec.value())) {
    case errc::bad_signature:
    case errc::stale_timestamp:
    case errc::unauthorized:
      return 401;
    case errc::body_too_large:
      return 413;
    case errc::malformed:
    case errc::bad_request:
      return 400;
    case errc::unknown_channel:
    case errc::not_found:
      return 404;
    case errc::method_not_allowed:
      return 405;
    case errc::draining:
    case errc::store_unavailable:
      return 503;
    case errc::internal:
      return 500;
    case errc::forbidden:
      return 403;
  }
  return 500;
}

}  // namespace gridbot
