// Fakes for core tests: a transport that answers from a script and records what it was sent.
#pragma once

#include "adapters/bridge/adapter.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/delivery/transport.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gridbot::test {

class FakeTransport final : public gridbot::delivery::Transport {
 public:
  /// Decides the answer to each request; default 200.
  std::function<TransportResult(const HttpRequest&)> answer = [](const HttpRequest&) {
    return TransportResult{{}, 200, {}, "{}"};
  };

  void send(HttpRequest request, int64_t, std::function<void(TransportResult)> done) override {
    TransportResult r;
    {
      std::lock_guard lk(mu_);
      sent_.push_back(request);
      r = answer(request);
    }
    cv_.notify_all();
    done(std::move(r));
  }

  std::vector<HttpRequest> sent() const {
    std::lock_guard lk(mu_);
    return sent_;
  }
  /// Waits up to timeout for at least n requests; returns how many there are.
  size_t wait_for(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, timeout, [&] { return sent_.size() >= n; });
    return sent_.size();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<HttpRequest> sent_;
};

inline const std::string kSecret = "bridge-secret-0123";

inline void add_bridge(gridbot::channels::ChannelTable& channels, double rate_per_minute = 1000) {
  config::ChannelConfig cfg;
  cfg.name = "bridge";
  cfg.type = "bridge";
  cfg.bot_id = "wxid_bot";
  cfg.rate_per_minute = rate_per_minute;
  adapters::bridge::Options o;
  o.secret = kSecret;
  o.outbound_url = "http://127.0.0.1:9/send";
  o.bot_id = "wxid_bot";
  o.max_text_bytes = 256;
  channels.add_for_test(cfg, std::make_unique<adapters::bridge::BridgeAdapter>(o));
}

/// Polls `pred` until true or timeout.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

}  // namespace gridbot::test
