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

  /// Reads the system CA bundle (30-70 ms of CPU with OpenSSL 3) on a thread of its own, so that
  /// the first TLS send need not. Call once the server is up, so that a start does not share the
  /// CPU with it; without the call, the first TLS send reads it, and a send that comes while the
  /// thread runs waits for it. Call from one thread.
  void load_system_cas();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace gridbot::http
