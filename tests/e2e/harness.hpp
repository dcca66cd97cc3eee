// End-to-end harness: a gridbot child process with its own config and store in a temp folder,
// a stub bridge receiver on 127.0.0.1:0, and a signed-message client.
#pragma once

#include "../temp_dir.hpp"
#include "base/common/http_types.hpp"
#include "bot/http/client.hpp"
#include "bot/http/runtime.hpp"
#include "bot/http/server.hpp"

#include <atomic>
#include <chrono>
#include <thread>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <vector>

namespace gridbot::test {

inline const std::string kBridgeSecret = "e2e-bridge-secret-0123";
inline const std::string kApiToken = "e2e-api-token-0123456789";
/// The bridge channel's bot_id in the harness's config: an @ of it mentions gridbot.
inline const std::string kBotId = "wxid_gridbot";

/// A bridge receiver: records every request; answers 200 unless told to fail.
class StubReceiver {
 public:
  explicit StubReceiver(http::Runtime& runtime);
  uint16_t port() const { return server_->port(); }
  std::atomic<int> status{200};
  std::atomic<int> delay_ms{0};  // a slow platform: each answer waits this long
  /// Idempotency keys of requests answered 2xx, in the order they arrived.
  std::vector<std::string> delivered_order() const;
  /// Bodies of requests answered 2xx, by idempotency key.
  std::map<std::string, int> delivered_counts() const;
  size_t requests() const;
  std::vector<std::string> bodies() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
  std::map<std::string, int> ok_;
  std::vector<std::string> order_;
  std::unique_ptr<http::Server> server_;
};

/// A rules folder in `dir` for a gridbot under test: the shipped rules, and the test templates
/// (tests/data/templates_test.json) as its templates.json, so that no e2e test depends on the
/// shipped wording. Made once per folder; returns its path.
std::string test_rules_dir(const TempDir& dir);

/// A gridbot process. The config points the bridge channel at `outbound_port` and its rules at
/// test_rules_dir(dir) (or $GRIDBOT_TEST_RULES when set).
class GridbotProcess {
 public:
  GridbotProcess(const TempDir& dir, uint16_t outbound_port, const std::string& extra_server = "",
                 int max_in_flight = 64, double rate_per_minute = 100000);
  ~GridbotProcess();
  void start();          // waits until it listens
  void kill_hard();      // SIGKILL, then reap
  int terminate();       // SIGTERM, returns the exit status
  void signal(int sig);  // e.g. SIGHUP
  uint16_t port() const { return port_; }
  std::string url(const std::string& path) const;
  const std::string& config_file() const { return config_; }

 private:
  const TempDir& dir_;
  std::string config_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

/// Synchronous HTTP over the project's client.
class TestClient {
 public:
  explicit TestClient(http::Runtime& runtime) : client_(runtime, {}) {}
  TransportResult request(HttpRequest r, int64_t timeout_ms = 10'000);
  /// POSTs a bridge message signed with kBridgeSecret (or `secret`).
  TransportResult post_message(const std::string& url, const std::string& id,
                               const std::string& room, const std::string& text, bool mention_bot,
                               const std::string& secret = kBridgeSecret,
                               const std::string& talker = "wxid_resident");
  TransportResult api_get(const std::string& url);

 private:
  http::Client client_;
};

std::string message_body(const std::string& id, const std::string& room, const std::string& text,
                         bool mention_bot, const std::string& talker = "wxid_resident");
/// Seconds since the epoch by the wall clock, as a bridge signs with it.
int64_t unix_now_s();

/// Waits up to timeout_ms for pred() to hold, polling every 20 ms.
template <typename Pred>
bool eventually(Pred pred, int timeout_ms = 15'000) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

/// Counts occurrences of `needle` in `hay`.
size_t count_of(const std::string& hay, const std::string& needle);

}  // namespace gridbot::test
