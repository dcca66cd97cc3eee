// Plain HTTP message structs: what adapters, the core and bot/http exchange, so that Beast types
// never leave bot/http (docs/design.md "Beast stays in bot/http").
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace gridbot {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive header lookup; returns "" when absent.
std::string_view header_value(const Headers& headers, std::string_view name);
/// Every value of a header that may repeat (X-Forwarded-For), in the order received.
std::vector<std::string_view> header_values(const Headers& headers, std::string_view name);

/// RFC 9110: the name is a non-empty token, the value has no control character but HTAB (so no
/// CR or LF that would end the header or the request).
bool is_valid_header(std::string_view name, std::string_view value);

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, e.g. "/hook/bridge?x=1"
  Headers headers;
  std::string body;
  std::string url;   // outbound only: absolute URL the client sends to
  std::string peer;  // inbound only: the client's IP address (login throttling, the audit log)
};

struct HttpResponse {
  int status = 200;
  Headers headers;  // Content-Type defaults to application/json when absent
  std::string body;
};

/// What an outbound send came back with: a transport error, or a status and body.
struct TransportResult {
  std::error_code error;  // connect/TLS/timeout failure; status is then 0
  int status = 0;
  Headers headers;
  std::string body;
};

/// A JSON error body {"error": code, "message": text} with the status of the one table.
HttpResponse error_response(std::error_code ec, std::string_view detail = {});
HttpResponse json_response(int status, std::string body);

}  // namespace gridbot
