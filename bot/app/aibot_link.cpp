// AibotLinks: the long-connection protocol (subscribe, ping, callbacks, acknowledgements) over
// http::WebSocketClient, with the frames themselves made and read in adapters/wecom.
#include "bot/app/aibot_link.hpp"

#include "base/common/strict_int.hpp"

#include "adapters/wecom/aibot_adapter.hpp"
#include "adapters/wecom/long_connection.hpp"
#include "base/common/clock.hpp"
#include "base/common/errors.hpp"
#include "base/common/log.hpp"
#include "bot/http/websocket_client.hpp"

#include <atomic>
#include <map>
#include <mutex>

namespace gridbot::app {

namespace wecom = adapters::wecom;

struct AibotLinks::Link : std::enable_shared_from_this<AibotLinks::Link> {
  std::string channel, bot_id, secret;
  const wecom::AibotAdapter* adapter = nullptr;
  intake::Inbox* pipeline = nullptr;
  std::unique_ptr<http::WebSocketClient> ws;
  std::atomic<bool> subscribed{false};
  std::atomic<uint64_t> seq{0};
  // Strand-only (callbacks run there):
  std::string subscribe_req;
  int unanswered_pings = 0;
  // Frames waiting for their acknowledgement, by req_id. Guarded by mu.
  std::mutex mu;
  std::map<std::string, std::function<void(TransportResult)>> pending;

  std::string next_req_id(const char* what) {
    return std::string(what) + "-" + std::to_string(++seq);
  }

  void on_open() {
    subscribe_req = next_req_id("subscribe");
    unanswered_pings = 0;
    ws->send(wecom::subscribe_frame(bot_id, secret, subscribe_req));
  }

  std::string heartbeat() {
    if (!subscribed) return {};
    // Two pings without an answer: the connection is dead even if TCP has not noticed.
    if (unanswered_pings >= 2) {
      log::warn("wecom long connection {}: heartbeat unanswered, reconnecting", channel);
      ws->reconnect();
      return {};
    }
    ++unanswered_pings;
    return wecom::ping_frame(next_req_id("ping"));
  }

  void on_close() {
    subscribed = false;
    std::map<std::string, std::function<void(TransportResult)>> failed;
    {
      std::lock_guard lk(mu);
      failed.swap(pending);
    }
    for (auto& [id, done] : failed)
      done(TransportResult{std::make_error_code(std::errc::connection_reset), 0, {}, {}});
  }

  void on_text(const std::string& text) {
    auto f = wecom::parse_long_conn_frame(text);
    if (!f) {
      log::warn("wecom long connection {}: unreadable frame ignored", channel);
      return;
    }
    if (f->cmd.empty() || f->has_errcode) return on_ack(*f, text);
    if (f->cmd == "aibot_msg_callback") return on_message(*f);
    if (f->cmd == "aibot_event_callback") {
      // disconnected_event: another connection for this bot took over (one per bot). The server
      // closes ours; we reconnect with backoff, so two gridbots with one bot keep fighting —
      // which the log makes visible.
      if (f->event_type == "disconnected_event")
        log::error("wecom long connection {}: replaced by another connection of this bot", channel);
      return;
    }
    log::debug("wecom long connection {}: {} ignored", channel, f->cmd);
  }

  void on_ack(const wecom::LongConnFrame& f, const std::string& text) {
    if (f.req_id == subscribe_req) {
      if (f.errcode == 0) {
        subscribed = true;
        ws->reset_backoff();
        log::info("wecom long connection {}: subscribed", channel);
      } else {
        // Wrong bot_id or secret: retrying at once cannot help; the backoff grows to its cap.
        log::error("wecom long connection {}: subscription refused: {} {}", channel, f.errcode,
                   f.errmsg);
        ws->reconnect();
      }
      return;
    }
    if (f.req_id.rfind("ping-", 0) == 0) {
      unanswered_pings = 0;
      return;
    }
    std::function<void(TransportResult)> done;
    {
      std::lock_guard lk(mu);
      auto it = pending.find(f.req_id);
      if (it == pending.end()) return;
      done = std::move(it->second);
      pending.erase(it);
    }
    done(TransportResult{{}, 200, {}, text});  // the errcode JSON, read by the adapter
  }

