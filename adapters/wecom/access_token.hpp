// A WeCom access token (cgi-bin/gettoken with corp id and an app secret), cached until shortly
// before it expires and dropped on the token errcodes. Shared by the outbound types that need it.
#pragma once

#include "base/common/http_types.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace gridbot::adapters::wecom {

/// Thread safety: all methods are safe from any thread (one mutex).
class AccessToken {
 public:
  AccessToken(std::string base_url, std::string corp_id, std::string secret,
              int64_t refresh_margin_ms = 300'000)
      : base_url_(std::move(base_url)),
        corp_id_(std::move(corp_id)),
        secret_(std::move(secret)),
        margin_ms_(refresh_margin_ms) {}

  /// The gettoken request when no token is valid at now_ms (+ margin), else nullopt.
  std::optional<HttpRequest> request(int64_t now_ms) const;
  /// Takes gettoken's answer; false when it holds no token.
  bool accept(const TransportResult& result, int64_t now_ms);
  /// The cached token, "" when none.
  std::string current() const;
  void drop();
  /// True for errcodes that mean the token is invalid or expired (40014, 42001, 40001).
  static bool is_token_error(int64_t errcode);

 private:
  std::string base_url_, corp_id_, secret_;
  int64_t margin_ms_;
  mutable std::mutex mu_;
  std::string token_;
  int64_t expires_ms_ = 0;
};

/// Percent-encodes a query value.
std::string query_escape(std::string_view s);
/// errcode of a WeCom JSON answer, or -2 when the body is not one.
int64_t errcode_of(const std::string& body);

}  // namespace gridbot::adapters::wecom
