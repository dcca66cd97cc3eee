// The error policy's codes (docs/conventions.md "Errors"): expected failures are values of
// gridbot::errc, each with a human message, and each maps to one HTTP status in the single table
// http_status().
#pragma once

#include <string>
#include <system_error>

namespace gridbot {

enum class errc {
  bad_signature = 1,   // 401
  stale_timestamp,     // 401
  unauthorized,        // 401 (API bearer token)
  body_too_large,      // 413
  malformed,           // 400
  bad_request,         // 400
  unknown_channel,     // 404
  not_found,           // 404
  method_not_allowed,  // 405
  draining,            // 503
  store_unavailable,   // 503
  internal,            // 500
  forbidden,           // 403 (outside the account's subtree, or its role may not)
};

const std::error_category& gridbot_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), gridbot_category()};
}

/// The one table from error to HTTP status. Codes of other categories map to 500.
int http_status(std::error_code ec) noexcept;

/// The code's name ("bad_signature", "malformed", …) for logs and metrics labels; "other" for
/// codes of other categories.
const char* error_name(std::error_code ec) noexcept;

}  // namespace gridbot

template <>
struct std::is_error_code_enum<gridbot::errc> : std::true_type {};