  void on_message(const wecom::LongConnFrame& f) {
    // A pushed frame is this server's request: one id from here to the deliveries it causes.
    log::RequestScope scope(log::new_request_id());
    SystemClock clock;
    auto parsed = adapter->parse_pushed(f.body, f.req_id, clock.now_ms());
    if (!parsed) {
      log::warn(
          {"intake",
           {{"channel", channel}, {"result", "rejected"}, {"reason", error_name(parsed.error())}}},
          "wecom long connection {}: message refused: {}", channel, parsed.error().message());
      return;
    }
    if (parsed->empty() || pipeline == nullptr) return;
    pipeline->handle_messages(channel, std::move(*parsed), [ch = channel](std::error_code ec) {
      // No acknowledgement exists for a pushed message; a failed commit is lost to us, so say so.
      if (ec) log::error("wecom long connection {}: message not stored: {}", ch, ec.message());
    });
  }

  void send(HttpRequest r, int64_t timeout_ms, std::function<void(TransportResult)> done) {
    const std::string req_id(header_value(r.headers, wecom::kWsReqIdHeader));
    if (!subscribed || req_id.empty())
      return done(TransportResult{std::make_error_code(std::errc::not_connected), 0, {}, {}});
    {
      std::lock_guard lk(mu);
      pending[req_id] = std::move(done);
    }
    if (!ws->send(std::move(r.body))) return expire(req_id, std::errc::not_connected);
    ws->after(timeout_ms,
              [self = shared_from_this(), req_id] { self->expire(req_id, std::errc::timed_out); });
  }

  void expire(const std::string& req_id, std::errc why) {
    std::function<void(TransportResult)> done;
    {
      std::lock_guard lk(mu);
      auto it = pending.find(req_id);
      if (it == pending.end()) return;
      done = std::move(it->second);
      pending.erase(it);
    }
    done(TransportResult{std::make_error_code(why), 0, {}, {}});
  }
};

AibotLinks::AibotLinks(const channels::ChannelTable& channels, http::Runtime& runtime,
                       std::string ca_file, delivery::Transport& http)
    : channels_(channels), runtime_(runtime), ca_file_(std::move(ca_file)), http_(http) {
  for (const auto& [name, ch] : channels_.all()) {
    if (ch.config.type != "wecom_aibot") continue;
    auto* adapter = dynamic_cast<const wecom::AibotAdapter*>(ch.adapter.get());
    if (adapter == nullptr || !adapter->options().websocket) continue;
    auto link = std::make_shared<Link>();
    link->channel = name;
    link->bot_id = ch.config.bot_id;
    link->secret = ch.config.options.at("secret");
    link->adapter = adapter;
    http::WebSocketOptions o;
    auto url = ch.config.options.find("ws_url");
    o.url = url == ch.config.options.end() ? std::string(wecom::kLongConnectionUrl) : url->second;
    o.ca_file = ca_file_;
    o.heartbeat_ms = wecom::kHeartbeatMs;
    if (auto hb = ch.config.options.find("heartbeat_ms"); hb != ch.config.options.end())
      o.heartbeat_ms = parse_int<int64_t>(hb->second, 1).value_or(wecom::kHeartbeatMs);
    std::weak_ptr<Link> weak = link;
    http::WebSocketCallbacks cb;
    cb.on_open = [weak] {
      if (auto l = weak.lock()) l->on_open();
    };
    cb.on_text = [weak](std::string t) {
      if (auto l = weak.lock()) l->on_text(t);
    };
    cb.on_close = [weak](const std::string&) {
      if (auto l = weak.lock()) l->on_close();
    };
    cb.heartbeat = [weak] {
      auto l = weak.lock();
      return l ? l->heartbeat() : std::string{};
    };
    link->ws = std::make_unique<http::WebSocketClient>(runtime_, std::move(o), std::move(cb));
    links_.push_back(std::move(link));
  }
}

AibotLinks::~AibotLinks() { stop(); }

void AibotLinks::start(intake::Inbox& pipeline) {
  for (auto& l : links_) {
    l->pipeline = &pipeline;
    l->ws->start();
    log::info("wecom long connection {}: connecting", l->channel);
  }
}

void AibotLinks::stop() {
  for (auto& l : links_) l->ws->stop();
}

void AibotLinks::send(HttpRequest request, int64_t timeout_ms,
                      std::function<void(TransportResult)> done) {
  if (request.url.rfind(wecom::kWsUrlScheme, 0) != 0)
    return http_.send(std::move(request), timeout_ms, std::move(done));
  const std::string channel = request.url.substr(wecom::kWsUrlScheme.size());
  for (auto& l : links_)
    if (l->channel == channel) return l->send(std::move(request), timeout_ms, std::move(done));
  done(TransportResult{std::make_error_code(std::errc::not_connected), 0, {}, {}});
}

}  // namespace gridbot::app
