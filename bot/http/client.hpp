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
  /// A connection the peer kept open is reused for the next request to the same scheme, host and
  /// port while it has been idle less than this (below Node's 5 s keep-alive default, so that a
  /// bridge seldom closes one just as it is reused; a request that meets a connection closed in
  /// that moment is sent once more on a new one).
  int64_t idle_ms = 4000;
  /// Idle connections kept per scheme, host and port; 0 turns reuse off.
  size_t max_idle_per_host = 64;
};

/// Thread safety: send() is safe from any thread.
class Client {
 public:
  Client(Runtime& runtime, ClientOptions options);
  ~Client();

  /// Sends request to request.url (http:// or https://), on a kept-alive connection to the same
  /// host when one is idle. `done` is called once on an I/O thread with the status and body, or
  /// with an error (bad URL, resolve, connect, TLS, timeout).
  void send(HttpRequest request, int64_t timeout_ms, std::function<void(TransportResult)> done);

  /// Reads the system CA bundle (30-70 ms of CPU with OpenSSL 3) on a thread of its own, so that
  /// the first TLS send need not. Call once the server is up, so that a start does not share the
  /// CPU with it; without the call, the first TLS send reads it, and a send that comes while the
  /// thread runs waits for it. Call from one thread.
  void load_system_cas();

  /// Connections opened since construction (tests: reuse is observable).
  int64_t connections_opened() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace gridbot::http
