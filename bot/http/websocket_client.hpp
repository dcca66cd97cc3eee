// A WebSocket (WSS) client that stays connected: TLS with peer and host-name verification
// (docs/conventions.md "TLS"), a heartbeat the owner supplies, reconnection with exponential
// backoff. It knows nothing of the platform's frames; the owner speaks the protocol through
// callbacks.
#pragma once

#include "bot/http/runtime.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace gridbot::http {

struct WebSocketOptions {
  std::string url;                        // wss://host[:port][/path]
  std::string ca_file;                    // extra trusted CA; system CAs always trusted
  int64_t handshake_timeout_ms = 10'000;  // TCP connect + TLS + WebSocket upgrade
  int64_t heartbeat_ms = 30'000;          // how often `heartbeat` is asked for a frame
  int64_t backoff_initial_ms = 1'000;
  int64_t backoff_max_ms = 30'000;
  size_t read_limit = 1024 * 1024;  // largest frame accepted
};

/// Callbacks run on the connection's strand, one at a time; they must not block.
struct WebSocketCallbacks {
  std::function<void()> on_open;                         // connected and upgraded: subscribe now
  std::function<void(std::string)> on_text;              // one text frame
  std::function<void(const std::string& why)> on_close;  // lost; a reconnect follows
  /// Called every heartbeat_ms while connected; a non-empty frame is sent.
  std::function<std::string()> heartbeat;
};

/// Thread safety: start/stop from the owning thread; send/reconnect/reset_backoff/after from any
/// thread.
class WebSocketClient {
 public:
  WebSocketClient(Runtime& runtime, WebSocketOptions options, WebSocketCallbacks callbacks);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  /// Connects, and keeps reconnecting until stop().
  void start();
  /// Closes the connection and stops reconnecting. Callbacks may still run until it returns.
  void stop();
  /// Queues a text frame on the live connection; false when there is none.
  bool send(std::string text);
  /// Drops the live connection (unanswered heartbeats, a refused subscription); the client
  /// reconnects after the current backoff.
  void reconnect();
  /// The next reconnect waits backoff_initial_ms again (call when a session proved healthy).
  void reset_backoff();
  /// Runs fn on the connection's strand after ms (timeouts of the owner's requests).
  void after(int64_t ms, std::function<void()> fn);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace gridbot::http
