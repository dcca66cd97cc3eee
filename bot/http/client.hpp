// The outbound HTTP(S) client: Beast with C++20 coroutines, an overall deadline per request, TLS
// with peer and host-name verification (docs/conventions.md "TLS").
#pragma once

#include "base/common/http_types.hpp"
#include "bot/http/runtime.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace gridbot::http {

struct ClientOptions {
  std::string ca_file;  // extra trusted CA (tests' own CA); system CAs always trusted
  size_t response_body_limit = 1024 * 1024;
};

/// Thread safety: send() is safe from any thread.
class Client {
 public:
  Client(Runtime& runtime, ClientOptions options);
  ~Client();

  /// Sends request to request.url (http:// or https://). `done` is called once on an I/O thread
  /// with the status and body, or with an error (bad URL, resolve, connect, TLS, timeout).
  void send(HttpRequest request, int64_t timeout_ms, std::function<void(TransportResult)> done);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace gridbot::http
