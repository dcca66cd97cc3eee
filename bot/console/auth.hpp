// Authentication for the console and /api/v1: console sessions in an HttpOnly, SameSite=Strict
// cookie with idle and absolute expiry and a CSRF token for every change; login with argon2id
// passwords, throttled per account and per address; bearer tokens per account, and the
// configured api.token as an admin token over the whole tree (docs/console.md).
#pragma once

#include "base/common/clock.hpp"
#include "base/common/http_types.hpp"
#include "base/common/ip_range.hpp"
#include "bot/console/scope.hpp"
#include "bot/console/throttle.hpp"
#include "bot/store/store.hpp"

#include <functional>
#include <optional>
#include <string>

namespace gridbot::console {

struct AuthOptions {
  std::string api_token;                 // the configured api.token: admin over the whole tree
  int64_t idle_ms = 30 * 60'000;         // a session unused this long is over
  int64_t absolute_ms = 12 * 3'600'000;  // a session this old is over, however busy
  bool secure_cookie = false;            // add Secure (serve the console over HTTPS)
  int account_failures = 5;              // failed logins per account per window
  int address_failures = 20;             // failed logins per address per window
  int64_t throttle_window_ms = 15 * 60'000;
  // Reverse proxies whose X-Forwarded-For is believed (console.trusted_proxies).
  std::vector<IpRange> trusted_proxies = {};
};

inline constexpr std::string_view kSessionCookie = "gridbot_session";

/// The outcome of a login: status 200 with the principal and the Set-Cookie value, 401 wrong
/// name or password (the same answer for both), 429 throttled (retry_after_s), 503 store failure.
struct LoginResult {
  int status = 401;
  Principal principal;
  std::string set_cookie;
  int64_t retry_after_s = 0;
};

/// Thread safety: every method is safe from any thread; writes go through Store::write.
class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock, AuthOptions options);

  /// The caller of an /api/v1 request by its Authorization: Bearer token, or nullopt. A store
  /// that cannot answer throws store::ReadError.
  std::optional<Principal> bearer(const HttpRequest& request) const;
  /// The caller of a console request by its session cookie, when the session is live (not
  /// ended, idle or too old) and its account enabled; moves the idle clock on (at most once a
  /// minute, a write).
  std::optional<Principal> session(const HttpRequest& request);
  /// The request carries the session's CSRF token in X-CSRF-Token (constant-time compare).
  static bool csrf_ok(const HttpRequest& request, const Principal& p);

  /// Checks the throttle, then the password (argon2id, on the calling thread), then writes the
  /// session and an audit row; `done` is called once, from the store's completion thread or this
  /// one.
  void login(const std::string& name, const std::string& password, const std::string& address,
             std::function<void(LoginResult)> done);
  /// Ends the session (and audits it); `done(ec)` after the write.
  void logout(const Principal& p, const std::string& address,
              std::function<void(std::error_code)> done);
  /// The current password of a signed-in account, checked as a login checks it (to change it):
  /// 200 right, 401 wrong (counted by the throttle, as a failed login), 429 throttled, 503 when
  /// the store cannot answer. Runs argon2id on the calling thread.
  int check_password(const Principal& p, const std::string& password, const std::string& address);
  /// The client's address for the throttle and the audit log: the peer, or — only when the peer
  /// is a trusted proxy — the rightmost address of X-Forwarded-For that no trusted proxy added.
  std::string client_address(const HttpRequest& request) const;
  /// The Set-Cookie value that clears the cookie.
  std::string clear_cookie() const;

  const AuthOptions& options() const { return options_; }

 private:
  std::optional<Principal> principal_of(int64_t account_id) const;

  store::Store& store_;
  const Clock& clock_;
  AuthOptions options_;
  LoginThrottle by_account_;
  LoginThrottle by_address_;
};

/// The value of cookie `name` in the request's Cookie headers, or "".
std::string cookie_value(const HttpRequest& request, std::string_view name);

}  // namespace gridbot::console
