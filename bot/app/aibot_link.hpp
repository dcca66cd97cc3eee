// The WeCom AI bot's long connections (WebSocket API mode, docs/adapters/wecom.md "Webhook or long
// connection"), one per channel configured with "mode": "websocket": subscribe with the bot's
// credentials, keep the heartbeat, feed pushed messages into the Pipeline, and carry the outbox's
// frames for those channels.
#pragma once

#include "bot/channels/channel_table.hpp"
#include "bot/intake/inbox.hpp"
#include "bot/delivery/transport.hpp"
#include "bot/http/runtime.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gridbot::app {

/// A Transport that sends "wecom-ws://<channel>" requests as frames on that channel's connection
/// (done with the frame's acknowledgement as a 200 body, or an error when the connection is down
/// or the acknowledgement does not come within the timeout) and everything else through `http`.
/// Thread safety: send() from any thread; start/stop from the owning thread.
class AibotLinks final : public delivery::Transport {
 public:
  AibotLinks(const channels::ChannelTable& channels, http::Runtime& runtime, std::string ca_file,
             delivery::Transport& http);
  ~AibotLinks() override;

  /// Opens a connection per long-connection channel; pushed messages go to `inbox`.
  void start(intake::Inbox& pipeline);
  void stop();
  size_t size() const { return links_.size(); }

  // delivery::Transport
  void send(HttpRequest request, int64_t timeout_ms,
            std::function<void(TransportResult)> done) override;

  struct Link;

 private:
  const channels::ChannelTable& channels_;
  http::Runtime& runtime_;
  std::string ca_file_;
  delivery::Transport& http_;
  std::vector<std::shared_ptr<Link>> links_;
};

}  // namespace gridbot::app
