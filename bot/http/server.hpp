// The HTTP server: Beast with C++20 coroutines, a strand per connection, a deadline on every read
// and write, header and body limits, keep-alive, and draining for graceful shutdown.
#pragma once

#include "base/common/http_types.hpp"
#include "bot/http/runtime.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace gridbot::http {

struct ServerOptions {
  std::string listen = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (tests), read back with port()
  int64_t read_timeout_ms = 15'000;
  int64_t write_timeout_ms = 15'000;
  int64_t idle_timeout_ms = 60'000;
  size_t header_limit = 16 * 1024;
  size_t body_limit = 1024 * 1024;
  size_t max_connections = 10'000;
};

/// The application's handler: called on a connection's strand; must call `reply` exactly once,
/// from any thread.
using Handler = std::function<void(HttpRequest, std::function<void(HttpResponse)>)>;

/// Thread safety: listen/drain/wait_idle from the owning thread; the handler runs on I/O threads.
class Server {
 public:
  Server(Runtime& runtime, ServerOptions options, Handler handler);
  ~Server();

  /// Binds and starts accepting. Returns the bind error, if any.
  std::error_code listen();
  uint16_t port() const;
  /// Stops accepting; requests that arrive from now on get 503 and the connection is closed.
  void drain();
  /// Blocks until no request is being handled or timeout_ms passes. Returns true when idle.
  bool wait_idle(int64_t timeout_ms);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace gridbot::http
