// An HTTPS server with an optional WebSocket (WSS) endpoint, for stub platforms in tests: the
// platforms gridbot talks to are TLS-only, and tests keep peer and host-name verification on
// (docs/conventions.md "TLS"), so their stubs must serve TLS with a certificate from a test CA.
#pragma once

#include "base/common/http_types.hpp"
#include "bot/http/runtime.hpp"
#include "bot/http/server.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace gridbot::http {

struct TlsServerOptions {
  std::string listen = "127.0.0.1";
  uint16_t port = 0;            // 0: any free port, read back with port()
  std::string cert_file;        // PEM: the server certificate (and its chain)
  std::string key_file;         // PEM: its private key
  int64_t timeout_ms = 15'000;  // per read/write/handshake
  size_t body_limit = 1024 * 1024;
};

/// One accepted WebSocket connection.
/// Thread safety: send/drop are safe from any thread (posted to the connection's strand).
class WsPeer {
 public:
  virtual ~WsPeer() = default;
  /// Queues a text frame.
  virtual void send(std::string text) = 0;
  /// Closes the TCP connection without a close frame, as a crashed or restarted platform would.
  virtual void drop() = 0;
};

/// WebSocket callbacks; each runs on the connection's strand.
struct WsHandlers {
  std::function<void(const std::shared_ptr<WsPeer>&)> on_open;
  std::function<void(const std::shared_ptr<WsPeer>&, std::string)> on_text;
  std::function<void(const std::shared_ptr<WsPeer>&)> on_close;
};

/// HTTPS requests go to `handler` (same contract as Server's); an HTTP Upgrade to WebSocket is
/// accepted when `ws.on_text` is set.
/// Thread safety: listen/port/stop from the owning thread.
class TlsServer {
 public:
  TlsServer(Runtime& runtime, TlsServerOptions options, Handler handler, WsHandlers ws = {});
  ~TlsServer();

  /// Loads the certificate and key, binds and starts accepting. Returns the error, if any.
  std::error_code listen();
  uint16_t port() const;
  /// Stops accepting.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace gridbot::http
